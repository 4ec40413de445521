// A failing extra report never fails or delays the core report (issue 17), through the real CLI and a real worker:
// while every targeting report Pinterest is asked for fails (500 at creation, and only there), `pinads sync ID
// --lookback` commits the hourly window on its own, equal to the truth, and leaves the connection active; the
// targeting report is retried like the lookback, and once Pinterest answers again the same run completes and every
// catalog table equals the truth. (~30 s.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_TARGETING_DAILY } from '../../catalog/index.ts';
import { catalogRows, catalogTruth } from '../helpers/catalog-truth.ts';
import { runPinads } from '../helpers/cli.ts';
import { type Harness, startHarness } from '../helpers/harness.ts';
import { until } from '../helpers/wait.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('an extra report failing in the daily pass', () => {
  it('holds back neither the hourly window nor the connection, and is retried until it lands', async () => {
    const usd = h.sandbox.info.ad_accounts.find((a) => a.currency === 'USD')!;
    const conn = await h.connect(usd.id);
    await h.control('/__sandbox/faults', {
      rate: 1,
      kinds: ['500'],
      levels: [AD_TARGETING_DAILY.level],
    });
    let sync: ReturnType<typeof runPinads> | undefined;
    try {
      sync = runPinads(['sync', conn.id, '--lookback', '--wait'], h.cliEnv());
      // The hourly window commits while the targeting report keeps failing.
      const hourly = await until('the hourly window', async () => {
        const { rows } = await h.wh.pool.query(
          `SELECT window_start::text AS start, window_end::text AS end FROM pinads.sync_runs
            WHERE connection_id = $1 AND kind = 'hourly' AND status = 'succeeded'`,
          [conn.id],
        );
        return rows[0] as { start: string; end: string } | undefined;
      });
      expect(await h.facts(usd.id, hourly.start, hourly.end)).toEqual(
        await h.truth(usd.id, hourly.start, hourly.end),
      );
      await until('two failed targeting reports', async () => {
        const stats = (await (await fetch(`${h.sandbox.info.url}/__sandbox/stats`)).json()) as {
          responses_by_status: Record<string, number>;
        };
        return (stats.responses_by_status['500'] ?? 0) >= 2 ? true : undefined;
      });
      const { rows: state } = await h.wh.pool.query(
        `SELECT c.status, (SELECT count(*)::int FROM pinterest_ads.ad_targeting_daily_metrics t
                            WHERE t.ad_account_id = c.ad_account_id) AS targeting_rows
           FROM pinads.connections c WHERE c.id = $1`,
        [conn.id],
      );
      expect(state[0]).toEqual({ status: 'active', targeting_rows: 0 });
    } finally {
      await h.control('/__sandbox/faults', { rate: 0 });
    }
    const r = await sync;
    expect(r.code, r.stderr).toBe(0);
    // The retried report landed: the targeting table equals the truth over the days the pass pulled.
    const { rows } = await h.wh.pool.query(
      `SELECT min(date)::text AS start, max(date)::text AS end FROM pinads.day_pulls
        WHERE ad_account_id = $1 AND report = $2`,
      [usd.id, AD_TARGETING_DAILY.id],
    );
    const window = { start: rows[0].start as string, end: rows[0].end as string };
    expect(window.start, 'the pass pulled the targeting report').toBeTruthy();
    const want = await catalogTruth(h.sandbox.info.url, AD_TARGETING_DAILY, usd.id, window, {});
    expect(want.length).toBeGreaterThan(0);
    expect(await catalogRows(h.wh.pool, AD_TARGETING_DAILY, usd.id, window)).toEqual(want);
  });
});
