// What one sync does (syncConnection after the `catalog-plan` patch), decided where the clock and the warehouse are:
// the ad_daily hourly window, and, once per reporting day, the daily pass of every catalog report that has days to
// re-read (the lookback, missed days after an outage, less days final and pulled after finality), with the readiness
// dates to ask first and the entity syncs the pass needs.

import { ApplicationFailure } from '@temporalio/activity';
import { addDays, type DateWindow, localNow, MAX_DAYS_BACK, MAX_REPORT_DAYS } from '../common/dates.ts';
import { INVALID_BACKFILL_RANGE } from '../common/failure-types.ts';
import { backfillRange, clampToPinterest, dailyPassHour, reportingZone } from '../core/reporting-day.ts';
import { lookbackDays } from '../schemas/config.ts';
import { coverDays, daysToPull } from '../warehouse/pull-plan.ts';
import { claimChore } from '../warehouse/readiness.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { type EntityNeed, plannedReports } from './planned-reports.ts';
import { type Priority, type ReportId, settingsSnapshot, type WindowSpec } from './spec.ts';
import { loadConnection } from './tokens.ts';

/**
 * When the only days of ad_daily's daily pass left to re-read lie this close before the hourly window, the hourly
 * window reaches back to them instead: one report where two were, a report costing the same calls for 2 days or 5.
 */
export const FOLD_DAYS = 3;

/** The fleet's geo names (targeting value → name) are read again after this long, by one sync for all. */
export const GEO_NAMES_EVERY_S = 7 * 86_400;
export const GEO_NAMES_CHORE = 'geo_names';

export interface DailyReportPlan {
  report: ReportId;
  windows: WindowSpec[];
  /** Entity syncs the report needs first, this run. */
  needs: EntityNeed[];
}

/** Every window of the run as a spec, with the settings snapshotted once, here. */
export interface RunPlan {
  /** The ad_daily window every run loads first, on its own, at core priority. */
  hourly: WindowSpec;
  /** A daily pass runs in this sync (its reports may all have been folded into the hourly window or be final). */
  pass: boolean;
  /** The reports with windows to re-read in the daily pass, at bulk priority, ad_daily first. */
  daily: DailyReportPlan[];
  /** Days (reporting zone) whose readiness to ask before the loads, so a day turning final is pulled final once more. */
  readiness: string[];
  /** This run reads the fleet's geo names (claimed: no other sync does it now). */
  geoNames: boolean;
  /** Days of the lookback left alone because they are final and were pulled after finality. */
  finalDaysSkipped: number;
}

export interface PlanOptions {
  mode: 'auto' | 'hourly' | 'lookback';
  /** With a lookback: every day of the lookback window, final ones included. */
  allDays?: boolean;
}

/** What a backfill pulls per chunk, and what must run before its first chunk. */
export interface BackfillPlan {
  reports: ReportId[];
  /** Entity syncs of the backfill; geo_names only when it claimed the fleet's chore. */
  needs: EntityNeed[];
}

