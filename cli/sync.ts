import type { Command } from 'commander';

export function registerSync(_program: Command): void {
  // TODO: implemented in its issue.
}
