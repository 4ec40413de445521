// Which windows a sync pulls, decided where the clock and the warehouse are: hourly, or the daily lookback.
import { ApplicationFailure } from '@temporalio/activity';
import {
  addDays,
  backfillRangeProblem,
  chunkRange,
  type DateWindow,
  MAX_DAYS_BACK,
  MAX_REPORT_DAYS,
} from '../common/dates.ts';
import { lookbackDays } from '../schemas/config.ts';
import type { Connection } from '../warehouse/control.ts';
import { lookbackDoneOn } from '../warehouse/runs.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { loadConnection } from './tokens.ts';

/** The lookback runs with the first sync at or after this hour of the reporting day. */
const LOOKBACK_HOUR = 6;

/** The zone report dates are in: UTC unless the connection reports in the account's own zone. */
export async function reportingZone(
  deps: ActivityDeps,
  c: Connection,
  opts: { fallbackUtc?: boolean } = {},
): Promise<string> {
  if (c.settings.reporting_time_zone !== 'account') return 'UTC';
  // Resolved when the connection chose account time; connections made before that read the synced account.
  if (c.settings.account_time_zone) return c.settings.account_time_zone;
  const { rows } = await deps.wh.pool.query('SELECT time_zone FROM pinterest_ads.ad_accounts WHERE id = $1', [
    c.ad_account_id,
  ]);
  const zone = rows[0]?.time_zone as string | undefined;
  // Never a silent fall-back to UTC: the dates would shift by the account's offset and the split would be wrong.
  if (!zone && opts.fallbackUtc) return 'UTC';
  if (!zone)
    throw ApplicationFailure.create({
      message: `connection ${c.id} reports in account time, but no time zone is known for ad account ${c.ad_account_id}; set --reporting-time-zone utc or sync the account's entities first`,
      type: 'UnknownAccountTimeZone',
      nonRetryable: true,
    });
  return zone;
}

/** Today's date and hour in a zone. */
export function localNow(now: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/** Pinterest dates reports in UTC at the edge: no end_date after the UTC today, no start_date past 914 UTC days. */
export function clampToPinterest(w: DateWindow, now: Date): DateWindow | undefined {
  const utcToday = now.toISOString().slice(0, 10);
  const oldest = addDays(utcToday, -(MAX_DAYS_BACK - 1));
  const start = w.start < oldest ? oldest : w.start;
  const end = w.end > utcToday ? utcToday : w.end;
  return start <= end ? { start, end } : undefined;
}

/** What one sync does: the hourly window always, then the lookback windows when due (hourly first, DESIGN §9). */
export interface WindowPlan {
  hourly: DateWindow;
  lookback: DateWindow[];
  timeZone: string;
}

export interface SyncPlan {
  kind: 'hourly' | 'lookback';
  windows: DateWindow[];
  timeZone: string;
}

export function planActivities(deps: ActivityDeps) {
  return {
    async planSync(
      connectionId: string,
      mode: 'auto' | 'hourly' | 'lookback',
      _workflowId: string,
    ): Promise<SyncPlan> {
      const c = await loadConnection(deps, connectionId);
      const timeZone = await reportingZone(deps, c);
      const { date: today, hour } = localNow(nowOf(deps), timeZone);
      const lookback =
        mode === 'lookback' ||
        (mode === 'auto' &&
          hour >= LOOKBACK_HOUR &&
          !(await lookbackDoneOn(deps.wh.pool, c.id, today, timeZone)));
      if (!lookback)
        return { kind: 'hourly', windows: [{ start: addDays(today, -1), end: today }], timeZone };
      const oldest = addDays(today, -(MAX_DAYS_BACK - 1));
      const from = addDays(today, -lookbackDays(c.settings));
      return {
        kind: 'lookback',
        windows: chunkRange(from < oldest ? oldest : from, today, MAX_REPORT_DAYS),
        timeZone,
      };
    },

    /** The plan of the hourly-first sync workflow (syncConnection after the `hourly-first` patch). */
    async planWindows(connectionId: string, mode: 'auto' | 'hourly' | 'lookback'): Promise<WindowPlan> {
      const c = await loadConnection(deps, connectionId);
      const timeZone = await reportingZone(deps, c);
      const now = nowOf(deps);
      const { date: today, hour } = localNow(now, timeZone);
      const hourly = clampToPinterest({ start: addDays(today, -1), end: today }, now)!;
      const due =
        mode === 'lookback' ||
        (mode === 'auto' &&
          hour >= LOOKBACK_HOUR &&
          !(await lookbackDoneOn(deps.wh.pool, c.id, today, timeZone)));
      if (!due) return { hourly, lookback: [], timeZone };
      const window = clampToPinterest({ start: addDays(today, -lookbackDays(c.settings)), end: today }, now)!;
      return { hourly, lookback: chunkRange(window.start, window.end, MAX_REPORT_DAYS), timeZone };
    },

    async validateBackfill(connectionId: string, from: string, to: string): Promise<void> {
      const c = await loadConnection(deps, connectionId);
      // Checked before the entities are synced: an unknown zone checks against UTC (the loads use the real zone).
      const { date: today } = localNow(nowOf(deps), await reportingZone(deps, c, { fallbackUtc: true }));
      const problem = backfillRangeProblem(from, to, today);
      if (problem)
        throw ApplicationFailure.create({
          message: problem,
          type: 'InvalidBackfillRange',
          nonRetryable: true,
        });
    },
  };
}
