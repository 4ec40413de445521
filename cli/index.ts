// The `pinads` command: builds the program (cli/program.ts) and maps commander's exits to the contract's codes.
import { CommanderError } from 'commander';
import { EXIT_USAGE } from './errors.ts';
import { buildProgram } from './program.ts';

try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  throw err;
}
