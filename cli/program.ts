// The `pinads` program. Each command group lives in its own file and registers itself here; cli/index.ts runs it.
import { Command, Help } from 'commander';
import { SUMMARIES } from './summaries.ts';

type Register = (program: Command) => void;

// Loaded on demand: `pinads sync` then never pays for the Temporal worker's native module, nor `pinads report` for
// the Temporal client. The top-level help (no command, or an unknown one) loads none: it lists SUMMARIES.
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
  source: async () => (await import('./source.ts')).registerSource,
  tracking: async () => (await import('./tracking.ts')).registerTracking,
  ui: async () => (await import('./ui.ts')).registerUi,
  alerts: async () => (await import('./alerts.ts')).registerAlerts,
};

/** The command named on the command line (`pinads X …` or `pinads help X`), if it is one of ours. */
function namedCommand(argv: string[]): string | undefined {
  const name = argv[2] === 'help' ? argv[3] : argv[2];
  return name !== undefined && name in COMMANDS ? name : undefined;
}

/**
 * The program with the named command registered for real, or, for the top-level help, every command as a stub that
 * only carries its summary. `full` registers every command for real (the summaries test compares the two).
 */
export async function buildProgram(argv: string[] = process.argv, full = false): Promise<Command> {
  const program = new Command('pinads')
    .description('Pinterest Ads → Postgres, hourly, on Temporal')
    .exitOverride()
    // One line on stderr, like every other pinads error (commander would add a prefix and a help hint).
    .configureOutput({
      outputError: (text, write) =>
        write(`pinads: ${text.replace(/^error: /, '').split('\n')[0]} (see --help)\n`),
    });
  const name = namedCommand(argv);
  if (name === undefined && !full) {
    for (const [n, s] of Object.entries(SUMMARIES)) program.command(n).description(s.description);
    const help = new Help();
    program.configureHelp({
      subcommandTerm: (cmd) => SUMMARIES[cmd.name()]?.term ?? help.subcommandTerm(cmd),
    });
    return program;
  }
  const wanted = name === undefined ? Object.keys(COMMANDS) : [name];
  for (const register of await Promise.all(wanted.map((n) => COMMANDS[n]!()))) register(program);
  return program;
}
