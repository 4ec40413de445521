// `pinads sync ID [--wait] [--lookback]`: a sync now, outside the schedule (core/start.ts).
import type { Command } from 'commander';
import { startSync, syncSummary } from '../core/start.ts';
import type { SyncResult } from '../workflows/sync.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';

export function registerSync(program: Command): void {
  program
    .command('sync <id>')
    .description(
      'run a sync of the connection now: the hourly window, and with --lookback the lookback window after it',
    )
    .option('--wait', 'wait for the result; exit 0 only when the sync succeeded')
    .option('--lookback', 're-read the lookback window (late conversions) now')
    .option(
      '--all-days',
      'with --lookback: every day of the lookback, also those final and pulled after finality (left alone otherwise)',
    )
    .action(
      action(async (id: string, o: { wait?: boolean; lookback?: boolean; allDays?: boolean }) => {
        if (o.allDays && !o.lookback)
          throw new UsageError('--all-days re-reads the lookback: add --lookback');
        await withContext({ temporal: true }, async (ctx) => {
          const handle = await startSync(ctx, id, {
            lookback: o.lookback,
            wait: o.wait,
            ...(o.allDays ? { options: { allDays: true } } : {}),
            note: (line) => process.stderr.write(`${line}\n`),
          });
          if (!o.wait)
            return void process.stdout.write(
              `started ${handle.workflowId} (run ${handle.firstExecutionRunId})\n`,
            );
          const r = (await handle.result()) as SyncResult;
          if (o.lookback && r.kind !== 'lookback')
            throw new Error(`the sync of ${id} ran without a lookback (${r.kind}); run it again`);
          process.stdout.write(`${syncSummary(id, r)}\n`);
        });
      }),
    );
}
