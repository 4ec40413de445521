// How a failure reads in the protocol: one line for people, and Airbyte's failure type (config errors are the user's
// to fix and are not retried; transient ones are retried by the platform; system errors are pinads' own).
import { ConfigError } from '../common/config-error.ts';
import { PinterestError } from '../pinterest/errors.ts';
import type { FailureType } from './protocol.ts';
import { TransientError } from './session.ts';

/** One line, no stack: what went wrong. */
export function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').trim();
}

export function failureType(err: unknown): FailureType {
  if (err instanceof ConfigError) return 'config_error';
  if (err instanceof TransientError) return 'transient_error';
  if (err instanceof PinterestError && err.retryable) return 'transient_error';
  return 'system_error';
}

/** Some streams failed; each failure was already reported as a TRACE error naming its stream. */
export class ReadIncomplete extends Error {
  override name = 'ReadIncomplete';
}
