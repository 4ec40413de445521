// The hourly split stored on the daily row (migration 010): the migration converts the old per-hour table in place
// with the same rows and values, the new loader writes what the old one wrote, the view is served from indexes, and
// the split can never disagree with the day's spend.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_DAILY } from '../../catalog/index.ts';
import type { DailyFactRow } from '../../schemas/report.ts';
import { type LoadWindowInput, loadReportWindow } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { runPinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { loadReportWindowOldLayout, OLD_LAYOUT_BEFORE } from '../helpers/old-layout.ts';
import { factRow, loadInput, type MigratedWarehouse, migratedWarehouse } from './warehouse-fixtures.ts';

/** Every hourly row of the warehouse as text, in key order: equal arrays mean the same rows and values. */
async function allHourly(wh: Warehouse): Promise<string[]> {
  const { rows } = await wh.pool.query<{ r: string }>(
    `SELECT concat_ws('|', ad_account_id, ad_id, to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), date,
                      spend_micro, method) AS r
       FROM pinterest_ads.ad_hourly_spend ORDER BY ad_account_id, ad_id, hour`,
  );
  return rows.map((r) => r.r);
}

async function allDaily(wh: Warehouse): Promise<string[]> {
  const { rows } = await wh.pool.query<{ r: string }>(
    `SELECT concat_ws('|', ad_account_id, ad_id, date, campaign_id, ad_group_id, currency, time_zone, spend_micro,
                      impressions, clicks, outbound_clicks, conversions, conversion_value_micro, total_conversions,
                      click_window_days, engagement_window_days, view_window_days, conversion_report_time, synced_at) AS r
       FROM pinterest_ads.ad_daily_metrics ORDER BY ad_account_id, ad_id, date`,
  );
  return rows.map((r) => r.r);
}

const days = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10));

/** Ad-days of `ads` ads over the dates, with spends that exercise the mod (some zero, some below 24). */
function facts(ads: number, dates: string[], salt: number): DailyFactRow[] {
  const out: DailyFactRow[] = [];
  for (let a = 0; a < ads; a++)
    for (const [d, date] of dates.entries()) {
      const k = (a * 31 + d * 7 + salt) % 11;
      const spend =
        k === 0 ? 0n : k === 1 ? BigInt(a + d) % 24n : BigInt(1_000_003 * (a + 1) + d * 17 + salt);
      out.push(factRow({ ad_id: String(9_007_199_254_740_993n + BigInt(a)), date, spend_micro: spend }));
    }
  return out;
}

type Load = [string, { start: string; end: string }, DailyFactRow[], Partial<LoadWindowInput>];

/** Accounts in several zones across both 2026 DST changes, an open day, a restated window, an ad-day dropped. */
const LOADS: Load[] = [
  ['acct-utc', { start: '2026-03-27', end: '2026-03-31' }, facts(6, days('2026-03-27', 5), 1), {}],
  [
    'acct-berlin',
    { start: '2026-03-28', end: '2026-03-30' },
    facts(5, days('2026-03-28', 3), 2),
    { timeZone: 'Europe/Berlin' },
  ],
  [
    'acct-berlin',
    { start: '2026-10-24', end: '2026-10-26' },
    facts(5, days('2026-10-24', 3), 3),
    { timeZone: 'Europe/Berlin' },
  ],
  [
    'acct-la',
    { start: '2026-11-01', end: '2026-11-01' },
    facts(4, ['2026-11-01'], 4),
    { timeZone: 'America/Los_Angeles' },
  ],
  [
    'acct-kathmandu',
    { start: '2026-06-01', end: '2026-06-02' },
    facts(3, days('2026-06-01', 2), 5),
    { timeZone: 'Asia/Kathmandu' },
  ],
  // The open day: 2026-06-11 in Tokyo, 9 h 20 min after its local midnight (10 hours elapsed).
  [
    'acct-tokyo',
    { start: '2026-06-10', end: '2026-06-11' },
    facts(4, days('2026-06-10', 2), 6),
    { timeZone: 'Asia/Tokyo', now: new Date('2026-06-11T00:20:00Z') },
  ],
  // Restated: the same window again with other values, one ad-day gone.
  ['acct-utc', { start: '2026-03-29', end: '2026-03-30' }, facts(6, days('2026-03-29', 2), 7).slice(1), {}],
];

