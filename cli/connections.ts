import type { Command } from 'commander';

export function registerConnections(_program: Command): void {
  // TODO: implemented in its issue.
}
