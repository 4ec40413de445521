import type { Command } from 'commander';

export function registerWorker(_program: Command): void {
  // TODO: implemented in its issue.
}