async function loadAll(
  wh: Warehouse,
  load: (wh: Warehouse, input: LoadWindowInput) => Promise<{ hourlyRows: number }>,
  loads: Load[],
): Promise<number[]> {
  const counts: number[] = [];
  for (const [account, window, rows, over] of loads)
    counts.push((await load(wh, loadInput(account, window, rows, over))).hourlyRows);
  return counts;
}

async function oldLayoutWarehouse(): Promise<{ db: TestDatabase; wh: Warehouse }> {
  const db = await createTestDatabase('pinads_wh_old');
  const wh = await openWarehouse(db.url);
  await migrate(wh.pool, { before: OLD_LAYOUT_BEFORE });
  return { db, wh };
}

describe('migration 010: the old per-hour table converted in place', () => {
  let old: { db: TestDatabase; wh: Warehouse };
  let fresh: MigratedWarehouse;
  beforeAll(async () => {
    old = await oldLayoutWarehouse();
    fresh = await migratedWarehouse();
  });
  afterAll(async () => {
    await old?.wh.close();
    await old?.db.drop();
    await fresh?.close();
  });

  it('keeps every hourly row with exactly its values, and the daily facts unchanged', async () => {
    const { rows: kind } = await old.wh.pool.query(
      `SELECT relkind FROM pg_class WHERE oid = 'pinterest_ads.ad_hourly_spend'::regclass`,
    );
    expect(kind[0].relkind).toBe('r');
    const oldCounts = await loadAll(
      old.wh,
      (wh, input) => loadReportWindowOldLayout(wh, AD_DAILY, input),
      LOADS,
    );
    const hourlyBefore = await allHourly(old.wh);
    const dailyBefore = await allDaily(old.wh);
    expect(hourlyBefore.length).toBeGreaterThan(1000);

    // The upgrade as a user runs it: `pinads migrate` against the database holding the old layout.
    const upgrade = await runPinads(['migrate'], { DATABASE_URL: old.db.url });
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/^applied 010_hourly_on_daily$/m);
    const { rows: after } = await old.wh.pool.query(
      `SELECT relkind FROM pg_class WHERE oid = 'pinterest_ads.ad_hourly_spend'::regclass`,
    );
    expect(after[0].relkind).toBe('v');
    const hourlyAfter = await allHourly(old.wh);
    expect(hourlyAfter.length).toBe(hourlyBefore.length);
    for (const [i, row] of hourlyBefore.entries()) expect({ i, row: hourlyAfter[i] }).toEqual({ i, row });
    expect(await allDaily(old.wh)).toEqual(dailyBefore);

    // The new loader, on a database created with the new layout, writes the very same rows.
    const newCounts = await loadAll(fresh.wh, loadReportWindow, LOADS);
    expect(newCounts).toEqual(oldCounts);
    expect(await allHourly(fresh.wh)).toEqual(hourlyBefore);
  });

  it('restates only a day the old layout had already let drift (a zone change), to sum to its spend again', async () => {
    const db = await oldLayoutWarehouse();
    try {
      const rows = ['2026-06-01', '2026-06-02', '2026-06-03'].map((date) =>
        factRow({ ad_id: '77', date, spend_micro: 2_400_000n }),
      );
      const w = { start: '2026-06-01', end: '2026-06-03' };
      await loadReportWindowOldLayout(db.wh, AD_DAILY, loadInput('acct-zones', w, rows));
      const berlin = loadInput('acct-zones', { start: '2026-06-02', end: '2026-06-02' }, [rows[1]!], {
        timeZone: 'Europe/Berlin',
      });
      await loadReportWindowOldLayout(db.wh, AD_DAILY, berlin);
      const before = await allHourly(db.wh);
      // The old loader deleted 22:00 and 23:00 UTC of 06-01: that day's hours summed to 22/24 of its spend.
      expect(before.filter((r) => r.includes('|2026-06-01|'))).toHaveLength(22);
      await migrate(db.wh.pool);
      const after = await allHourly(db.wh);
      const hours = (rs: string[]) => rs.map((r) => r.split('|').slice(0, 4).join('|'));
      expect(hours(after)).toEqual(hours(before));
      expect(after.filter((r) => !r.includes('|2026-06-01|'))).toEqual(
        before.filter((r) => !r.includes('|2026-06-01|')),
      );
      const { rows: sums } = await db.wh.pool.query(
        `SELECT d.date::text, d.spend_micro::text AS daily, sum(h.spend_micro)::text AS hourly
           FROM pinterest_ads.ad_daily_metrics d JOIN pinterest_ads.ad_hourly_spend h USING (ad_account_id, ad_id, date)
          GROUP BY 1, 2 ORDER BY 1`,
      );
      expect(sums).toEqual(
        ['2026-06-01', '2026-06-02', '2026-06-03'].map((date) => ({
          date,
          daily: '2400000',
          hourly: '2400000',
        })),
      );
      // The new loader does the same to a neighbour on a zone change, instead of deleting its hours.
      await loadReportWindow(db.wh, { ...berlin, rows: loadInput('x', w, [rows[1]!]).rows });
      expect(await allHourly(db.wh)).toEqual(after);
    } finally {
      await db.wh.close();
      await db.db.drop();
    }
  });

  it('can be materialized for tools that cannot read views, as docs/warehouse.md shows', async () => {
    await fresh.wh.pool.query(MATERIALIZE_SQL);
    const count = async (rel: string) =>
      Number(
        (await fresh.wh.pool.query(`SELECT count(*) AS n FROM ${rel} WHERE ad_account_id = 'acct-berlin'`))
          .rows[0].n,
      );
    expect(await count('pinterest_ads.ad_hourly_spend_table')).toBe(
      await count('pinterest_ads.ad_hourly_spend'),
    );
    await loadReportWindow(
      fresh.wh,
      loadInput('acct-berlin', { start: '2026-03-28', end: '2026-10-26' }, []),
    );
    await fresh.wh.pool.query('REFRESH MATERIALIZED VIEW CONCURRENTLY pinterest_ads.ad_hourly_spend_table');
    expect(await count('pinterest_ads.ad_hourly_spend_table')).toBe(0);
  });
});

