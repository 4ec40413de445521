import type { Command } from 'commander';

export function registerReport(_program: Command): void {
  // TODO: implemented in its issue.
}
