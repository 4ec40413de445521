// The alert activities: the check (state → alerts and outbox messages, then wake the delivery) and the delivery (POST
// the outbox in order). Registered beside createActivities by the worker; workflows/alerts.ts runs them.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { AlertDeliveryError, deliverPending, pendingCount } from '../alerts/deliver.ts';
import { type CheckResult, checkAlerts } from '../alerts/detect.ts';
import { wakeDelivery } from '../alerts/schedule.ts';
import type { AlertSettings } from '../alerts/settings.ts';
import { metricsOf, observed } from '../observability/observe.ts';
import type { ActivityDeps } from './deps.ts';

/** Failure type of a delivery attempt the receiver did not take; Temporal retries it with backoff. */
export const ALERT_DELIVERY_FAILED = 'AlertDeliveryFailed';

/**
 * Records what changed since the last check and, when messages are waiting, starts (or nudges) the delivery
 * workflow. Also used by a starting worker before it takes any task, so connections that went stale while it was
 * down are announced before their first sync makes them fresh again.
 */
export async function runAlertCheck(
  deps: Pick<ActivityDeps, 'wh' | 'temporal' | 'metrics'>,
  settings: AlertSettings,
  taskQueue: string,
): Promise<CheckResult & { pending: number }> {
  const enqueue = settings.webhookUrl !== undefined;
  const result = await checkAlerts(deps.wh.pool, { staleAfterH: settings.staleAfterH, enqueue });
  const pending = enqueue ? await pendingCount(deps.wh.pool) : 0;
  if (pending > 0 && deps.temporal) await wakeDelivery(deps.temporal, taskQueue, settings.retryMaxS);
  return { ...result, pending };
}

export function createAlertActivities(deps: ActivityDeps, settings: AlertSettings) {
  const raw = {
    async recordAlertTransitions(): Promise<CheckResult & { pending: number }> {
      return runAlertCheck(deps, settings, Context.current().info.taskQueue);
    },

    async sendPendingAlerts(): Promise<{ delivered: number; abandoned: number }> {
      if (!settings.webhookUrl)
        throw ApplicationFailure.create({
          message: 'PINADS_ALERT_WEBHOOK_URL is not set on this worker: alerts wait until a worker has it',
          type: ALERT_DELIVERY_FAILED,
        });
      try {
        return await deliverPending(deps.wh.pool, settings.webhookUrl, {
          heartbeat: () => Context.current().heartbeat(),
          onSent: (p) => metricsOf(deps).alertsSent.inc({ event: p.event }),
        });
      } catch (err) {
        if (!(err instanceof AlertDeliveryError)) throw err;
        metricsOf(deps).alertDeliveryFailures.inc();
        throw ApplicationFailure.create({
          message: err.message,
          type: ALERT_DELIVERY_FAILED,
          ...(err.retryAfterS ? { nextRetryDelay: `${err.retryAfterS}s` } : {}),
        });
      }
    },
  };
  return {
    recordAlertTransitions: observed(deps, 'recordAlertTransitions', raw.recordAlertTransitions),
    sendPendingAlerts: observed(deps, 'sendPendingAlerts', raw.sendPendingAlerts),
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
