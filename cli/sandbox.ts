// `pinads sandbox`: runs the Pinterest API v5 sandbox in the foreground and prints its connection info as ONE JSON
// line on stdout, so scripts can `read` it; then serves until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { startSandbox } from '../sandbox/server.ts';
import { action, UsageError } from './errors.ts';

function integer(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw);
}

interface SandboxFlags {
  port?: string;
  seed?: string;
  faults?: string;
  bigAccountAds?: string;
  agencyAccounts?: string;
  enforceRateLimits?: boolean;
}

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('Run the Pinterest API v5 sandbox and print its connection info as one JSON line')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--seed <n>', 'data seed; the same seed gives the same data', '1')
    .option('--faults <rate>', 'fraction (0..1) of API requests that fail with a random injected fault', '0')
    .option('--big-account-ads <n>', 'add a benchmark account with this many always-active ads', '0')
    .option('--agency-accounts <n>', 'add N small ad accounts (10–30 ads each) on the same login', '0')
    .option('--enforce-rate-limits', "apply Pinterest's per-login limits per category (sliding minute)")
    .action(
      action(async (flags: SandboxFlags) => {
        const port = integer('port', flags.port ?? '0', 0, 65_535);
        const seed = integer('seed', flags.seed ?? '1', 0, 2 ** 31 - 1);
        const bigAccountAds = integer('big-account-ads', flags.bigAccountAds ?? '0', 0, 1_000_000);
        const agencyAccounts = integer('agency-accounts', flags.agencyAccounts ?? '0', 0, 100_000);
        const rateText = flags.faults ?? '0';
        const rate = Number(rateText);
        if (!/^\d*\.?\d+$/.test(rateText) || !(rate >= 0 && rate <= 1)) {
          throw new UsageError(`--faults must be a number between 0 and 1, got "${rateText}"`);
        }
        const sandbox = await startSandbox({
          port,
          seed,
          bigAccountAds,
          agencyAccounts,
          enforceRateLimits: flags.enforceRateLimits === true,
          ...(rate > 0 ? { faults: { rate } } : {}),
        });
        process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sandbox.close();
      }),
    );
}
