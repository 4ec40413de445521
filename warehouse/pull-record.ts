// What a window load records besides its rows, in the same transaction: the pull record of every date of the window
// (pinads.day_pulls, with finality decided now), and for the ad-level report the restatement ledger
// (pinterest_ads.restatements). Both are set-based: a handful of statements per load, whatever its size.
import type pg from 'pg';

/** The day totals the ledger compares: spend, conversions, conversion value (numeric text, exact). */
export interface DayTotals {
  dates: string[];
  spend: string[];
  conversions: string[];
  value: string[];
  /** When the deleted rows were written: the previous pull, for days without a pull record. */
  syncedAt: Date[];
}

/**
 * Deletes the account's window from the ad-level table and returns, per date that had rows, what they summed to:
 * the delete reads every row anyway, so the ledger's "before" costs no second scan.
 * Params: $1 account, $2-$3 window.
 */
export const DELETE_RETURNING_TOTALS = `
WITH gone AS (
  DELETE FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date
  RETURNING date, spend_micro, conversions, conversion_value_micro, synced_at
)
SELECT date::text AS date, sum(spend_micro)::text AS spend, sum(conversions)::text AS conversions,
       sum(conversion_value_micro)::text AS value, max(synced_at) AS synced_at
FROM gone GROUP BY date`;

export interface TotalsRow {
  date: string;
  spend: string;
  conversions: string;
  value: string;
  synced_at: Date;
}

export function totalsOf(rows: TotalsRow[]): DayTotals {
  return {
    dates: rows.map((r) => r.date),
    spend: rows.map((r) => r.spend),
    conversions: rows.map((r) => r.conversions),
    value: rows.map((r) => r.value),
    syncedAt: rows.map((r) => r.synced_at),
  };
}

/**
 * The ledger rows of this replacement. A day counts when it was pulled before (a pull record, or rows that were
 * there) and was already over in its zone at that previous pull: the open day fills up hour by hour, which is no
 * restatement. Its totals before (0 for a day pulled with no rows) and after are compared; what moved is written.
 * Runs before this load's pull records are written, so day_pulls still holds the previous pull.
 * Params: $1 account, $2-$3 window, $4 zone, $5 run id, $6 currency, $7-$11 the deleted rows' totals.
 */
const RECORD_RESTATEMENTS = `
WITH gone AS (
  SELECT * FROM unnest($7::date[], $8::numeric[], $9::numeric[], $10::numeric[], $11::timestamptz[])
    AS g(date, spend, conversions, value, synced_at)
),
pulled AS (
  SELECT date, last_pulled_at FROM pinads.day_pulls
  WHERE ad_account_id = $1 AND report = 'ad_daily' AND date BETWEEN $2::date AND $3::date
),
before AS (
  SELECT coalesce(g.date, p.date) AS date,
         coalesce(g.spend, 0) AS spend, coalesce(g.conversions, 0) AS conversions, coalesce(g.value, 0) AS value
  FROM gone g FULL JOIN pulled p ON p.date = g.date
  -- Rows loaded before pull records existed were pulled when they were written.
  WHERE coalesce(p.last_pulled_at, g.synced_at) >= ((coalesce(g.date, p.date) + 1)::timestamp AT TIME ZONE $4::text)
),
after AS (
  SELECT m.date, sum(m.spend_micro) AS spend, sum(m.conversions) AS conversions, sum(m.conversion_value_micro) AS value
  FROM pinterest_ads.ad_daily_metrics m
  WHERE m.ad_account_id = $1 AND m.date IN (SELECT date FROM before)
  GROUP BY m.date
)
INSERT INTO pinterest_ads.restatements (
  ad_account_id, date, run_id, currency, spend_micro_before, spend_micro_after, conversions_before,
  conversions_after, conversion_value_micro_before, conversion_value_micro_after)
SELECT $1, b.date, $5::bigint, $6, b.spend, coalesce(a.spend, 0), b.conversions, coalesce(a.conversions, 0),
       b.value, coalesce(a.value, 0)
FROM before b LEFT JOIN after a ON a.date = b.date
WHERE b.spend <> coalesce(a.spend, 0) OR b.conversions <> coalesce(a.conversions, 0)
   OR b.value <> coalesce(a.value, 0)`;

export async function recordRestatements(
  client: pg.PoolClient,
  p: {
    adAccountId: string;
    window: { start: string; end: string };
    timeZone: string;
    runId: string | null;
    currency: string;
  },
  before: DayTotals,
): Promise<number> {
  const r = await client.query(RECORD_RESTATEMENTS, [
    p.adAccountId,
    p.window.start,
    p.window.end,
    p.timeZone,
    p.runId,
    p.currency,
    before.dates,
    before.spend,
    before.conversions,
    before.value,
    before.syncedAt,
  ]);
  return r.rowCount ?? 0;
}

/**
 * One pull record per date of the window, rows or not. Final: every UTC date the day overlaps had both kinds of
 * metrics ready (pinads.metrics_ready) before the report was requested, and with TIME_OF_AD_ACTION the longest
 * attribution window after the day had also passed then: Pinterest's "ready" does not cover conversions that are
 * still to come and are credited to the day of the ad action.
 * Params: $1 account, $2 report, $3 zone, $4 now (last_pulled_at), $5 requested at, $6 run id, $7 dates,
 * $8 rows per date, $9 conversion_report_time, $10 longest window in days.
 */
const RECORD_PULLS = `
INSERT INTO pinads.day_pulls AS p (
  ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, last_run_id, rows, is_final, final_at)
SELECT $1, $2, d.date, $3, $4::timestamptz, $4::timestamptz, $6::bigint, d.rows, f.final,
       CASE WHEN f.final THEN $4::timestamptz END
FROM unnest($7::date[], $8::int[]) AS d(date, rows)
CROSS JOIN LATERAL (
  SELECT coalesce(bool_and(coalesce(m.non_conversion_ready_at <= $5::timestamptz
                                    AND m.conversion_ready_at <= $5::timestamptz, false)), false)
         AND ($9::text <> 'TIME_OF_AD_ACTION'
              OR $5::timestamptz >= ((d.date + 1)::timestamp AT TIME ZONE $3::text) + make_interval(days => $10::int))
         AS final
  FROM pinads.utc_dates_of(d.date, $3::text) AS u(date)
  LEFT JOIN pinads.metrics_ready m ON m.date = u.date
) f
ON CONFLICT (ad_account_id, report, date) DO UPDATE SET
  time_zone = EXCLUDED.time_zone,
  last_pulled_at = EXCLUDED.last_pulled_at,
  last_run_id = EXCLUDED.last_run_id,
  rows = EXCLUDED.rows,
  is_final = EXCLUDED.is_final,
  final_at = CASE WHEN EXCLUDED.is_final THEN coalesce(p.final_at, EXCLUDED.final_at) END`;

export interface PullRecord {
  adAccountId: string;
  report: string;
  timeZone: string;
  now: Date;
  requestedAt: Date;
  runId: string | null;
  conversionReportTime: string;
  longestWindowDays: number;
  /** Every date of the window and the rows it now holds. */
  dates: string[];
  rows: number[];
}

export async function recordPulls(client: pg.PoolClient, r: PullRecord): Promise<void> {
  await client.query(RECORD_PULLS, [
    r.adAccountId,
    r.report,
    r.timeZone,
    r.now,
    r.requestedAt,
    r.runId,
    r.dates,
    r.rows,
    r.conversionReportTime,
    r.longestWindowDays,
  ]);
}
