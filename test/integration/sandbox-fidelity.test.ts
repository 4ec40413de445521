// Endpoints other real clients call (Airbyte's source-pinterest, Pinterest's Python SDK), answered as the OpenAPI
// spec says: user account, boards, single entities, per-entity analytics with their required id filters and limits.
// Also: entity times never in the future, and requests with no route counted in /__sandbox/stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';
import { refreshTokens } from '../../sandbox/testing.ts';
import { responseSchema, validate } from '../helpers/openapi.ts';

let sb: Sandbox;
let token = '';
beforeAll(async () => {
  sb = await startSandbox();
  // Other clients ask for more scopes than pinads (boards:read for /boards).
  const grant = sb.mintRefreshToken('ads:read,user_accounts:read,boards:read');
  token = (await refreshTokens(sb.info, grant)).access_token;
});
afterAll(async () => {
  await sb?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, checked by the spec's schemas
async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sb.info.api_url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

function conforms(path: string, body: unknown) {
  expect(validate(responseSchema('GET', `/v5${path.split('?')[0]}`, 200), body)).toEqual([]);
}

const today = new Date().toISOString().slice(0, 10);
const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
const range = `start_date=${weekAgo}&end_date=${today}&granularity=DAY&columns=SPEND_IN_DOLLAR,PAID_IMPRESSION`;

describe('sandbox fidelity for other clients', () => {
  it('serves the user account and boards, the boards only to a grant with boards:read', async () => {
    for (const path of ['/user_account', '/boards']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      conforms(path, r.body);
    }
    // pinads's own grant (ads:read, user_accounts:read) is refused the boards as Pinterest refuses it.
    const narrow = (await refreshTokens(sb.info, sb.info.refresh_token)).access_token;
    const res = await fetch(`${sb.info.api_url}/boards`, { headers: { authorization: `Bearer ${narrow}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: number }).code).toBe(3);
  });

  it('serves single campaigns, ad groups and ads, with optimization_goal_metadata an object and no future times', async () => {
    const acct = sb.info.ad_accounts[0]!.id;
    const now = Date.now() / 1000;
    for (const kind of ['campaigns', 'ad_groups', 'ads']) {
      const list = await get(
        `/ad_accounts/${acct}/${kind}?entity_statuses=ACTIVE,PAUSED,ARCHIVED&page_size=250`,
      );
      for (const e of list.body.items) expect(e.updated_time).toBeLessThanOrEqual(now);
      const first = list.body.items[0];
      const one = await get(`/ad_accounts/${acct}/${kind}/${first.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(first);
      conforms(`/ad_accounts/${acct}/${kind}/${first.id}`, one.body);
      if (kind === 'ad_groups') expect(typeof one.body.optimization_goal_metadata).toBe('object');
      if (kind === 'ad_groups') expect(one.body.optimization_goal_metadata).not.toBeNull();
      expect((await get(`/ad_accounts/${acct}/${kind}/1`)).status).toBe(404);
    }
  });

  it('answers the per-entity analytics, requiring their id filters and keeping their limits', async () => {
    const acct = sb.info.ad_accounts[0]!.id;
    const campaigns = (await get(`/ad_accounts/${acct}/campaigns?page_size=250`)).body.items;
    const c = await get(`/ad_accounts/${acct}/campaigns/analytics?${range}&campaign_ids=${campaigns[0].id}`);
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body.length).toBeGreaterThan(0);
    expect(c.body.every((r: { CAMPAIGN_ID: string }) => r.CAMPAIGN_ID === campaigns[0].id)).toBe(true);
    const missing = await get(`/ad_accounts/${acct}/campaigns/analytics?${range}`);
    expect(missing).toMatchObject({ status: 400, body: { code: 1 } });
    const tooMany = Array.from({ length: 251 }, (_, i) => String(1000 + i)).join(',');
    expect(
      (await get(`/ad_accounts/${acct}/ad_groups/analytics?${range}&ad_group_ids=${tooMany}`)).status,
    ).toBe(400);
    const ads = (await get(`/ad_accounts/${acct}/ads?page_size=250`)).body.items;
    const a = await get(`/ad_accounts/${acct}/ads/analytics?${range}&ad_ids=${ads[0].id}`);
    expect(a.status).toBe(200);
    expect((await get(`/ad_accounts/${acct}/ads/analytics?${range}`)).status).toBe(400);
    const pins = Array.from({ length: 101 }, (_, i) => String(1000 + i)).join(',');
    expect(
      (
        await get(
          `/ad_accounts/${acct}/ads/analytics?${range}&campaign_ids=${campaigns[0].id}&pin_ids=${pins}`,
        )
      ).status,
    ).toBe(400);
    const u = await get(`/user_account/analytics?start_date=${weekAgo}&end_date=${today}`);
    expect(u.status).toBe(200);
    expect(u.body.all.daily_metrics.length).toBe(8);
  });

  it('counts requests with no route in /__sandbox/stats', async () => {
    const before = (await (await fetch(`${sb.info.url}/__sandbox/stats`)).json()) as {
      total: number;
      requests: Record<string, number>;
    };
    expect((await get('/no/such/endpoint')).status).toBe(404);
    const after = (await (await fetch(`${sb.info.url}/__sandbox/stats`)).json()) as typeof before;
    expect(after.requests.UNROUTED).toBe((before.requests.UNROUTED ?? 0) + 1);
    expect(after.total).toBe(before.total + 1);
  });
});
