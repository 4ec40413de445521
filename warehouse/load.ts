// The replace-window loader: one report window of one ad account replaces exactly that window in the warehouse,
// daily facts and the hourly spend split together, in one transaction.
import type { DailyFactRow } from '../schemas/report.ts';
import type { Warehouse } from './pool.ts';
import { createStage, STAGE_TABLE, stageRows } from './stage.ts';

export interface LoadWindowInput {
  adAccountId: string;
  /** Inclusive dates (YYYY-MM-DD) in the reporting zone. */
  window: { start: string; end: string };
  /** Stamped on every fact row; timeZone is the reporting zone ('UTC' or an IANA name). */
  currency: string;
  timeZone: string;
  attribution: {
    click_window_days: number;
    engagement_window_days: number;
    view_window_days: number;
    conversion_report_time: string;
  };
  /** Normalized report rows; the iterator may throw mid-way, which aborts the load. */
  rows: AsyncIterable<DailyFactRow>;
  /** Decides the open (current) day and how many of its hours have elapsed. */
  now: Date;
  /** How long to wait for the account's load lock before failing (retryably); default LOAD_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
}

export interface LoadWindowResult {
  dailyRows: number;
  hourlyRows: number;
}

/** The input itself is unloadable (duplicate ad-days, dates outside the window, bad arguments): do not retry. */
export class LoadRejectedError extends Error {
  override name = 'LoadRejectedError';
}

/** Advisory-lock namespace ("pina") for per-account loads; the second key is hashtext(ad_account_id). */
export const LOAD_LOCK_NAMESPACE = 0x70696e61;

/** Longer than any healthy load of one window holds the lock; shorter than the activity's timeout. */
export const LOAD_LOCK_TIMEOUT_MS = 120_000;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Hourly spend split (DESIGN §3), set-based. A day runs from local midnight to the next local midnight in the
 * reporting zone, so it has 23, 24 or 25 hours; on the open day only the hours elapsed so far (counting the current
 * one) share the spend. A day still in the future, which only a clock skew produces, gets it all in its first hour so
 * the sum stays exact. Hour i of n gets floor(S/n), plus one for i < S mod n: the rows sum to S exactly.
 * Params: $1 ad account, $2 zone, $3 now.
 */
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

/** Params: $1 ad account, $2 currency, $3 zone, $4-$6 windows, $7 conversion_report_time. */
const INSERT_DAILY = `
INSERT INTO pinterest_ads.ad_daily_metrics (
  ad_account_id, ad_id, date, campaign_id, ad_group_id, currency, time_zone,
  spend_micro, impressions, clicks, outbound_clicks, conversions, conversion_value_micro, total_conversions,
  impressions_earned, clicks_earned, total_conversions_quantity, total_conversions_value_micro,
  click_window_days, engagement_window_days, view_window_days, conversion_report_time, synced_at)
SELECT $1, ad_id, date, campaign_id, ad_group_id, $2, $3,
       spend_micro, impressions, clicks, outbound_clicks, conversions, conversion_value_micro, total_conversions,
       impressions_earned, clicks_earned, total_conversions_quantity, total_conversions_value_micro,
       $4, $5, $6, $7, now()
FROM ${STAGE_TABLE}`;

function validate(input: LoadWindowInput): void {
  const { window: w, attribution: a } = input;
  if (!input.adAccountId) throw new LoadRejectedError('adAccountId is empty');
  if (!DATE_RE.test(w.start) || !DATE_RE.test(w.end))
    throw new LoadRejectedError(`window ${w.start}..${w.end} is not YYYY-MM-DD..YYYY-MM-DD`);
  if (w.start > w.end) throw new LoadRejectedError(`window start ${w.start} is after its end ${w.end}`);
  if (!input.currency) throw new LoadRejectedError('currency is empty');
  if (!input.timeZone) throw new LoadRejectedError('timeZone is empty');
  for (const k of ['click_window_days', 'engagement_window_days', 'view_window_days'] as const) {
    if (!Number.isInteger(a[k])) throw new LoadRejectedError(`attribution.${k} must be an integer`);
  }
  if (Number.isNaN(input.now.getTime())) throw new LoadRejectedError('now is not a valid date');
}

/**
 * Replaces one ad account's window with the given rows: the window's daily facts and hourly spend are deleted and
 * re-inserted from the rows, so an ad-day absent from the rows (dropped to zero) disappears. Stages first, then
 * takes a per-account advisory lock, so an hourly sync and a backfill of the same account never interleave while
 * different accounts load in parallel. Any failure rolls everything back: the warehouse is exactly as before.
 */
export async function loadReportWindow(wh: Warehouse, input: LoadWindowInput): Promise<LoadWindowResult> {
  validate(input);
  const { adAccountId, window: w, attribution: a } = input;
  const client = await wh.pool.connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    try {
      // A stuck holder of the account lock must not block this load forever: give up, roll back, and let the
      // activity retry (a worker session idle in a transaction is ended by idle_in_transaction_session_timeout).
      await client.query(
        `SET LOCAL lock_timeout = ${Math.trunc(input.lockTimeoutMs ?? LOAD_LOCK_TIMEOUT_MS)}`,
      );
      await createStage(client);
      await stageRows(client, wh.canCopy, input.rows);
      await checkStage(client, w);
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOAD_LOCK_NAMESPACE,
        adAccountId,
      ]);
      const range = [adAccountId, w.start, w.end];
      await client.query(
        `DELETE FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date`,
        range,
      );
      // Also by the window's hours: rows written under another reporting zone carry other dates for the same hours,
      // and would collide with the new split. Any zone's date for those hours is within a day of the window.
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
      return { dailyRows: daily.rowCount ?? 0, hourlyRows: hourly.rowCount ?? 0 };
    } catch (err) {
      // A connection that cannot even roll back is discarded; closing it aborts the transaction server-side.
      await client.query('ROLLBACK').catch(() => {
        healthy = false;
      });
      throw err;
    }
  } finally {
    client.release(!healthy);
  }
}

/** Rejects input the replace could not represent faithfully, naming the first offending ad-day. */
async function checkStage(
  client: Parameters<typeof createStage>[0],
  w: { start: string; end: string },
): Promise<void> {
  const dup = await client.query<{ ad_id: string; date: string; n: string }>(
    `SELECT ad_id, date::text AS date, count(*) AS n FROM ${STAGE_TABLE} GROUP BY ad_id, date HAVING count(*) > 1 LIMIT 1`,
  );
  const d = dup.rows[0];
  if (d)
    throw new LoadRejectedError(`duplicate report rows: ad ${d.ad_id} on ${d.date} appears ${d.n} times`);
  const out = await client.query<{ ad_id: string; date: string }>(
    `SELECT ad_id, date::text AS date FROM ${STAGE_TABLE} WHERE date < $1::date OR date > $2::date LIMIT 1`,
    [w.start, w.end],
  );
  const o = out.rows[0];
  if (o)
    throw new LoadRejectedError(
      `report row for ad ${o.ad_id} on ${o.date} is outside the window ${w.start}..${w.end}`,
    );
}
