import type { Command } from 'commander';

export function registerSandbox(_program: Command): void {
  // TODO: implemented in its issue.
}
