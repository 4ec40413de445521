// Maps the Pinterest error table's actions (pinterest/errors.ts) onto Temporal's retry machinery.
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import { activityLog } from '../observability/observe.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { ReportFormatError } from '../pinterest/report-parser.ts';
import { ReportRowError } from '../schemas/report.ts';
import { LoadRejectedError } from '../warehouse/load.ts';

export const RATE_LIMITED_UNTIL = 'PinterestRateLimitedUntil';
export const REPORT_GENERATION_FAILED = 'ReportGenerationFailed';
export const REAUTH_REQUIRED = 'PinterestReauthRequired';
export const INVALID_REPORT = 'InvalidReport';

/** Turns any error into the failure Temporal should see; errors we don't know stay retryable. */
export function toFailure(err: unknown, opts: { durableWaitThresholdSeconds?: number } = {}): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ReportRowError || err instanceof ReportFormatError || err instanceof LoadRejectedError) {
    return ApplicationFailure.create({
      message: `invalid report: ${err.message}`,
      type: INVALID_REPORT,
      nonRetryable: true,
    });
  }
  if (!(err instanceof PinterestError)) return err;
  const a = err.action;
  switch (a.kind) {
    case 'retry':
      return ApplicationFailure.create({ message: err.message, type: 'PinterestTransient' });
    case 'retry_after':
      return ApplicationFailure.create({
        message: err.message,
        type: 'PinterestRetryAfter',
        nextRetryDelay: `${a.seconds}s`,
      });
    case 'rate_limit_reset':
      if (a.seconds <= (opts.durableWaitThresholdSeconds ?? 60)) {
        return ApplicationFailure.create({
          message: err.message,
          type: 'PinterestRateLimited',
          nextRetryDelay: `${a.seconds}s`,
        });
      }
      return ApplicationFailure.create({
        message: err.message,
        type: RATE_LIMITED_UNTIL,
        nonRetryable: true,
        details: [{ seconds: a.seconds }],
      });
    case 'reauth':
      return ApplicationFailure.create({ message: err.message, type: REAUTH_REQUIRED, nonRetryable: true });
    case 'link_expired':
    case 'refresh':
      // Handled where they occur (re-poll, refresh once); reaching here means that did not help.
      return ApplicationFailure.create({ message: err.message, type: 'PinterestTransient' });
    default:
      return ApplicationFailure.create({ message: err.message, type: 'PinterestFatal', nonRetryable: true });
  }
}

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
      await sleep(seconds * 1000);
    }
  }
}

/** Wraps an activity body so every thrown error is classified once. */
export function classified<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  opts: { durableWaitThresholdSeconds?: number } = {},
) {
  return async (...args: A): Promise<R> => {
    try {
      return await waitingOutRateLimits(() => fn(...args), opts.durableWaitThresholdSeconds);
    } catch (err) {
      throw toFailure(err, opts);
    }
  };
}
