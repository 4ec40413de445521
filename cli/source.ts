// `pinads source spec|check|discover|read` (also the executable `source-pinads`): an Airbyte source on stdout.
import type { Command } from 'commander';
import { runSource, type SourceCommand, type SourceFiles } from '../airbyte/commands.ts';
import { Emitter } from '../airbyte/protocol.ts';

/** stdout carries protocol messages only: anything a library prints goes to stderr, which Airbyte logs. */
function keepStdoutForMessages(): void {
  for (const k of ['log', 'info', 'debug', 'warn'] as const) console[k] = console.error;
}

async function run(command: SourceCommand, files: SourceFiles): Promise<void> {
  keepStdoutForMessages();
  const out = new Emitter((line) => process.stdout.write(line));
  let code: number;
  try {
    code = await runSource(command, files, out);
  } catch (err) {
    // runSource answers every failure itself; this is a bug, still said as a message and never as a stack.
    out.error('system_error', `source-pinads: ${(err as Error)?.message ?? err}`);
    code = 1;
  }
  // Idle keep-alive sockets must not hold the process open once the answer is out.
  process.stdout.write('', () => process.exit(code));
}

export function registerSource(program: Command): void {
  const source = program
    .command('source')
    .description(
      'an Airbyte source on stdout (spec, check, discover, read); also the executable source-pinads',
    );
  source
    .command('spec')
    .description('print the SPEC message: the config JSON Schema')
    .action(() => run('spec', {}));
  for (const [name, what] of [
    ['check', 'check the config and credentials: a CONNECTION_STATUS message'],
    ['discover', 'print the CATALOG message: the streams and their schemas'],
  ] as const) {
    source
      .command(name)
      .description(what)
      .requiredOption('--config <file>', 'the source config (JSON)')
      .action((o: SourceFiles) => run(name, o));
  }
  source
    .command('read')
    .description('read the configured catalog: RECORD, STATE, TRACE and CONTROL messages')
    .requiredOption('--config <file>', 'the source config (JSON)')
    .requiredOption('--catalog <file>', 'the configured catalog (JSON)')
    .option('--state <file>', 'the saved state (JSON list of per-stream STATE messages)')
    .action((o: SourceFiles) => run('read', o));
}
