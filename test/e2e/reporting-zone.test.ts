// The one reporting-zone rule, through the real CLI and the dashboard's real server, at 22:30 UTC (Tokyo is already
// on tomorrow's date): an account-time connection whose zone was stored at create but whose account was never
// synced dates its backfill and its dashboard in Asia/Tokyo, not UTC; and the dashboard's default backfill form
// ends on Tokyo's today, which every chunk must clamp to the UTC today Pinterest accepts. Every process runs on the
// same clock: the sandbox and the worker injected, the `pinads` children shifted (test/helpers/shifted-clock.mjs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../common/dates.ts';
import { startUiChild, type UiChild } from '../browser/support.ts';
import { clockEnv, runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';

const utcDay = new Date().toISOString().slice(0, 10);
const at = new Date(`${utcDay}T22:30:00Z`);
const clock = () => at;
const tokyoDay = addDays(utcDay, 1);

let h: Harness;
let ui: UiChild | undefined;
let id = '';
const env = () => h.cliEnv({ PINADS_LOG_LEVEL: 'error', PINADS_UI_TOKEN: undefined, ...clockEnv(at) });

beforeAll(async () => {
  h = await startHarness({ sandbox: { now: clock }, deps: { now: clock } });
  const jpy = h.sandbox.info.ad_accounts[2]!;
  expect(jpy.time_zone).toBe('Asia/Tokyo');
  // As `connections create --reporting-time-zone account` stores it: the zone resolved, nothing synced yet.
  id = (await h.connect(jpy.id, { reporting_time_zone: 'account', account_time_zone: 'Asia/Tokyo' })).id;
  ui = await startUiChild(['--port', '0'], env());
});
afterAll(async () => {
  await ui?.stop();
  await h?.close();
});

const page = async (path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, ui!.url), { headers, redirect: 'manual' });

describe('an account-time connection east of UTC, its account never synced', () => {
  it('the dashboard counts its days in the stored zone', async () => {
    const res = await page(`/connections/${id}`, { accept: 'text/html' });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('days in Asia/Tokyo');
    expect(text).toContain(`max="${tokyoDay}"`);
  });

  it('`pinads backfill` takes Tokyo dates, clamps to the UTC today, and loads them in Tokyo time', async () => {
    const jpy = h.sandbox.info.ad_accounts[2]!;
    const from = addDays(tokyoDay, -3);
    const r = await runPinads(['backfill', id, '--from', from, '--to', tokyoDay, '--wait'], env());
    expect(r.stderr).toContain(`clamped to ${from}..${utcDay}`);
    expect(r.code, r.stderr).toBe(0);
    const facts = await h.facts(jpy.id, from, tokyoDay);
    expect(facts.length).toBeGreaterThan(0);
    expect(facts).toEqual(await h.truth(jpy.id, from, utcDay, {}, true));
    const { rows } = await h.wh.pool.query(
      'SELECT DISTINCT time_zone FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1',
      [jpy.id],
    );
    expect(rows).toEqual([{ time_zone: 'Asia/Tokyo' }]);
  });
});

describe("the dashboard's default backfill form at 22:30 UTC (issue 23 item 4)", () => {
  it('starts a backfill whose every chunk Pinterest accepts', async () => {
    await h.sync(id); // the account is synced now: its zone is known both ways
    const earlier = (
      await h.wh.pool.query("SELECT DISTINCT workflow_id FROM pinads.sync_runs WHERE kind = 'backfill'")
    ).rows.map((r) => r.workflow_id as string);
    const res = await page(`/connections/${id}`, { accept: 'text/html' });
    const text = await res.text();
    const csrfCookie = /pinads_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    const form = [...text.matchAll(/<form class="backfill".*?<\/form>/gs)].at(-1)![0];
    const value = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(form)![1]!;
    expect(value('to')).toBe(tokyoDay);
    const posted = await fetch(new URL(`/connections/${id}/backfill`, ui!.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `pinads_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: value('csrf'), from: value('from'), to: value('to') }).toString(),
    });
    expect(posted.status).toBe(303);
    // The backfill's first window run names its workflow; its result is the backfill's.
    let workflowId: string | undefined;
    await expect
      .poll(
        async () =>
          (workflowId = (
            await h.wh.pool.query(
              `SELECT workflow_id FROM pinads.sync_runs
                WHERE connection_id = $1 AND kind = 'backfill' AND workflow_id <> ALL($2) LIMIT 1`,
              [id, earlier],
            )
          ).rows[0]?.workflow_id),
        { timeout: 60_000 },
      )
      .toBeDefined();
    await h.client.workflow.getHandle(workflowId!).result();
    const { rows } = await h.wh.pool.query(
      `SELECT max(window_end)::text AS last, count(*) FILTER (WHERE status <> 'succeeded')::int AS bad
         FROM pinads.sync_runs WHERE workflow_id = $1`,
      [workflowId],
    );
    expect(rows[0]).toEqual({ last: utcDay, bad: 0 });
  }, 240_000);
});