describe('the ad_hourly_spend view', () => {
  let m: MigratedWarehouse;
  beforeAll(async () => {
    m = await migratedWarehouse();
    // Enough rows that the planner prefers an index where one applies: 200 ads × 30 days in each of 6 accounts.
    for (const account of ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'])
      await loadReportWindow(
        m.wh,
        loadInput(account, { start: '2026-05-01', end: '2026-05-30' }, facts(200, days('2026-05-01', 30), 8)),
      );
    await m.wh.pool.query('ANALYZE pinterest_ads.ad_daily_metrics');
  });
  afterAll(async () => {
    await m?.close();
  });

  /**
   * The plan's scan nodes on ad_daily_metrics, e.g. ['Index Scan'] or ['Seq Scan']. Sequential scans are priced out,
   * so the answer says whether an index *can* serve the filter, not what the planner prefers on a small test table;
   * a filter no index matches still plans as a Seq Scan.
   */
  async function scans(sql: string, params: unknown[]): Promise<string[]> {
    const client = await m.wh.pool.connect();
    let rows: { 'QUERY PLAN': { Plan: Record<string, unknown> }[] }[];
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      rows = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows;
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const out: string[] = [];
    const walk = (node: Record<string, unknown>) => {
      // An index scan with no condition is a full scan in index order: count it as what it is.
      if (node['Relation Name'] === 'ad_daily_metrics')
        out.push(node['Index Cond'] || node['Recheck Cond'] ? (node['Node Type'] as string) : 'full scan');
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(rows[0]!['QUERY PLAN'][0]!.Plan);
    return out;
  }
  const indexed = (nodes: string[]) =>
    nodes.length > 0 && nodes.every((n) => /^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/.test(n));

  it('serves a filter by date, by ad account, and the documented hour range from indexes', async () => {
    const view = 'SELECT sum(spend_micro) FROM pinterest_ads.ad_hourly_spend';
    expect(await scans(`${view} WHERE date = $1`, ['2026-05-10'])).toSatisfy(indexed);
    expect(await scans(`${view} WHERE ad_account_id = $1`, ['v2'])).toSatisfy(indexed);
    expect(
      await scans(`${view} WHERE ad_account_id = $1 AND date BETWEEN $2 AND $3`, [
        'v2',
        '2026-05-10',
        '2026-05-12',
      ]),
    ).toSatisfy(indexed);
    const hourRange = `${view} WHERE hour >= $1 AND hour < $2
      AND date BETWEEN ($1::timestamptz AT TIME ZONE 'UTC')::date - 1 AND ($2::timestamptz AT TIME ZONE 'UTC')::date + 1`;
    expect(await scans(hourRange, ['2026-05-10T05:00:00Z', '2026-05-10T08:00:00Z'])).toSatisfy(indexed);
    // The check can fail: a bare hour filter (computed in the view) has no index to use.
    expect(
      await scans(`${view} WHERE hour >= $1 AND hour < $2`, ['2026-05-10T05:00:00Z', '2026-05-10T08:00:00Z']),
    ).not.toSatisfy(indexed);
    // And the documented form returns what the plain (scanning) hour filter returns.
    const plain = await m.wh.pool.query(`${view} WHERE hour >= $1 AND hour < $2`, [
      '2026-05-10T05:00:00Z',
      '2026-05-10T08:00:00Z',
    ]);
    const hinted = await m.wh.pool.query(hourRange, ['2026-05-10T05:00:00Z', '2026-05-10T08:00:00Z']);
    expect(hinted.rows).toEqual(plain.rows);
    expect(Number(plain.rows[0].sum)).toBeGreaterThan(0);
  });

  it('has one row per (ad_account_id, ad_id, hour), and hours that sum to each day', async () => {
    const { rows } = await m.wh.pool.query(`
      SELECT (SELECT count(*) FROM pinterest_ads.ad_hourly_spend)::int AS n,
             (SELECT count(*) FROM (SELECT DISTINCT ad_account_id, ad_id, hour FROM pinterest_ads.ad_hourly_spend) k)::int AS keys,
             (SELECT count(*) FROM pinterest_ads.ad_daily_metrics d
               LEFT JOIN (SELECT ad_account_id, ad_id, date, sum(spend_micro) AS s FROM pinterest_ads.ad_hourly_spend
                          GROUP BY 1, 2, 3) h USING (ad_account_id, ad_id, date)
               WHERE d.spend_micro <> coalesce(h.s, 0))::int AS drifted`);
    expect(rows[0]).toEqual({ n: rows[0].keys, keys: expect.any(Number), drifted: 0 });
    expect(rows[0].n).toBeGreaterThan(100_000);
  });

  it('refuses a split that is not a valid day of hours', async () => {
    const insert = (spend: number, first: string | null, hours: number | null) =>
      m.wh.pool.query(
        `INSERT INTO pinterest_ads.ad_daily_metrics (ad_account_id, ad_id, date, campaign_id, ad_group_id, currency,
           time_zone, spend_micro, click_window_days, engagement_window_days, view_window_days, conversion_report_time,
           split_first_hour, split_hours)
         VALUES ('chk', '1', '2026-01-01', 'c', 'g', 'USD', 'UTC', $1, 30, 30, 1, 'TIME_OF_CONVERSION', $2, $3)`,
        [spend, first, hours],
      );
    await expect(insert(100, '2026-01-01T00:00:00Z', 0)).rejects.toThrow(/ad_daily_metrics_split_check/);
    await expect(insert(100, '2026-01-01T00:00:00Z', 26)).rejects.toThrow(/ad_daily_metrics_split_check/);
    await expect(insert(0, '2026-01-01T00:00:00Z', 24)).rejects.toThrow(/ad_daily_metrics_split_check/);
    await expect(insert(100, null, 24)).rejects.toThrow(/ad_daily_metrics_split_check/);
  });
});

/** Kept in step with docs/warehouse.md, "Hourly spend" (whose SQL docs-reference.test.ts also runs). */
const MATERIALIZE_SQL = `
CREATE MATERIALIZED VIEW pinterest_ads.ad_hourly_spend_table AS SELECT * FROM pinterest_ads.ad_hourly_spend;
CREATE UNIQUE INDEX ON pinterest_ads.ad_hourly_spend_table (ad_account_id, ad_id, hour);
CREATE INDEX ON pinterest_ads.ad_hourly_spend_table (hour);`;
