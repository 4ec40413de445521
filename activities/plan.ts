// Which windows a sync pulls, decided where the clock and the warehouse are: hourly, or the daily lookback.
import { ApplicationFailure } from '@temporalio/activity';
import {
  addDays,
  chunkRange,
  type DateWindow,
  localNow,
  MAX_DAYS_BACK,
  MAX_REPORT_DAYS,
} from '../common/dates.ts';
import { INVALID_BACKFILL_RANGE } from '../common/failure-types.ts';
import { backfillRange, clampToPinterest, reportingZone } from '../core/reporting-day.ts';
import { lookbackDays } from '../schemas/config.ts';
import { lookbackDoneOn } from '../warehouse/runs.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { loadConnection } from './tokens.ts';

/** The lookback runs with the first sync at or after this hour of the reporting day. */
const LOOKBACK_HOUR = 6;

/** What one sync does: the hourly window always, then the lookback windows when due (hourly first). */
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
      const timeZone = await reportingZone(deps.wh.pool, c);
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
      const timeZone = await reportingZone(deps.wh.pool, c);
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
      const { problem } = backfillRange(from, to, await reportingZone(deps.wh.pool, c), nowOf(deps));
      if (problem)
        throw ApplicationFailure.create({
          message: problem,
          type: INVALID_BACKFILL_RANGE,
          nonRetryable: true,
        });
    },
  };
}
