// The replace-window loader: one report window of one ad account replaces exactly that window in the warehouse,
// daily facts together with their hourly spend split (stored on the daily row), in one transaction.
import type { DailyFactRow } from '../schemas/report.ts';
import type { Warehouse } from './pool.ts';
import { createStage, STAGE_COLUMNS, STAGE_TABLE, stageRows } from './stage.ts';

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
  /** Rows the window now has in the ad_hourly_spend view. */
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

/** The report's columns, as staged: the daily insert copies them through unchanged. */
const FACT_COLUMNS = STAGE_COLUMNS.map(([name]) => name);

/**
 * The daily insert, which also stores each day's hourly spend split (DESIGN §3) on its row: the first hour and the
 * number of hours. pinterest_ads.ad_hourly_spend is a view that expands them, hour i of n getting floor(S/n) plus one
 * for i < S mod n, so the hours sum to the day's spend by construction. A day runs from local midnight to the next
 * local midnight in the reporting zone, so it has 23, 24 or 25 hours; on the open day only the hours elapsed so far
 * (counting the current one) share the spend. A day still in the future, which only a clock skew produces, gets it
 * all in its first hour. Zero-spend days have no split (no hourly rows), as before.
 * The window's days come from the window itself (at most 186), not from a scan of the stage.
 * Params: $1 ad account, $2 currency, $3 zone, $4-$6 windows, $7 conversion_report_time, $8 now, $9-$10 window.
 */
const INSERT_DAILY = `
WITH bounds AS (
  SELECT d.date,
         d.date::timestamp AT TIME ZONE $3::text AS day_start,
         (d.date + 1)::timestamp AT TIME ZONE $3::text AS day_end
  FROM (SELECT generate_series($9::date, $10::date, interval '1 day')::date AS date) d
),
days AS (
  SELECT date, day_start,
         least(
           ceil(extract(epoch FROM day_end - day_start) / 3600),
           greatest(1, floor(extract(epoch FROM $8::timestamptz - day_start) / 3600) + 1)
         )::smallint AS n
  FROM bounds
),
inserted AS (
  INSERT INTO pinterest_ads.ad_daily_metrics (
    ad_account_id, ${FACT_COLUMNS.join(', ')},
    currency, time_zone, click_window_days, engagement_window_days, view_window_days, conversion_report_time,
    synced_at, split_first_hour, split_hours)
  SELECT $1, ${FACT_COLUMNS.map((c) => `s.${c}`).join(', ')},
         $2, $3, $4, $5, $6, $7,
         now(), d.day_start, d.n
  FROM ${STAGE_TABLE} s
  LEFT JOIN days d ON d.date = s.date AND s.spend_micro > 0
  RETURNING split_hours
)
SELECT count(*)::int AS daily, coalesce(sum(split_hours), 0)::int AS hourly FROM inserted`;

/** Whole hours from a to b, rounded up: the index of the first hour starting at or after b, for a split from a. */
const hoursUntil = (a: string, b: string) => `ceil(extract(epoch FROM ${b} - ${a}) / 3600)::int`;

/**
 * After a reporting-zone change, the window's days cover some hours of the neighbouring days, which were split in
 * the old zone. Those neighbours keep their spend but re-split it over the hours the window does not cover (the old
 * per-hour table deleted those hours instead, so the neighbours' hourly sums fell short of their daily spend).
 * A neighbour wholly covered, which only a zone shift of 24 h or more can produce, is left without a split.
 * Params: $1 ad account, $2-$3 window, $4 zone.
 */
const TRIM_NEIGHBOURS = `
WITH w AS (
  SELECT $2::date::timestamp AT TIME ZONE $4::text AS ws, ($3::date + 1)::timestamp AT TIME ZONE $4::text AS we
),
kept AS (
  SELECT x.ad_id, x.date,
         CASE WHEN x.date > $3::date
              THEN least(x.split_hours, greatest(0, ${hoursUntil('x.split_first_hour', 'w.we')})) ELSE 0 END AS lo,
         CASE WHEN x.date < $2::date
              THEN least(x.split_hours, greatest(0, ${hoursUntil('x.split_first_hour', 'w.ws')})) ELSE x.split_hours END AS hi
  FROM pinterest_ads.ad_daily_metrics x, w
  WHERE x.ad_account_id = $1 AND x.date IN ($2::date - 1, $3::date + 1) AND x.split_hours IS NOT NULL
    AND x.split_first_hour < w.we AND x.split_first_hour + make_interval(hours => x.split_hours) > w.ws
)
UPDATE pinterest_ads.ad_daily_metrics m
SET split_first_hour = CASE WHEN k.hi > k.lo THEN m.split_first_hour + make_interval(hours => k.lo) END,
    split_hours = CASE WHEN k.hi > k.lo THEN k.hi - k.lo END
FROM kept k
WHERE m.ad_account_id = $1 AND m.ad_id = k.ad_id AND m.date = k.date`;

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
      await checkWindow(client, w);
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        LOAD_LOCK_NAMESPACE,
        adAccountId,
      ]);
      const range = [adAccountId, w.start, w.end];
      await client.query(
        `DELETE FROM pinterest_ads.ad_daily_metrics WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date`,
        range,
      );
      const inserted = await insertDaily(client, [
        adAccountId,
        input.currency,
        input.timeZone,
        a.click_window_days,
        a.engagement_window_days,
        a.view_window_days,
        a.conversion_report_time,
        input.now,
        w.start,
        w.end,
      ]);
      await client.query(TRIM_NEIGHBOURS, [...range, input.timeZone]);
      const { daily, hourly } = inserted;
      await client.query('COMMIT');
      return { dailyRows: daily, hourlyRows: hourly };
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

type StageClient = Parameters<typeof createStage>[0];

/**
 * The daily insert. The window was just emptied and every staged row is inside it, so a primary-key violation can
 * only mean duplicate ad-days in the report: that case alone pays for finding and naming them (a savepoint keeps
 * the transaction usable for the query), so a good load never scans the stage for duplicates.
 */
async function insertDaily(
  client: StageClient,
  params: unknown[],
): Promise<{ daily: number; hourly: number }> {
  await client.query('SAVEPOINT pinads_insert_daily');
  try {
    const { rows } = await client.query<{ daily: number; hourly: number }>(INSERT_DAILY, params);
    return rows[0]!;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query('ROLLBACK TO SAVEPOINT pinads_insert_daily');
    const dup = await client.query<{ ad_id: string; date: string; n: string }>(
      `SELECT ad_id, date::text AS date, count(*) AS n FROM ${STAGE_TABLE} GROUP BY ad_id, date HAVING count(*) > 1
       ORDER BY ad_id, date LIMIT 1`,
    );
    const d = dup.rows[0];
    if (!d) throw err;
    throw new LoadRejectedError(`duplicate report rows: ad ${d.ad_id} on ${d.date} appears ${d.n} times`);
  }
}

/** Rejects a staged row outside the window, which the replace could not represent faithfully. */
async function checkWindow(client: StageClient, w: { start: string; end: string }): Promise<void> {
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
