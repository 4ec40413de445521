// The previous storage layout, kept as a reference: the loader as it was before migration 010, writing every hour of
// the split as a row of the physical table pinterest_ads.ad_hourly_spend. The migration test loads with it before
// migrating; the bench measures it as the "old layout" baseline. Only valid on a database migrated with
// migrate(pool, { before: OLD_LAYOUT_BEFORE }).

import type pg from 'pg';
import type { ReportEntry } from '../../catalog/types.ts';
import type { DailyFactRow } from '../../schemas/report.ts';
import { type Rows, type RowTarget, writeRows } from '../../warehouse/bulk-write.ts';
import type { LoadWindowInput, LoadWindowResult } from '../../warehouse/load.ts';
import type { Warehouse } from '../../warehouse/pool.ts';

/** The first migration of the new layout. */
export const OLD_LAYOUT_BEFORE = '010';

/** The report columns the old layout staged (the table as it was before 010: no split, no event columns). */
const FACT_COLUMNS = [
  ['ad_id', 'text'],
  ['date', 'date'],
  ['campaign_id', 'text'],
  ['ad_group_id', 'text'],
  ['spend_micro', 'bigint'],
  ['impressions', 'bigint'],
  ['clicks', 'bigint'],
  ['outbound_clicks', 'bigint'],
  ['conversions', 'numeric'],
  ['conversion_value_micro', 'bigint'],
  ['total_conversions', 'numeric'],
  ['impressions_earned', 'bigint'],
  ['clicks_earned', 'bigint'],
  ['total_conversions_quantity', 'numeric'],
  ['total_conversions_value_micro', 'bigint'],
] as const satisfies readonly (readonly [keyof DailyFactRow, string])[];

const FACT_LIST = FACT_COLUMNS.map(([name]) => name).join(', ');

/** The old loader staged the report first. Dropped at commit or rollback. */
const STAGE_TABLE = 'pinads_stage_daily';

/** Creates the staging table inside the caller's open transaction. NOT NULL turns a missing field into an error. */
async function createStage(client: pg.PoolClient): Promise<void> {
  const cols = FACT_COLUMNS.map(([name, type]) => `${name} ${type} NOT NULL`).join(', ');
  await client.query(`CREATE TEMP TABLE ${STAGE_TABLE} (${cols}) ON COMMIT DROP`);
}

const STAGE_TARGET: RowTarget<DailyFactRow> = {
  table: STAGE_TABLE,
  columns: FACT_COLUMNS,
  cells: (row) => FACT_COLUMNS.map(([name]) => row[name] ?? null),
};

/** Streams every row into the stage; returns how many were staged. Errors from the iterator propagate. */
function stageRows(client: pg.PoolClient, canCopy: boolean, rows: Rows<DailyFactRow>): Promise<number> {
  return writeRows(client, canCopy, STAGE_TARGET, rows);
}

const INSERT_DAILY = `
INSERT INTO pinterest_ads.ad_daily_metrics (
  ad_account_id, ${FACT_LIST}, currency, time_zone,
  click_window_days, engagement_window_days, view_window_days, conversion_report_time, synced_at)
SELECT $1, ${FACT_LIST}, $2, $3, $4, $5, $6, $7, now()
FROM ${STAGE_TABLE}`;

const INSERT_HOURLY = `
WITH bounds AS (
  SELECT d.date,
         d.date::timestamp AT TIME ZONE $2::text AS day_start,
         (d.date + 1)::timestamp AT TIME ZONE $2::text AS day_end
  FROM (SELECT DISTINCT date FROM ${STAGE_TABLE} WHERE spend_micro > 0) d
),
days AS (
  SELECT date, day_start,
         least(
           ceil(extract(epoch FROM day_end - day_start) / 3600),
           greatest(1, floor(extract(epoch FROM $3::timestamptz - day_start) / 3600) + 1)
         )::bigint AS n
  FROM bounds
)
INSERT INTO pinterest_ads.ad_hourly_spend (ad_account_id, ad_id, hour, date, spend_micro, method)
SELECT $1, s.ad_id, d.day_start + make_interval(hours => h.i), s.date,
       s.spend_micro / d.n + CASE WHEN h.i < s.spend_micro % d.n THEN 1 ELSE 0 END,
       'uniform'
FROM ${STAGE_TABLE} s
JOIN days d ON d.date = s.date
CROSS JOIN LATERAL generate_series(0, (d.n - 1)::int) AS h(i)
WHERE s.spend_micro > 0`;

/**
 * The old replace-window load of the ad-level report (without its input checks): same lock, same deletes, 24 hourly
 * rows per ad-day, no pull record or ledger. `_entry` is always ad_daily (the loader's signature).
 */
export async function loadReportWindowOldLayout(
  wh: Warehouse,
  _entry: ReportEntry,
  input: LoadWindowInput,
): Promise<LoadWindowResult> {
  const { adAccountId, window: w, attribution: a } = input;
  const client = await wh.pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await createStage(client);
      await stageRows(client, wh.canCopy, input.rows as Rows<DailyFactRow>);
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [0x70696e61, adAccountId]);
      const range = [adAccountId, w.start, w.end];
      await client.query(
        `DELETE FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date`,
        range,
      );
      await client.query(
        `DELETE FROM pinterest_ads.ad_hourly_spend
         WHERE ad_account_id = $1 AND date BETWEEN $2::date - 1 AND $3::date + 1
           AND (date BETWEEN $2::date AND $3::date
                OR (hour >= $2::date::timestamp AT TIME ZONE $4::text AND hour < ($3::date + 1)::timestamp AT TIME ZONE $4::text))`,
        [...range, input.timeZone],
      );
      const daily = await client.query(INSERT_DAILY, [
        adAccountId,
        input.currency,
        input.timeZone,
        a.click_window_days,
        a.engagement_window_days,
        a.view_window_days,
        a.conversion_report_time,
      ]);
      const hourly = await client.query(INSERT_HOURLY, [adAccountId, input.timeZone, input.now]);
      await client.query('COMMIT');
      return {
        dailyRows: daily.rowCount ?? 0,
        hourlyRows: hourly.rowCount ?? 0,
        restatements: 0,
        ledgerMs: 0,
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    client.release();
  }
}
