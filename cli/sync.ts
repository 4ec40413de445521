// `pinads sync ID [--wait] [--lookback]`: a sync now, outside the schedule.
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { manualSyncWorkflowId } from '../temporal/schedules.ts';
import { getConnection } from '../warehouse/control.ts';
import type { SyncResult } from '../workflows/sync.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';

export function registerSync(program: Command): void {
  program
    .command('sync <id>')
    .description(
      'run a sync of the connection now: the hourly window, or with --lookback the lookback window',
    )
    .option('--wait', 'wait for the result; exit 0 only when the sync succeeded')
    .option('--lookback', 're-read the lookback window (late conversions) now')
    .action(
      action(async (id: string, o: { wait?: boolean; lookback?: boolean }) => {
        await withContext({ temporal: true }, async (ctx) => {
          const c = await getConnection(ctx.wh.pool, id);
          if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
          if (c.status === 'needs_reauth')
            throw new UsageError(`connection ${id} needs re-authorization: ${c.status_reason ?? ''}`);
          // A fixed id with USE_EXISTING: a second `pinads sync` while one runs attaches to it instead of racing it.
          const handle = await ctx.temporal!.workflow.start('syncConnection', {
            taskQueue: ctx.env.PINADS_TASK_QUEUE,
            workflowId: manualSyncWorkflowId(id),
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
            args: [id, { mode: o.lookback ? 'lookback' : 'hourly', manual: true }],
          });
          if (!o.wait)
            return void process.stdout.write(
              `started ${handle.workflowId} (run ${handle.firstExecutionRunId})\n`,
            );
          const r = (await handle.result()) as SyncResult;
          const windows = r.windows.map((w) => `${w.start}..${w.end}`).join(', ');
          process.stdout.write(
            `${r.kind} sync of ${id}: ${r.rowsLoaded} daily rows loaded for ${windows} (${r.apiCalls} API calls)\n`,
          );
        });
      }),
    );
}
