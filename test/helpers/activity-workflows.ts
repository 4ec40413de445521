// Test-only workflows (bundled by test/helpers/activity-worker.ts, never by the production worker): run one activity
// of createActivities() with timeouts the test chooses, through the production durable rate-limit wait. They let a
// test drive an activity's real wrapping (pacing, waits, cancellation) on a real worker without waiting out the
// production workflows' minutes-long timeouts.
import { proxyActivities } from '@temporalio/workflow';
import { withDurableRateLimit } from '../../workflows/steps.ts';

export interface CallOptions {
  startToCloseMs: number;
  heartbeatMs: number;
  maximumAttempts: number;
}

export async function callActivity(name: string, args: unknown[], o: CallOptions): Promise<unknown> {
  const acts = proxyActivities<Record<string, (...a: unknown[]) => Promise<unknown>>>({
    startToCloseTimeout: o.startToCloseMs,
    heartbeatTimeout: o.heartbeatMs,
    retry: { initialInterval: '200ms', backoffCoefficient: 1, maximumAttempts: o.maximumAttempts },
  });
  return withDurableRateLimit(() => acts[name]!(...args));
}
