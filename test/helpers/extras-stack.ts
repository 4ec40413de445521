// A warehouse with every catalog report of two accounts (USD reported in UTC, JPY in its own Tokyo time), loaded the
// way production loads them: a real worker on the shared Temporal dev server runs `syncConnection` in lookback mode,
// whose daily pass pulls the extra reports and syncs the keywords, advertiser-defined events and geo names they name,
// after asking Pinterest which days are ready. For the tests of what reads those tables: views, `pinads report`, the
// dashboard. The window is the days every report of both accounts pulled (the lookback before today): the older are
// final (the sandbox's conversion metrics are ready 78 h after a UTC day), the recent ones are not.
import type { DateWindow } from '../../common/dates.ts';
import type { Sandbox } from '../../sandbox/server.ts';
import { fetchTruth } from '../../sandbox/testing.ts';
import type { Connection } from '../../warehouse/control.ts';
import type { Warehouse } from '../../warehouse/pool.ts';
import type { TestDatabase } from './db.ts';
import { type Harness, startHarness } from './harness.ts';

export type Which = 'usd' | 'jpy';

export interface ExtrasStack {
  h: Harness;
  sandbox: Sandbox;
  db: TestDatabase;
  wh: Warehouse;
  window: DateWindow;
  account: Record<Which, { id: string; zone: string }>;
  conn: Record<Which, Connection>;
  /** /__sandbox/truth of a kind for the window, with the connection's settings and zone. */
  truth<R>(k: Which, kind: string, extra?: Record<string, string>): Promise<R[]>;
  /** POSTs a sandbox control endpoint (e.g. /__sandbox/restate). */
  control(path: string, body: unknown): Promise<unknown>;
  /** Runs the connection's daily pass again (`syncConnection` in lookback mode), e.g. after a restatement. */
  pull(k: Which): Promise<void>;
  /** The environment of a `pinads` child against this stack. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  close(): Promise<void>;
}

export async function startExtrasStack(): Promise<ExtrasStack> {
  const h = await startHarness();
  const usd = h.sandbox.info.ad_accounts.find((a) => a.currency === 'USD')!;
  const jpy = h.sandbox.info.ad_accounts.find((a) => a.currency === 'JPY')!;
  const account = { usd: { id: usd.id, zone: 'UTC' }, jpy: { id: jpy.id, zone: jpy.time_zone } };
  const conn = {
    usd: await h.connect(usd.id),
    jpy: await h.connect(jpy.id, { reporting_time_zone: 'account', account_time_zone: jpy.time_zone }),
  };
  for (const c of Object.values(conn)) await h.sync(c.id, { mode: 'lookback' });
  // The days every catalog report of both accounts has (the hourly window adds today to the ad-level report only).
  const { rows } = await h.wh.pool.query(
    `SELECT max(first)::text AS start, min(last)::text AS end FROM (
       SELECT ad_account_id, report, min(date) AS first, max(date) AS last FROM pinads.day_pulls
        WHERE ad_account_id = ANY($1) GROUP BY 1, 2) r`,
    [[usd.id, jpy.id]],
  );
  const window = { start: rows[0].start, end: rows[0].end };
  return {
    h,
    sandbox: h.sandbox,
    db: h.db,
    wh: h.wh,
    window,
    account,
    conn,
    truth: <R>(k: Which, kind: string, extra: Record<string, string> = {}) =>
      fetchTruth<R>(h.sandbox.info, {
        ad_account_id: account[k].id,
        start_date: window.start,
        end_date: window.end,
        kind,
        click_window_days: '30',
        engagement_window_days: '30',
        view_window_days: '1',
        conversion_report_time: 'TIME_OF_CONVERSION',
        ...(k === 'jpy' ? { reporting_timezone: 'AD_ACCOUNT_TIME_ZONE' } : {}),
        ...extra,
      }),
    control: (path, body) => h.control(path, body),
    async pull(k) {
      await h.sync(conn[k].id, { mode: 'lookback' });
    },
    env: (extra = {}) => h.cliEnv(extra),
    close: () => h.close(),
  };
}

/** Rows grouped by a key, in first-seen order. */
export function groupBy<R>(rows: R[], keyOf: (r: R) => string): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
  return m;
}
