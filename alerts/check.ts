// One alert check as the worker runs it: record what changed, then make sure the delivery workflow is sending. Used
// by the scheduled check's activity and by a starting worker (before it takes any task, so connections that went
// stale while it was down are announced before the syncs waiting in the queue make them fresh again).
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { pendingCount } from './deliver.ts';
import { type CheckResult, checkAlerts } from './detect.ts';
import { wakeDelivery } from './schedule.ts';
import type { AlertSettings } from './settings.ts';

export async function runAlertCheck(
  pool: pg.Pool,
  temporal: Client | undefined,
  settings: AlertSettings,
  taskQueue: string,
): Promise<CheckResult & { pending: number }> {
  const enqueue = settings.webhookUrl !== undefined;
  const result = await checkAlerts(pool, { staleAfterH: settings.staleAfterH, enqueue });
  // Waking on any pending message, not only new ones, restarts a delivery that was terminated or failed.
  const pending = enqueue ? await pendingCount(pool) : 0;
  if (pending > 0 && temporal) await wakeDelivery(temporal, taskQueue, settings.retryMaxS);
  return { ...result, pending };
}
