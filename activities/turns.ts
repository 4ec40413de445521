// One sync per connection at a time, whoever starts it. The Schedule's overlap SKIP keeps scheduled runs apart;
// this activity tells a run which OTHER syncs of the connection are running (scheduled ones, from the schedule's
// running actions, and the manual one, by its fixed workflow id), so the workflow can wait its turn or skip.
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { manualSyncWorkflowId, scheduleId } from '../temporal/schedules.ts';
import type { ActivityDeps } from './deps.ts';

export interface RunningSync {
  workflowId: string;
  /** epoch ms of the run's start, compared with workflowInfo().startTime by the waiting workflow */
  startedAtMs: number;
  manual: boolean;
}

/** How long one waitForTurn attempt waits before it hands back to the workflow (under its 70-minute timeout). */
export const TURN_WAIT_MS = 60 * 60_000;

export function turnActivities(deps: ActivityDeps) {
  const self = {
    async runningSyncs(connectionId: string): Promise<RunningSync[]> {
      const temporal = deps.temporal;
      if (!temporal) return [];
      const self = Context.current().info.workflowExecution?.workflowId;
      const ids: { workflowId: string; runId?: string; manual: boolean }[] = [
        { workflowId: manualSyncWorkflowId(connectionId), manual: true },
      ];
      try {
        const d = await temporal.schedule.getHandle(scheduleId(connectionId)).describe();
        for (const a of d.info.runningActions)
          ids.push({
            workflowId: a.workflow.workflowId,
            runId: a.workflow.firstExecutionRunId,
            manual: false,
          });
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
      const out: RunningSync[] = [];
      for (const { workflowId, manual } of ids) {
        if (workflowId === self) continue;
        try {
          const d = await temporal.workflow.getHandle(workflowId).describe();
          if (d.status.name === 'RUNNING')
            out.push({ workflowId, startedAtMs: d.startTime.getTime(), manual });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return out;
    },

    /**
     * Waits until no other sync of the connection is running, or `maxWaitMs` has passed; returns the syncs still
     * running (none when it is this run's turn). It waits on the other runs' results, not by polling, so a manual
     * sync behind a sync that sleeps for hours on a daily cap costs one activity an hour in its history.
     */
    async waitForTurn(connectionId: string, maxWaitMs = TURN_WAIT_MS): Promise<RunningSync[]> {
      const temporal = deps.temporal;
      const until = Date.now() + maxWaitMs;
      const cancelled = Context.current().cancelled;
      for (;;) {
        const others = await self.runningSyncs(connectionId);
        const left = until - Date.now();
        if (others.length === 0 || !temporal || left <= 0) return others;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            ...others.map((o) =>
              temporal.workflow
                .getHandle(o.workflowId)
                .result()
                .catch(() => undefined),
            ),
            new Promise((r) => {
              timer = setTimeout(r, left);
            }),
            cancelled,
          ]);
        } finally {
          clearTimeout(timer);
        }
      }
    },
  };
  return self;
}
