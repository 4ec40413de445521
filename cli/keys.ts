// `pinads keys rotate`: re-seals every stored secret under PINADS_SECRET_KEY. Old keys are read from
// PINADS_PREVIOUS_SECRET_KEYS; once this succeeded they can be dropped from it.
import type { Command } from 'commander';
import { resealSecrets } from '../warehouse/grants.ts';
import { withContext } from './context.ts';
import { action } from './errors.ts';

export function registerKeys(program: Command): void {
  const cmd = program.command('keys').description('manage the key that encrypts stored tokens');
  cmd
    .command('rotate')
    .description(
      're-encrypt every stored token under PINADS_SECRET_KEY (old keys from PINADS_PREVIOUS_SECRET_KEYS); all or nothing',
    )
    .option('--all', 're-encrypt also what is already under the current key (fresh IVs)')
    .action(
      action(async (o: { all?: boolean }) => {
        await withContext({ secrets: true }, async (ctx) => {
          const n = await resealSecrets(ctx.wh.pool, ctx.box!, { all: o.all });
          const { rows } = await ctx.wh.pool.query('SELECT count(*)::int AS n FROM pinads.credentials');
          process.stdout.write(
            `re-encrypted ${n} of ${rows[0].n} credentials under key ${ctx.box!.keyId}, now the current key: a process still on another key can no longer write a token (it is refused, and told to restart with this one), so once every worker, CLI and dashboard runs with this PINADS_SECRET_KEY, PINADS_PREVIOUS_SECRET_KEYS may be emptied\n`,
          );
        });
      }),
    );
}
