// The reporting day of a connection, decided by one rule wherever it is needed (sync planning, backfills, the
// dashboard, every front door): the zone its days are counted in, and the dates Pinterest reports in that zone now.
import type pg from 'pg';
import { addDays, backfillRangeProblem, type DateWindow, localNow, MAX_DAYS_BACK } from '../common/dates.ts';
import { spreadSlot } from '../common/spread.ts';
import type { ConnectionSettings } from '../schemas/config.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Account-time reporting, but no zone is known for the account: dating its facts in UTC would shift every day. */
export class UnknownAccountZoneError extends Error {
  override name = 'UnknownAccountZoneError';
}

/** What the rule reads of a connection. */
export interface ZoneSubject {
  id: string;
  ad_account_id: string;
  settings: Pick<ConnectionSettings, 'reporting_time_zone' | 'account_time_zone'>;
}

/**
 * The rule: UTC, unless the connection reports in account time; then the account's zone resolved when that was
 * chosen (stored in its settings), else the zone of the synced ad account (connections made before zones were
 * stored). Never a silent UTC: with no zone known it throws UnknownAccountZoneError.
 */
export function zoneOf(c: ZoneSubject, syncedZone?: string | null): string {
  if (c.settings.reporting_time_zone !== 'account') return 'UTC';
  const zone = c.settings.account_time_zone ?? syncedZone;
  if (!zone)
    throw new UnknownAccountZoneError(
      `connection ${c.id} reports in account time, but no time zone is known for ad account ${c.ad_account_id}; set --reporting-time-zone utc or sync the account's entities first (pinads sync ${c.id})`,
    );
  return zone;
}

/** zoneOf, reading the synced ad account only when the settings hold no zone. */
export async function reportingZone(db: Queryable, c: ZoneSubject): Promise<string> {
  if (c.settings.reporting_time_zone !== 'account' || c.settings.account_time_zone) return zoneOf(c);
  const { rows } = await db.query('SELECT time_zone FROM pinterest_ads.ad_accounts WHERE id = $1', [
    c.ad_account_id,
  ]);
  return zoneOf(c, rows[0]?.time_zone as string | null | undefined);
}

export interface ReportingDay {
  zone: string;
  /** Today's date in the zone. */
  today: string;
  /** The hour of the day in the zone, 0-23. */
  hour: number;
  /**
   * The last date Pinterest reports now: today, or the UTC today when that is earlier (a zone east of UTC is a day
   * ahead for part of each day, and Pinterest refuses an end_date after the UTC today).
   */
  latest: string;
}

export function reportingDay(zone: string, now: Date): ReportingDay {
  const { date: today, hour } = localNow(now, zone);
  const utcToday = now.toISOString().slice(0, 10);
  return { zone, today, hour, latest: today < utcToday ? today : utcToday };
}

/**
 * Every date range pinads asks Pinterest for goes through this: no end_date after the UTC today and no start_date
 * more than 914 UTC days back (docs/pinterest-api.md §5.1, §8.3). Undefined when nothing of the window is left.
 */
export function clampToPinterest(w: DateWindow, now: Date | string): DateWindow | undefined {
  // `now` may be given as the UTC today's date (YYYY-MM-DD).
  const utcToday = typeof now === 'string' ? now : now.toISOString().slice(0, 10);
  const oldest = addDays(utcToday, -(MAX_DAYS_BACK - 1));
  const start = w.start < oldest ? oldest : w.start;
  const end = w.end > utcToday ? utcToday : w.end;
  return start <= end ? { start, end } : undefined;
}

/**
 * A backfill's range: checked against today in the reporting zone (a bad range is a usage problem, in words), then
 * clamped to what Pinterest reports now, so no chunk asks for a date Pinterest refuses.
 */
export function backfillRange(
  from: string,
  to: string,
  zone: string,
  now: Date,
): { range: DateWindow; problem?: undefined } | { problem: string; range?: undefined } {
  const day = reportingDay(zone, now);
  const problem = backfillRangeProblem(from, to, day.today);
  if (problem) return { problem: zone === 'UTC' ? problem : problem.replace(/\)$/, ` in ${zone})`) };
  const range = clampToPinterest({ start: from, end: to }, now);
  if (!range)
    return {
      problem: `Pinterest reports no day of ${from}..${to} yet: its reports end at the UTC today, ${day.latest}; run it after 00:00 UTC`,
    };
  return { range };
}

/**
 * The checks that need no connection (real dates, in order, not after the latest today any zone has), so a
 * malformed range is refused before a database is opened. startBackfill checks the rest in the connection's zone.
 */
export function backfillDatesProblem(from: string, to: string, now: Date): string | undefined {
  const problem = backfillRangeProblem(from, to, localNow(now, 'Pacific/Kiritimati').date);
  return problem?.replace(/ \(today is [^)]+\)/, ` (today is ${now.toISOString().slice(0, 10)} UTC)`);
}

/**
 * The daily pass runs with a connection's first sync at or after its pass hour of the reporting day: one of the
 * DAILY_PASS_HOURS hours from DAILY_PASS_FIRST_HOUR, by connection. One login's fleet thus spreads its passes over
 * the morning: at 1,000 accounts, every pass in one hour needed two hours of the login's analytics budget
 * (docs/performance.md, bench:scale). The hourly window keeps yesterday and today current meanwhile; the pass
 * re-reads older days, which can wait a few hours.
 */
export const DAILY_PASS_FIRST_HOUR = 6;
export const DAILY_PASS_HOURS = 6;

/** The hour of the reporting day (6–11) from which a connection's daily pass is due. */
export function dailyPassHour(connectionId: string): number {
  return DAILY_PASS_FIRST_HOUR + spreadSlot(connectionId, DAILY_PASS_HOURS, 1);
}
