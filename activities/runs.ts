// The run ledger (pinads.sync_runs) as activities: a row opened and closed per window, the sweep of rows whose
// workflow is gone, and which chunks of a re-run backfill are already done. Apart from planning (activities/plan.ts).
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { DateWindow } from '../common/dates.ts';
import type { RunKind } from '../common/run-kinds.ts';
import { activityLog, metricsOf } from '../observability/observe.ts';
import { markChoreDone } from '../warehouse/readiness.ts';
import {
  finishRun,
  markAbandoned,
  type RunOutcome,
  runningExecutions,
  startRun,
  succeededWindows,
} from '../warehouse/runs.ts';
import { type ActivityDeps, nowOf } from './deps.ts';

export function runLedgerActivities(deps: ActivityDeps) {
  return {
    /**
     * Closes the rows of this connection whose workflow run is no longer running (a worker lost mid-window, a
     * terminated workflow): they become `failed` with the reason `abandoned`. Returns how many it closed.
     */
    async sweepAbandonedRuns(connectionId: string): Promise<number> {
      if (!deps.temporal) return 0;
      const self = Context.current().info.workflowExecution?.runId;
      const gone: string[] = [];
      for (const e of await runningExecutions(deps.wh.pool, connectionId, self)) {
        try {
          const d = await deps.temporal.workflow.getHandle(e.workflowId, e.runId).describe();
          if (d.status.name !== 'RUNNING') gone.push(e.runId);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) gone.push(e.runId);
          else throw err;
        }
      }
      return markAbandoned(deps.wh.pool, gone);
    },

    /**
     * Indexes of the chunks to skip when a backfill (same workflow id) runs again: those whose latest run succeeded,
     * when some are not. When every chunk is done, a re-run redoes them all: it is a refresh of a finished range.
     */
    async backfillChunksDone(
      connectionId: string,
      chunks: DateWindow[],
      reports: string[] = ['ad_daily'],
    ): Promise<number[]> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      const done = new Set(
        (await succeededWindows(deps.wh.pool, connectionId, workflowId)).map(
          (w) => `${w.report}/${w.start}/${w.end}`,
        ),
      );
      // A chunk is done when every report of it is.
      const skip = chunks.flatMap((c, i) =>
        reports.every((r) => done.has(`${r}/${c.start}/${c.end}`)) ? [i] : [],
      );
      return skip.length === chunks.length ? [] : skip;
    },

    /** Opens the row of one window of a catalog report (ad_daily when not given, as older workflows call it). */
    async startRun(
      connectionId: string,
      kind: RunKind,
      window: DateWindow,
      report?: string,
    ): Promise<string> {
      const { workflowExecution: execution, activityId } = Context.current().info;
      return startRun(deps.wh.pool, {
        activityId,
        connectionId,
        kind,
        report,
        windowStart: window.start,
        windowEnd: window.end,
        workflowId: execution?.workflowId,
        runId: execution?.runId,
      });
    },

    /** A fleet-wide chore this run claimed (activities/run-plan.ts) is done: nobody does it again for a while. */
    async choreDone(_connectionId: string, chore: string): Promise<void> {
      await markChoreDone(deps.wh.pool, chore, nowOf(deps));
    },

    /** A run that failed before its first window (token, entities, planning): a failed row without a window. */
    async recordRunFailure(connectionId: string, kind: RunKind, error: string): Promise<void> {
      const { workflowExecution: execution, activityId } = Context.current().info;
      await startRun(deps.wh.pool, {
        activityId,
        connectionId,
        kind,
        workflowId: execution?.workflowId,
        runId: execution?.runId,
        error,
      });
      metricsOf(deps).windowRunDuration.observe({ kind, status: 'failed' }, 0);
      activityLog().info(
        { connectionId, runKind: kind, status: 'failed', error },
        'run failed before its first window',
      );
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
