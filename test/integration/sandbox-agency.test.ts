// Agency mode and Pinterest's per-login rate limits in the sandbox, from outside over HTTP and through the CLI.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxInfo, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';
import { PINADS_BIN } from '../helpers/cli.ts';

const open: Sandbox[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
});

async function sandbox(opts: Parameters<typeof startSandbox>[0]) {
  const s = await startSandbox(opts);
  open.push(s);
  return s;
}

async function bearer(info: SandboxInfo): Promise<string> {
  return `Bearer ${(await refreshTokens(info, info.refresh_token)).access_token}`;
}

async function allAds(info: SandboxInfo, auth: string, accountId: string) {
  const res = await fetch(
    `${info.api_url}/ad_accounts/${accountId}/ads?page_size=250&entity_statuses=ACTIVE,PAUSED,ARCHIVED,DRAFT,DELETED_DRAFT`,
    { headers: { authorization: auth } },
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string; campaign_id: string; ad_group_id: string }[] }).items;
}

const stats = async (info: SandboxInfo) =>
  (await (await fetch(`${info.url}/__sandbox/stats`)).json()) as {
    total: number;
    responses_by_status: Record<string, number>;
    by_category: Record<string, { requests: number; rate_limited: number }>;
  };

describe('sandbox agency mode', () => {
  it('adds N small accounts on the same login: 10–30 ads each, mixed currencies and zones, same for the same seed', async () => {
    const a = await sandbox({ seed: 7, agencyAccounts: 40 });
    const b = await sandbox({ seed: 7, agencyAccounts: 40 });
    const c = await sandbox({ seed: 8, agencyAccounts: 40 });
    expect(a.info.ad_accounts).toHaveLength(43);
    expect(b.info.ad_accounts).toEqual(a.info.ad_accounts);
    expect(c.info.ad_accounts.map((x) => x.id)).not.toEqual(a.info.ad_accounts.map((x) => x.id));
    const agency = a.info.ad_accounts.slice(3);
    expect(new Set(a.info.ad_accounts.map((x) => x.id)).size).toBe(43);
    expect(new Set(agency.map((x) => x.currency)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(agency.map((x) => x.time_zone)).size).toBeGreaterThanOrEqual(6);
    expect(agency.some((x) => x.currency === 'JPY')).toBe(true);

    // One token reaches every account: the listing pages through all 43.
    const auth = await bearer(a.info);
    const listed: string[] = [];
    let bookmark: string | undefined;
    do {
      const res = await fetch(
        `${a.info.api_url}/ad_accounts?page_size=25${bookmark ? `&bookmark=${bookmark}` : ''}`,
        {
          headers: { authorization: auth },
        },
      );
      const body = (await res.json()) as { items: { id: string }[]; bookmark: string | null };
      listed.push(...body.items.map((i) => i.id));
      bookmark = body.bookmark ?? undefined;
    } while (bookmark);
    expect(listed.sort()).toEqual(a.info.ad_accounts.map((x) => x.id).sort());

    const seen = new Set<string>();
    for (const acct of agency.slice(0, 12)) {
      const ads = await allAds(a.info, auth, acct.id);
      expect(ads.length).toBeGreaterThanOrEqual(10);
      expect(ads.length).toBeLessThanOrEqual(30);
      for (const ad of ads) {
        expect(seen.has(ad.id)).toBe(false);
        seen.add(ad.id);
        expect(ad.id.length).toBeLessThanOrEqual(19);
      }
      expect(ads.some((ad) => BigInt(ad.id) > 2n ** 53n)).toBe(true);
    }
  });

  it('lists the agency accounts in the CLI JSON line', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      [PINADS_BIN, 'sandbox', '--agency-accounts', '5', '--enforce-rate-limits', '--seed', '3'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const info = JSON.parse(line) as SandboxInfo;
      expect(info.ad_accounts).toHaveLength(8);
      expect((await stats(info)).responses_by_status).toEqual({});
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

describe('sandbox --enforce-rate-limits', () => {
  it("answers 429 over a category's sliding-minute budget, per login, and counts responses by status and category", async () => {
    const s = await sandbox({
      enforceRateLimits: { windowMs: 2000, limits: { ads_analytics: 20, ads_read: 30 } },
    });
    const auth = await bearer(s.info);
    const acct = s.info.ad_accounts[0]!.id;
    const get = (path: string) => fetch(`${s.info.api_url}${path}`, { headers: { authorization: auth } });
    const ready = () => get(`/resources/metrics_ready_state?date=${new Date().toISOString().slice(0, 10)}`);

    const first = await Promise.all(Array.from({ length: 20 }, ready));
    expect(first.map((r) => r.status)).toEqual(Array(20).fill(200));
    const over = await ready();
    expect(over.status).toBe(429);
    expect(((await over.json()) as { code: number }).code).toBe(8);
    expect(Number(over.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    // The report endpoints share the ads_analytics budget and answer with the reporting code and its retry hint.
    const report = await get(`/ad_accounts/${acct}/reports?token=x`);
    expect(report.status).toBe(429);
    expect(await report.json()).toMatchObject({
      code: 2726,
      message: expect.stringMatching(/Retry after \d+ seconds/),
    });
    // ads_read has its own budget: still open.
    expect((await get(`/ad_accounts/${acct}`)).status).toBe(200);
    // A second token of the same login shares the budget.
    const other = `Bearer ${(await refreshTokens(s.info, s.mintRefreshToken())).access_token}`;
    const viaOther = await fetch(`${s.info.api_url}/resources/metrics_ready_state?date=2026-01-01`, {
      headers: { authorization: other },
    });
    expect(viaOther.status).toBe(429);

    const st = await stats(s.info);
    expect(st.responses_by_status).toEqual({ '200': 23, '429': 3 });
    expect(st.by_category.ads_analytics).toEqual({ requests: 23, rate_limited: 3 });
    expect(st.by_category.ads_read).toEqual({ requests: 1, rate_limited: 0 });
    expect(st.by_category.org_read).toEqual({ requests: 2, rate_limited: 0 });

    // The window slides: once the oldest requests are older than it, the budget is back.
    await new Promise((r) => setTimeout(r, 2100));
    expect((await ready()).status).toBe(200);
  });

  it('is off by default', async () => {
    const s = await sandbox({});
    const auth = await bearer(s.info);
    const rs = await Promise.all(
      Array.from({ length: 320 }, () =>
        fetch(`${s.info.api_url}/resources/metrics_ready_state?date=2026-01-01`, {
          headers: { authorization: auth },
        }),
      ),
    );
    expect(rs.every((r) => r.status === 200)).toBe(true);
  });
});
