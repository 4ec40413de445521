// `pinads sync ID [--wait] [--lookback]`: a sync now, outside the schedule.
import {
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
  WorkflowIdConflictPolicy,
} from '@temporalio/client';
import type { Command } from 'commander';
import { manualSyncWorkflowId } from '../temporal/schedules.ts';
import { getConnection } from '../warehouse/control.ts';
import type { SyncResult } from '../workflows/sync.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';

type Mode = 'hourly' | 'lookback';

/** The mode of the manual run going on now (read from its memo), or undefined when none is running. */
async function runningManual(client: Client, workflowId: string): Promise<Mode | undefined> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    if (d.status.name !== 'RUNNING') return undefined;
    return (d.memo?.mode as Mode | undefined) ?? 'hourly';
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
    throw err;
  }
}

export function registerSync(program: Command): void {
  program
    .command('sync <id>')
    .description(
      'run a sync of the connection now: the hourly window, and with --lookback the lookback window after it',
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
          const client = ctx.temporal!;
          const workflowId = manualSyncWorkflowId(id);
          const mode: Mode = o.lookback ? 'lookback' : 'hourly';
          // One manual run per connection (a fixed id); the workflow itself waits for a scheduled run going on.
          // Attaching to a running manual run is right unless we want a lookback and it is not doing one.
          const running = await runningManual(client, workflowId);
          if (running === 'hourly' && mode === 'lookback') {
            if (!o.wait)
              throw new Error(
                `a manual hourly sync of ${id} is running (${workflowId}); run again when it ends, or add --wait`,
              );
            process.stderr.write(`waiting for the manual hourly sync ${workflowId} to finish\n`);
            await client.workflow
              .getHandle(workflowId)
              .result()
              .catch(() => undefined);
          }
          let handle: WorkflowHandleWithFirstExecutionRunId;
          for (;;) {
            handle = await client.workflow.start('syncConnection', {
              taskQueue: ctx.env.PINADS_TASK_QUEUE,
              workflowId,
              workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
              memo: { mode },
              args: [id, { mode, manual: true }],
            });
            // Another `pinads sync` may have started an hourly run between our check and our start.
            if (mode === 'hourly' || (await runningManual(client, workflowId)) !== 'hourly' || !o.wait) break;
            await handle.result().catch(() => undefined);
          }
          if (!o.wait)
            return void process.stdout.write(
              `started ${handle.workflowId} (run ${handle.firstExecutionRunId})\n`,
            );
          const r = (await handle.result()) as SyncResult;
          if (mode === 'lookback' && r.kind !== 'lookback')
            throw new Error(`the sync of ${id} ran without a lookback (${r.kind}); run it again`);
          const windows = r.windows.map((w) => `${w.start}..${w.end}`).join(', ');
          const hourly =
            r.hourly && r.kind === 'lookback'
              ? `hourly ${r.hourly.start}..${r.hourly.end}: ${r.hourly.rowsLoaded} rows; `
              : '';
          process.stdout.write(
            `${r.kind} sync of ${id}: ${hourly}${r.rowsLoaded} daily rows loaded for ${windows} (${r.apiCalls} API calls)\n`,
          );
        });
      }),
    );
}
