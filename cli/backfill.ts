import type { Command } from 'commander';

export function registerBackfill(_program: Command): void {
  // TODO: implemented in its issue.
}
