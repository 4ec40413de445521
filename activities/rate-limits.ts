// Rate limits are not failures: short ones are waited out inside the activity attempt, so they never use up the
// retry budget; longer ones become a durable workflow sleep (RATE_LIMITED_UNTIL, see workflows/steps.ts). The same
// holds for the pacer's own queue: an attempt waits for its slot only as long as it has time left, and a wait it
// cannot afford is handed to the workflow the same way, never slept through past the attempt's timeout.
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { RATE_LIMITED_UNTIL } from '../common/failure-types.ts';
import { activityLog, recordRateLimitWait } from '../observability/observe.ts';
import { PinterestError } from '../pinterest/errors.ts';
import {
  type Pacer,
  PacerWaitTooLong,
  type PacingScope,
  type Priority,
  priorityOf,
  withPacing,
} from '../pinterest/pacing.ts';

/** Seconds to wait when Pinterest says "wait", or undefined when the error is not a short rate limit. */
export function rateLimitWaitSeconds(err: unknown, durableWaitThresholdSeconds = 60): number | undefined {
  if (!(err instanceof PinterestError)) return undefined;
  const a = err.action;
  if (a.kind === 'retry_after') return a.seconds;
  if (a.kind === 'rate_limit_reset' && a.seconds <= durableWaitThresholdSeconds) return a.seconds;
  return undefined;
}

/** Room kept before the activity's start-to-close timeout (at most a quarter of it): finishing after a wait. */
const TIMEOUT_MARGIN_MS = 15_000;

/** Epoch ms by which the current attempt should be done waiting: its start-to-close timeout less a margin. */
export function attemptDeadlineMs(): number {
  const info = Context.current().info;
  if (!(info.startToCloseTimeoutMs > 0)) return Number.POSITIVE_INFINITY;
  const margin = Math.min(TIMEOUT_MARGIN_MS, info.startToCloseTimeoutMs / 4);
  return info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs - margin;
}

function durableWait(message: string, seconds: number): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: RATE_LIMITED_UNTIL,
    nonRetryable: true,
    details: [{ seconds }],
  });
}

/**
 * Runs the body, waiting out short rate limits ("Retry after N seconds", code-8 resets below the durable threshold)
 * inside the same attempt, heartbeating, and running the body again. A rate limit is not a failure, so it must not
 * use up the retry budget. A wait that no longer fits before the activity's timeout is handed to the workflow as
 * RATE_LIMITED_UNTIL (a durable sleep, then a fresh activity), so a limit lasting minutes or hours only delays; so
 * is a pacer queue longer than the attempt can wait (PacerWaitTooLong).
 */
export async function waitingOutRateLimits<R>(
  body: () => Promise<R>,
  durableWaitThresholdSeconds = 60,
): Promise<R> {
  for (;;) {
    try {
      return await body();
    } catch (err) {
      if (err instanceof PacerWaitTooLong) {
        const seconds = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
        activityLog().warn(
          { seconds, category: err.category, priority: err.priority },
          'pacer queue longer than this attempt can wait; waiting durably',
        );
        throw durableWait(err.message, seconds);
      }
      const seconds = rateLimitWaitSeconds(err, durableWaitThresholdSeconds);
      if (seconds === undefined) throw err;
      if (Date.now() + seconds * 1000 > attemptDeadlineMs())
        throw durableWait((err as Error).message, seconds);
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

/**
 * Opens the pacing scope of an activity attempt: the connection (its first argument) whose login pays, the
 * priority (a `priority` in its arguments, e.g. a WindowSpec's, else the activity's default), and the attempt's
 * cancellation signal and deadline, so no pacer wait outlives the attempt and a cancelled one sends nothing.
 */
export function pacedActivity<A extends unknown[], R>(
  pacer: Pacer | undefined,
  fn: (...args: A) => Promise<R>,
  defaultPriority: Priority = 'core',
  onWait?: PacingScope['onWait'],
) {
  return (...args: A): Promise<R> => {
    if (!pacer || typeof args[0] !== 'string') return fn(...args);
    const ctx = Context.current();
    const deadline = attemptDeadlineMs();
    const scope = {
      scope: args[0],
      priority: priorityOf(args) ?? defaultPriority,
      signal: ctx.cancellationSignal,
      deadlineMs: Number.isFinite(deadline) ? deadline : undefined,
      onWait,
    };
    return withPacing(pacer, scope, () => fn(...args));
  };
}
