// Rate limits are not failures: short ones are waited out inside the activity attempt, so they never use up the
// retry budget; longer ones become a durable workflow sleep (RATE_LIMITED_UNTIL, see workflows/steps.ts).
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { RATE_LIMITED_UNTIL } from '../common/failure-types.ts';
import { activityLog, recordRateLimitWait } from '../observability/observe.ts';
import { PinterestError } from '../pinterest/errors.ts';

/** Seconds to wait when Pinterest says "wait", or undefined when the error is not a short rate limit. */
export function rateLimitWaitSeconds(err: unknown, durableWaitThresholdSeconds = 60): number | undefined {
  if (!(err instanceof PinterestError)) return undefined;
  const a = err.action;
  if (a.kind === 'retry_after') return a.seconds;
  if (a.kind === 'rate_limit_reset' && a.seconds <= durableWaitThresholdSeconds) return a.seconds;
  return undefined;
}

/** Room kept before the activity's start-to-close timeout: a wait that would end later becomes a workflow sleep. */
const TIMEOUT_MARGIN_MS = 15_000;

/**
 * Runs the body, waiting out short rate limits ("Retry after N seconds", code-8 resets below the durable threshold)
 * inside the same attempt, heartbeating, and running the body again. A rate limit is not a failure, so it must not
 * use up the retry budget. A wait that no longer fits before the activity's timeout is handed to the workflow as
 * RATE_LIMITED_UNTIL (a durable sleep, then a fresh activity), so a limit lasting minutes or hours only delays.
 */
export async function waitingOutRateLimits<R>(
  body: () => Promise<R>,
  durableWaitThresholdSeconds = 60,
): Promise<R> {
  for (;;) {
    try {
      return await body();
    } catch (err) {
      const seconds = rateLimitWaitSeconds(err, durableWaitThresholdSeconds);
      if (seconds === undefined) throw err;
      const info = Context.current().info;
      const deadline =
        info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs - TIMEOUT_MARGIN_MS;
      if (Date.now() + seconds * 1000 > deadline) {
        throw ApplicationFailure.create({
          message: (err as Error).message,
          type: RATE_LIMITED_UNTIL,
          nonRetryable: true,
          details: [{ seconds }],
        });
      }
      activityLog().warn({ seconds }, 'Pinterest rate limit; waiting inside the attempt');
      recordRateLimitWait(
        (err as PinterestError).action.kind === 'retry_after' ? 'retry_after' : 'reset',
        seconds,
      );
      await sleep(seconds * 1000);
    }
  }
}

/** Wraps an activity body with waitingOutRateLimits. */
export function patientWithRateLimits<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  durableWaitThresholdSeconds?: number,
) {
  return (...args: A): Promise<R> => waitingOutRateLimits(() => fn(...args), durableWaitThresholdSeconds);
}
