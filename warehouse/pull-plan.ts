// Which days of a report an account's daily pass re-reads, decided from the pull record (pinads.day_pulls, written by
// every load): the lookback, and every day that missed its last lookback read (an outage longer than the lookback),
// less the days that are final and were pulled after finality. Set-based: one statement per account and report.
import type pg from 'pg';
import { addDays, type DateWindow } from '../common/dates.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface PullPlanInput {
  adAccountId: string;
  report: string;
  /** The reporting zone the dates are days of. */
  zone: string;
  /** Today in the zone. */
  today: string;
  /** Pinterest's range, in UTC dates (core's clampToPinterest): no date after `latest`, none before `oldest`. */
  latest: string;
  oldest: string;
  lookbackDays: number;
  /** The oldest day the catch-up re-reads: the connection's creation date − 1 (and never before `oldest`). */
  catchUpFrom: string;
  /** Days pulled at or after this instant count as read by today's pass already (absent: a requested lookback). */
  doneSince?: Date;
  /** Re-read final days too (`pinads sync ID --lookback --all-days`). */
  allDays: boolean;
  /** Days another window of this run pulls anyway (ad_daily's hourly window). */
  except?: DateWindow;
}

/**
 * The days to re-read, oldest first. A day d of [max(oldest, catchUpFrom, first pull − lookback), latest] is re-read
 * unless it is final and was pulled after finality (`is_final`), and when either it is inside the lookback, or it
 * missed its last lookback read: never pulled, or last pulled before d + lookback days. The catch-up reaches back only
 * to the lookback of the report's first pull for the account: older days are a backfill's, not a missed read.
 */
export async function daysToPull(db: Queryable, q: PullPlanInput): Promise<string[]> {
  const lookbackStart = addDays(q.today, -q.lookbackDays);
  const { rows } = await db.query<{ date: string }>(
    `WITH first AS (
       SELECT (min(first_pulled_at) AT TIME ZONE $3)::date - $4::int AS day
       FROM pinads.day_pulls WHERE ad_account_id = $1 AND report = $2
     ), span AS (
       SELECT greatest($6::date, least($5::date, CASE WHEN first.day IS NULL THEN $5::date
                                                          ELSE greatest($7::date, first.day) END)) AS lo
       FROM first
     )
     SELECT d::date::text AS date
     FROM span, generate_series(span.lo, $8::date, interval '1 day') AS d
     LEFT JOIN pinads.day_pulls p ON p.ad_account_id = $1 AND p.report = $2 AND p.date = d::date
     WHERE (d::date >= $5::date OR p.date IS NULL OR (p.last_pulled_at AT TIME ZONE $3)::date < d::date + $4::int)
       AND ($9::boolean OR NOT coalesce(p.is_final, false))
       AND ($10::timestamptz IS NULL OR p.last_pulled_at IS NULL OR p.last_pulled_at < $10::timestamptz)
       AND ($11::date IS NULL OR d::date NOT BETWEEN $11::date AND $12::date)
     ORDER BY 1`,
    [
      q.adAccountId,
      q.report,
      q.zone,
      q.lookbackDays,
      lookbackStart,
      q.oldest,
      q.catchUpFrom,
      q.latest,
      q.allDays,
      q.doneSince ?? null,
      q.except?.start ?? null,
      q.except?.end ?? null,
    ],
  );
  return rows.map((r) => r.date);
}

/**
 * The fewest report windows (≤ maxDays each) that cover the days: a window opens at the oldest uncovered day and
 * ends at the last day within maxDays of it. Days between them that need no re-read are read anyway: a report costs
 * the same calls for one day or 186, so a gap costs rows, a split costs calls.
 */
export function coverDays(days: readonly string[], maxDays: number): DateWindow[] {
  const out: DateWindow[] = [];
  for (const d of [...days].sort()) {
    const w = out.at(-1);
    if (w && d <= addDays(w.start, maxDays - 1)) w.end = d;
    else out.push({ start: d, end: d });
  }
  return out;
}

/**
 * The UTC dates the days overlap (a zone's day spans two) whose readiness pinads does not know yet, before `before`
 * (the UTC today: a day still going on is never ready).
 */
export async function unreadyDates(
  db: Queryable,
  days: readonly string[],
  zone: string,
  before: string,
): Promise<string[]> {
  if (days.length === 0) return [];
  const { rows } = await db.query<{ date: string }>(
    `SELECT DISTINCT u.date::text AS date
     FROM unnest($1::date[]) AS d(day)
     CROSS JOIN LATERAL pinads.utc_dates_of(d.day, $2) AS u(date)
     LEFT JOIN pinads.metrics_ready m ON m.date = u.date
     WHERE u.date < $3::date AND (m.non_conversion_ready_at IS NULL OR m.conversion_ready_at IS NULL)
     ORDER BY 1`,
    [days, zone, before],
  );
  return rows.map((r) => r.date);
}
