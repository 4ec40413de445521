// Which windows a sync pulls, decided where the clock and the warehouse are: hourly, or the daily lookback.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { activityLog, metricsOf } from '../observability/observe.ts';
import { lookbackDays } from '../schemas/config.ts';
import {
  type Connection,
  finishRun,
  lookbackDoneOn,
  type RunKind,
  type RunOutcome,
  startRun,
} from '../warehouse/control.ts';
import {
  addDays,
  backfillRangeProblem,
  chunkRange,
  type DateWindow,
  MAX_DAYS_BACK,
  MAX_REPORT_DAYS,
} from '../workflows/windows.ts';
import { type ActivityDeps, nowOf } from './deps.ts';
import { loadConnection } from './tokens.ts';

/** The lookback runs with the first sync at or after this hour of the reporting day. */
const LOOKBACK_HOUR = 6;

/** The zone report dates are in: UTC unless the connection reports in the account's own zone. */
export async function reportingZone(deps: ActivityDeps, c: Connection): Promise<string> {
  if (c.settings.reporting_time_zone !== 'account') return 'UTC';
  const { rows } = await deps.wh.pool.query('SELECT time_zone FROM pinterest_ads.ad_accounts WHERE id = $1', [
    c.ad_account_id,
  ]);
  return (rows[0]?.time_zone as string | undefined) ?? 'UTC';
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

    async validateBackfill(connectionId: string, from: string, to: string): Promise<void> {
      const c = await loadConnection(deps, connectionId);
      const { date: today } = localNow(nowOf(deps), await reportingZone(deps, c));
      const problem = backfillRangeProblem(from, to, today);
      if (problem)
        throw ApplicationFailure.create({
          message: problem,
          type: 'InvalidBackfillRange',
          nonRetryable: true,
        });
    },

    async startRun(connectionId: string, kind: RunKind, window: DateWindow): Promise<string> {
      const execution = Context.current().info.workflowExecution;
      return startRun(deps.wh.pool, {
        connectionId,
        kind,
        windowStart: window.start,
        windowEnd: window.end,
        workflowId: execution?.workflowId,
        runId: execution?.runId,
      });
    },

    async finishRun(runId: string, r: RunOutcome): Promise<void> {
      await finishRun(deps.wh.pool, runId, r);
      // The run's own row knows its kind, window and duration (timed by the database from startRun).
      const { rows } = await deps.wh.pool.query(
        `SELECT connection_id, kind, window_start::text AS w_start, window_end::text AS w_end, duration_ms
           FROM pinads.sync_runs WHERE id = $1`,
        [runId],
      );
      const run = rows[0];
      if (!run) return;
      metricsOf(deps).windowRunDuration.observe(
        { kind: run.kind, status: r.status },
        Number(run.duration_ms) / 1000,
      );
      activityLog().info(
        {
          connectionId: run.connection_id,
          window: { start: run.w_start, end: run.w_end },
          runKind: run.kind,
          status: r.status,
          rowsLoaded: r.rowsLoaded ?? 0,
          apiCalls: r.apiCalls ?? 0,
          durationMs: Number(run.duration_ms),
        },
        'window run finished',
      );
    },
  };
}
