// The `pinads` command. Each command group lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './errors.ts';

type Register = (program: Command) => void;

// Loaded on demand: `pinads sync` then never pays for the Temporal worker's native module, nor `pinads report` for
// the Temporal client. Help (no command, or an unknown one) loads them all.
const COMMANDS: Record<string, () => Promise<Register>> = {
  dev: async () => (await import('./dev.ts')).registerDev,
  worker: async () => (await import('./worker.ts')).registerWorker,
  migrate: async () => (await import('./migrate.ts')).registerMigrate,
  sandbox: async () => (await import('./sandbox.ts')).registerSandbox,
  connect: async () => (await import('./connect.ts')).registerConnect,
  connections: async () => (await import('./connections.ts')).registerConnections,
  keys: async () => (await import('./keys.ts')).registerKeys,
  sync: async () => (await import('./sync.ts')).registerSync,
  backfill: async () => (await import('./backfill.ts')).registerBackfill,
  report: async () => (await import('./report.ts')).registerReport,
  tracking: async () => (await import('./tracking.ts')).registerTracking,
  ui: async () => (await import('./ui.ts')).registerUi,
};

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('pinads')
    .description('Pinterest Ads → Postgres, hourly, on Temporal')
    .exitOverride()
    // One line on stderr, like every other pinads error (commander would add a prefix and a help hint).
    .configureOutput({
      outputError: (text, write) =>
        write(`pinads: ${text.replace(/^error: /, '').split('\n')[0]} (see --help)\n`),
    });
  const name = argv[2];
  const wanted = name !== undefined && name in COMMANDS ? [name] : Object.keys(COMMANDS);
  for (const register of await Promise.all(wanted.map((n) => COMMANDS[n]!()))) register(program);
  return program;
}

try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
