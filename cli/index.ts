// The `pinads` command. Each command group lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerBackfill } from './backfill.ts';
import { registerConnect } from './connect.ts';
import { registerConnections } from './connections.ts';
import { registerDev } from './dev.ts';
import { EXIT_USAGE } from './errors.ts';
import { registerMigrate } from './migrate.ts';
import { registerReport } from './report.ts';
import { registerSandbox } from './sandbox.ts';
import { registerSync } from './sync.ts';
import { registerTracking } from './tracking.ts';
import { registerUi } from './ui.ts';
import { registerWorker } from './worker.ts';

export function buildProgram(): Command {
  const program = new Command('pinads')
    .description('Pinterest Ads → Postgres, hourly, on Temporal')
    .exitOverride()
    // One line on stderr, like every other pinads error (commander would add a prefix and a help hint).
    .configureOutput({
      outputError: (text, write) =>
        write(`pinads: ${text.replace(/^error: /, '').split('\n')[0]} (see --help)\n`),
    });
  for (const register of [
    registerDev,
    registerWorker,
    registerMigrate,
    registerSandbox,
    registerConnect,
    registerConnections,
    registerSync,
    registerBackfill,
    registerReport,
    registerTracking,
    registerUi,
  ]) {
    register(program);
  }
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
