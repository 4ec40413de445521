import type { Command } from 'commander';

export function registerConnect(_program: Command): void {
  // TODO: implemented in its issue.
}
