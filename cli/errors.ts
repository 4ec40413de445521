// Exit codes of the contract: 0 ok, 1 failure, 2 usage or validation error. Errors are one line on stderr.
import { ConfigError } from '../common/config-error.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? EXIT_USAGE : EXIT_FAILURE;
}

const WRAPPERS = new Set(['WorkflowFailedError', 'ActivityFailure', 'ChildWorkflowFailure']);

/** One line, no stack: what went wrong and, where we know it, what to do. */
export function oneLine(err: unknown): string {
  // Temporal wraps the real reason: WorkflowFailedError → ActivityFailure → ApplicationFailure. Say the reason.
  let e = err;
  while (e instanceof Error && WRAPPERS.has(e.name) && e.cause instanceof Error) e = e.cause;
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
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
