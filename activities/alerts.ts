// The alert activities: the check (state → alerts and outbox messages, then wake the delivery) and the delivery (POST
// the outbox in order). Registered beside createActivities by the worker; workflows/alerts.ts runs them.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { runAlertCheck } from '../alerts/check.ts';
import { AlertDeliveryError, deliverPending } from '../alerts/deliver.ts';
import type { CheckResult } from '../alerts/detect.ts';
import type { AlertSettings } from '../alerts/settings.ts';
import { ALERT_DELIVERY_FAILED } from '../common/failure-types.ts';
import { metricsOf, observed } from '../observability/observe.ts';
import type { ActivityDeps } from './deps.ts';

export function createAlertActivities(deps: ActivityDeps, settings: AlertSettings) {
  const raw = {
    async recordAlertTransitions(): Promise<CheckResult & { pending: number }> {
      return runAlertCheck(deps.wh.pool, deps.temporal, settings, Context.current().info.taskQueue);
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
