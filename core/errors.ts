// The errors every front door shows as they are: a UsageError is a request a person can fix (bad input, a state
// that forbids it), said in one line; the CLI exits 2 with it, the dashboard flashes it, the Airbyte source reports
// it as a config error.

export class UsageError extends Error {
  override name = 'UsageError';
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
