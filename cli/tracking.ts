import type { Command } from 'commander';

export function registerTracking(_program: Command): void {
  // TODO: implemented in its issue.
}
