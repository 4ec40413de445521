// What one sync does (syncConnection after the `catalog-plan` patch), decided where the clock and the warehouse are:
// the settings snapshot every window of the run carries, the ad_daily hourly window, and the reports whose daily pass
// is due, with their windows.
import { addDays, chunkRange, type DateWindow, localNow, MAX_REPORT_DAYS } from '../common/dates.ts';
import { clampToPinterest, reportingZone } from '../core/reporting-day.ts';
import { lookbackDays } from '../schemas/config.ts';
import { lookbackDoneOn } from '../warehouse/runs.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { AD_DAILY, type Priority, type ReportId, settingsSnapshot, type WindowSpec } from './spec.ts';
import { loadConnection } from './tokens.ts';

/** The daily pass runs with the first sync at or after this hour of the reporting day. */
export const DAILY_PASS_HOUR = 6;

export interface DailyReportPlan {
  report: ReportId;
  windows: WindowSpec[];
}

/**
 * Every window of the run as a spec: the settings are snapshotted once, here, so every window is requested and
 * loaded with the same settings, whatever `connections update` does meanwhile.
 */
export interface RunPlan {
  /** The ad_daily window every run loads first, on its own, at core priority. */
  hourly: WindowSpec;
  /** Reports whose daily pass runs in this sync (ad_daily first), at bulk priority; empty on an hourly-only run. */
  daily: DailyReportPlan[];
}

export interface PlanOptions {
  mode: 'auto' | 'hourly' | 'lookback';
  /** With a lookback: every day of the lookback window, final ones included. */
  allDays?: boolean;
}

export function runPlanActivities(deps: ActivityDeps) {
  return {
    async planRun(connectionId: string, o: PlanOptions): Promise<RunPlan> {
      const c = await loadConnection(deps, connectionId);
      const timeZone = await reportingZone(deps.wh.pool, c);
      const settings = settingsSnapshot(c, timeZone);
      const now = nowOf(deps);
      const { date: today, hour } = localNow(now, timeZone);
      const spec = (report: ReportId, window: DateWindow, priority: Priority): WindowSpec => ({
        report,
        window,
        settings,
        priority,
      });
      const hourly = spec(
        AD_DAILY,
        clampToPinterest({ start: addDays(today, -1), end: today }, now)!,
        'core',
      );
      const due =
        o.mode === 'lookback' ||
        (o.mode === 'auto' &&
          hour >= DAILY_PASS_HOUR &&
          !(await lookbackDoneOn(deps.wh.pool, c.id, today, timeZone, AD_DAILY)));
      if (!due) return { hourly, daily: [] };
      const w = clampToPinterest({ start: addDays(today, -lookbackDays(c.settings)), end: today }, now)!;
      const windows = chunkRange(w.start, w.end, MAX_REPORT_DAYS).map((x) => spec(AD_DAILY, x, 'bulk'));
      return { hourly, daily: [{ report: AD_DAILY, windows }] };
    },
  };
}
