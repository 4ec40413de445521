// Maps the Pinterest error table's actions (pinterest/errors.ts) onto Temporal's retry machinery.
import { ApplicationFailure } from '@temporalio/activity';
import {
  FATAL,
  INVALID_REPORT,
  RATE_LIMITED,
  RATE_LIMITED_UNTIL,
  REAUTH_REQUIRED,
  RETRY_AFTER,
  TRANSIENT,
  UNKNOWN_ACCOUNT_TIME_ZONE,
} from '../common/failure-types.ts';
import { UnknownAccountZoneError } from '../core/reporting-day.ts';
import { PinterestError } from '../pinterest/errors.ts';
import { ReportFormatError } from '../pinterest/report-parser.ts';
import { ReportRowError } from '../schemas/report.ts';
import { LoadRejectedError } from '../warehouse/load.ts';

/** Turns any error into the failure Temporal should see; errors we don't know stay retryable. */
export function toFailure(err: unknown, opts: { durableWaitThresholdSeconds?: number } = {}): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof UnknownAccountZoneError)
    return ApplicationFailure.create({
      message: err.message,
      type: UNKNOWN_ACCOUNT_TIME_ZONE,
      nonRetryable: true,
    });
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
      return ApplicationFailure.create({ message: err.message, type: TRANSIENT });
    case 'retry_after':
      return ApplicationFailure.create({
        message: err.message,
        type: RETRY_AFTER,
        nextRetryDelay: `${a.seconds}s`,
      });
    case 'rate_limit_reset':
      if (a.seconds <= (opts.durableWaitThresholdSeconds ?? 60)) {
        return ApplicationFailure.create({
          message: err.message,
          type: RATE_LIMITED,
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
      return ApplicationFailure.create({ message: err.message, type: TRANSIENT });
    default:
      return ApplicationFailure.create({ message: err.message, type: FATAL, nonRetryable: true });
  }
}

/** Wraps an activity body so every thrown error is classified once. */
export function classified<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  opts: { durableWaitThresholdSeconds?: number } = {},
) {
  return async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err, opts);
    }
  };
}