export function runPlanActivities(deps: ActivityDeps) {
  return {
    /**
     * Checks a backfill's range against today in the reporting zone (the CLI checked it against UTC) and says which
     * reports every chunk pulls: every catalog entry a backfill pulls, each chunk a window of each.
     */
    async planBackfill(connectionId: string, from: string, to: string): Promise<BackfillPlan> {
      const c = await loadConnection(deps, connectionId);
      const now = nowOf(deps);
      const { problem } = backfillRange(from, to, await reportingZone(deps.wh.pool, c), now);
      if (problem)
        throw ApplicationFailure.create({
          message: problem,
          type: INVALID_BACKFILL_RANGE,
          nonRetryable: true,
        });
      const reports = plannedReports(deps.reports).filter((r) => r.backfill);
      // Every entity its reports need: the events a request names, and the keywords and geo names that label its rows,
      // so the backfilled reports read complete at once, not only after the connection's next daily pass. The geo
      // names are the fleet's, read by whichever run claims them (none when read within the week).
      const all = [...new Set(reports.flatMap((r) => r.needs))];
      const geo =
        all.includes('geo_names') &&
        (await claimChore(deps.wh.pool, GEO_NAMES_CHORE, now, GEO_NAMES_EVERY_S));
      return { reports: reports.map((r) => r.id), needs: all.filter((n) => n !== 'geo_names' || geo) };
    },

    async planRun(connectionId: string, o: PlanOptions): Promise<RunPlan> {
      const db = deps.wh.pool;
      const c = await loadConnection(deps, connectionId);
      const zone = await reportingZone(db, c);
      const settings = settingsSnapshot(c, zone);
      const now = nowOf(deps);
      const { date: today, hour } = localNow(now, zone);
      const utcToday = now.toISOString().slice(0, 10);
      const spec = (report: ReportId, window: DateWindow, priority: Priority): WindowSpec => ({
        report,
        window,
        settings,
        priority,
      });
      const reports = plannedReports(deps.reports);
      const hourlyReport = reports.find((r) => r.cadence === 'hourly')!;
      let hourly = clampToPinterest({ start: addDays(today, -1), end: today }, now)!;
      const noPass = (): RunPlan => ({
        hourly: spec(hourlyReport.id, hourly, 'core'),
        pass: false,
        daily: [],
        readiness: [],
        geoNames: false,
        finalDaysSkipped: 0,
      });
      const passHour = dailyPassHour(connectionId);
      if (o.mode === 'hourly' || (o.mode === 'auto' && hour < passHour)) return noPass();

      const requested = o.mode === 'lookback';
      const lookback = lookbackDays(c.settings);
      const created = localNow(c.created_at, zone).date;
      const base = {
        adAccountId: c.ad_account_id,
        zone,
        today,
        latest: today < utcToday ? today : utcToday,
        oldest: addDays(utcToday, -(MAX_DAYS_BACK - 1)),
        lookbackDays: lookback,
        catchUpFrom: addDays(created, -1),
        // On the schedule, a day read since this morning's pass began is done for today (a failed report is
        // retried next hour without redoing the others); a requested lookback reads again.
        doneSince: requested ? undefined : await slotStart(db, today, zone, passHour),
        allDays: requested && o.allDays === true,
      };
      const days = new Map<ReportId, string[]>();
      for (const r of reports) {
        const except = r.id === hourlyReport.id ? hourly : undefined;
        days.set(r.id, await daysToPull(db, { ...base, report: r.id, except }));
      }
      // Due once a day: when some report has a day to re-read before yesterday (yesterday and today are the hourly
      // window's, and an extra's are read with its older days), or when asked.
      const before = addDays(today, -1);
      const due = requested || [...days.values()].some((ds) => ds.some((d) => d < before));
      if (!due) return noPass();

      const adDays = days.get(hourlyReport.id)!;
      if (!requested && adDays.length > 0 && adDays[0]! >= addDays(hourly.start, -FOLD_DAYS)) {
        hourly = { start: adDays[0]!, end: hourly.end };
        days.set(hourlyReport.id, []);
      }
      const daily: DailyReportPlan[] = [];
      for (const r of reports) {
        const windows = coverDays(days.get(r.id)!, MAX_REPORT_DAYS)
          .map((w) => clampToPinterest(w, now))
          .filter((w): w is DateWindow => w !== undefined)
          .map((w) => spec(r.id, w, 'bulk'));
        if (windows.length > 0) daily.push({ report: r.id, windows, needs: r.needs });
      }
      const pulled = [...days.values()].flat();
      if (hourly.start < addDays(today, -1))
        for (let d = hourly.start; d <= hourly.end; d = addDays(d, 1)) pulled.push(d);
      const lookbackSpan = Math.min(lookback, MAX_DAYS_BACK - 1) + 1;
      const finalDaysSkipped =
        requested && o.allDays ? 0 : await finalInLookback(db, c.ad_account_id, today, lookbackSpan);
      const geoNames =
        daily.some((d) => d.needs.includes('geo_names')) &&
        (await claimChore(db, GEO_NAMES_CHORE, now, GEO_NAMES_EVERY_S));
      return {
        hourly: spec(hourlyReport.id, hourly, 'core'),
        pass: true,
        daily,
        readiness: [...new Set(pulled)].sort(),
        geoNames,
        finalDaysSkipped,
      };
    },
  };
}

/** Today's daily pass began at the pass hour in the reporting zone (a DST day's hour, as Postgres counts it). */
async function slotStart(
  db: ActivityDeps['wh']['pool'],
  today: string,
  zone: string,
  passHour: number,
): Promise<Date> {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT ($1::date + make_interval(hours => $3)) AT TIME ZONE $2 AS at`,
    [today, zone, passHour],
  );
  return rows[0]!.at;
}

/** How many ad_daily days of the lookback are final and were pulled after finality (left alone). */
async function finalInLookback(
  db: ActivityDeps['wh']['pool'],
  adAccountId: string,
  today: string,
  span: number,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pinads.day_pulls
     WHERE ad_account_id = $1 AND report = 'ad_daily' AND is_final AND date BETWEEN $2::date - $3::int + 1 AND $2::date`,
    [adAccountId, today, span],
  );
  return rows[0]!.n;
}
