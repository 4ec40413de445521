// Exit codes of the contract: 0 ok, 1 failure, 2 usage or validation error. Errors are one line on stderr.
import { ConfigError } from '../common/config-error.ts';
import { oneLine, UsageError } from '../core/errors.ts';

export { oneLine, UsageError };

const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function exitCodeFor(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
}

/** Wraps a commander action so thrown errors become the contract's exit codes. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`pinads: ${oneLine(err)}\n`);
      process.exit(exitCodeFor(err));
    }
  };
}
