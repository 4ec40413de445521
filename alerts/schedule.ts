// The alert check's own Temporal Schedule, and the start of the delivery workflow. The check has a schedule of its
// own (not a step of the connections' syncs), so it still runs when what broke is a connection's schedule.
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { checkIntervalSeconds } from './settings.ts';

// Ids carry the task queue: two deployments sharing a Temporal namespace (each its own queue and warehouse) must
// not check or deliver each other's alerts.
export const alertCheckScheduleId = (taskQueue: string) => `pinads-alerts-check-${taskQueue}`;
export const alertDeliveryWorkflowId = (taskQueue: string) => `pinads-alerts-delivery-${taskQueue}`;

/** The signal that tells a running delivery workflow there is more to send (workflows/alerts.ts handles it). */
export const ALERTS_PENDING_SIGNAL = 'alertsPending';

function scheduleOptions(taskQueue: string, staleAfterH: number) {
  return {
    spec: { intervals: [{ every: `${checkIntervalSeconds(staleAfterH)}s` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'checkAlerts',
      args: [],
      taskQueue,
      workflowId: alertCheckScheduleId(taskQueue),
      // A check stuck behind a dead database gives way to the next one instead of holding the schedule (SKIP).
      workflowRunTimeout: '10m',
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // Missed checks are not worth replaying one by one: the next one sees the current state anyway.
      catchupWindow: '1m',
      pauseOnFailure: false,
    },
  };
}

/** Creates the check schedule, or brings it to the current interval; called by every starting worker. */
export async function ensureAlertSchedule(
  client: Client,
  taskQueue: string,
  staleAfterH: number,
): Promise<void> {
  const options = scheduleOptions(taskQueue, staleAfterH);
  try {
    await client.schedule.create({ scheduleId: alertCheckScheduleId(taskQueue), ...options });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(alertCheckScheduleId(taskQueue))
      .update((prev) => ({ ...prev, ...options, state: { ...prev.state, paused: false } }));
  }
}

/**
 * Starts the delivery workflow, or tells the running one there is more: signal-with-start is atomic, so a message
 * added while the workflow is finishing is never left behind. The retry cap is the workflow's argument; the webhook
 * URL is not (it is a secret: the activity reads it from the worker's environment).
 */
export async function wakeDelivery(client: Client, taskQueue: string, retryMaxS: number): Promise<void> {
  await client.workflow.signalWithStart('deliverAlerts', {
    workflowId: alertDeliveryWorkflowId(taskQueue),
    taskQueue,
    args: [{ retryMaxS }],
    signal: ALERTS_PENDING_SIGNAL,
    signalArgs: [],
  });
}
