// The alert workflows. checkAlerts runs on its own Schedule (alerts/schedule.ts): one activity records what changed.
// deliverAlerts sends the outbox: one workflow per task queue (fixed id, signal-with-start), so messages go out one
// at a time in order; a receiver that is down fails the activity and Temporal retries it with backoff, for as long
// as it takes. Neither produces anything itself: transitions are found and recorded by the activities, in SQL.
import { continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { AlertActivities } from '../activities/alerts.ts';

export const alertsPending = defineSignal('alertsPending');

const check = proxyActivities<AlertActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3 },
});

export async function checkAlerts(): Promise<{ opened: number; resolved: number; messages: number }> {
  const { opened, resolved, messages } = await check.recordAlertTransitions();
  return { opened, resolved, messages };
}

export interface DeliveryOptions {
  /** The longest wait between two attempts while the receiver is down (PINADS_ALERT_RETRY_MAX_S). */
  retryMaxS: number;
}

export async function deliverAlerts(o: DeliveryOptions): Promise<{ delivered: number }> {
  let more = true;
  setHandler(alertsPending, () => {
    more = true;
  });
  const send = proxyActivities<AlertActivities>({
    startToCloseTimeout: '5m',
    heartbeatTimeout: '1m',
    // No maximumAttempts: unlimited, so an alert is never dropped because the receiver was down for long.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: `${Math.max(1, o.retryMaxS)}s` },
  });
  let delivered = 0;
  while (more) {
    more = false;
    delivered += (await send.sendPendingAlerts()).delivered;
    // A signal that arrived during the send means more messages: loop. Without one, finishing is safe: a signal
    // arriving now makes Temporal reject the completion and run the workflow task again with it.
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof deliverAlerts>(o);
  }
  return { delivered };
}
