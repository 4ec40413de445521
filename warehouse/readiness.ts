// pinads.metrics_ready: Pinterest's metrics_ready_state answers, per UTC date, for the whole fleet. A date is asked
// by one sync at a time: the claim is one statement, so a thousand syncs wanting the same date make one call.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** A date not ready when last asked is asked again after this long (a handful of calls a day per fleet). */
export const RECHECK_AFTER_S = 3 * 3600;

/**
 * Claims the dates nobody asked about within `recheckAfterS` and whose readiness is not fully known: returns the ones
 * this caller must ask Pinterest about (a date fully ready is never claimed again).
 */
export async function claimReadinessChecks(
  db: Queryable,
  dates: readonly string[],
  now: Date,
  recheckAfterS = RECHECK_AFTER_S,
): Promise<string[]> {
  if (dates.length === 0) return [];
  const { rows } = await db.query<{ date: string }>(
    `INSERT INTO pinads.metrics_ready AS m (date, checked_at)
     SELECT d, $2 FROM unnest($1::date[]) AS d
     ON CONFLICT (date) DO UPDATE SET checked_at = EXCLUDED.checked_at
       WHERE (m.non_conversion_ready_at IS NULL OR m.conversion_ready_at IS NULL)
         AND m.checked_at <= $2::timestamptz - $3 * interval '1 second'
     RETURNING date::text AS date`,
    [dates, now, recheckAfterS],
  );
  return rows.map((r) => r.date).sort();
}

/** Gives claims back (the call failed before answering them), so the next sync asks at once. */
export async function releaseReadinessClaims(db: Queryable, dates: readonly string[]): Promise<void> {
  if (dates.length === 0) return;
  await db.query(
    `UPDATE pinads.metrics_ready SET checked_at = '-infinity'
     WHERE date = ANY($1::date[]) AND (non_conversion_ready_at IS NULL OR conversion_ready_at IS NULL)`,
    [dates],
  );
}

/** Records an answer: the first instant each kind of metric was seen ready stays (a later answer never moves it). */
export async function recordReadiness(
  db: Queryable,
  date: string,
  answer: { nonConversionReady: boolean; conversionReady: boolean },
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE pinads.metrics_ready SET
       non_conversion_ready_at = coalesce(non_conversion_ready_at, CASE WHEN $2 THEN $4::timestamptz END),
       conversion_ready_at = coalesce(conversion_ready_at, CASE WHEN $3 THEN $4::timestamptz END)
     WHERE date = $1`,
    [date, answer.nonConversionReady, answer.conversionReady, at],
  );
}

/**
 * Fleet-wide chores done by one sync for all (the geo names): claims `chore` when it was last done longer than
 * `everyS` ago and nobody claimed it within `retryAfterS`; true when this caller must do it now (and markChoreDone).
 */
export async function claimChore(
  db: Queryable,
  chore: string,
  now: Date,
  everyS: number,
  retryAfterS = 3600,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO pinads.fleet_chores AS c (chore, claimed_at) VALUES ($1, $2)
     ON CONFLICT (chore) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
       WHERE (c.done_at IS NULL OR c.done_at <= $2::timestamptz - $3 * interval '1 second')
         AND c.claimed_at <= $2::timestamptz - $4 * interval '1 second'`,
    [chore, now, everyS, retryAfterS],
  );
  return (rowCount ?? 0) > 0;
}

export async function markChoreDone(db: Queryable, chore: string, now: Date): Promise<void> {
  await db.query('UPDATE pinads.fleet_chores SET done_at = $2 WHERE chore = $1', [chore, now]);
}
