// `pinads backfill ID --from --to [--wait]`: a durable backfill workflow, with a progress bar when waiting.
import { type WorkflowHandle, WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { localNow } from '../activities/plan.ts';
import { backfillRangeProblem } from '../common/dates.ts';
import { backfillWorkflowId } from '../temporal/schedules.ts';
import { getConnection } from '../warehouse/control.ts';
import type { BackfillProgress } from '../workflows/backfill.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function progressLine(p: BackfillProgress, elapsedMs: number, tty: boolean): string {
  const frac = p.chunksTotal ? p.chunksDone / p.chunksTotal : 1;
  const eta =
    p.chunksDone > 0 && p.chunksDone < p.chunksTotal
      ? fmtDuration((elapsedMs / p.chunksDone) * (p.chunksTotal - p.chunksDone))
      : '—';
  const chunk = p.currentChunk ? ` now ${p.currentChunk.start}..${p.currentChunk.end}` : '';
  const text = `chunks ${p.chunksDone}/${p.chunksTotal}  rows ${p.rowsLoaded}  elapsed ${fmtDuration(elapsedMs)}  eta ${eta}${chunk}`;
  if (!tty) return text;
  const width = 24;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(frac * 100)}%  ${text}`;
}

/** Follows the progress query until the workflow ends; Ctrl-C detaches and leaves the backfill running. */
async function follow(handle: WorkflowHandle, started: number): Promise<BackfillProgress> {
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  let detached = false;
  const onSigint = () => {
    detached = true;
  };
  process.once('SIGINT', onSigint);
  const result = handle.result() as Promise<BackfillProgress>;
  let finished = false;
  result.then(
    () => (finished = true),
    () => (finished = true),
  );
  try {
    while (!finished && !detached) {
      try {
        const p = await handle.query<BackfillProgress>('progress');
        const line = progressLine(p, Date.now() - started, tty);
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (line.replace(/elapsed \S+ {2}eta \S+/, '') !== last.replace(/elapsed \S+ {2}eta \S+/, ''))
          process.stderr.write(`${line}\n`);
        last = line;
      } catch {
        // The query can fail briefly during continue-as-new or before the first task; the next tick retries.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    if (detached) {
      process.stderr.write(
        `\ndetached; the backfill keeps running. Reattach: pinads backfill ... --wait with the same range, or ` +
          `temporal workflow show --workflow-id ${handle.workflowId}; cancel: temporal workflow cancel --workflow-id ${handle.workflowId}\n`,
      );
      process.exit(0);
    }
    const p = await result;
    if (tty) process.stderr.write(`\r${progressLine(p, Date.now() - started, true)}\x1b[K\n`);
    return p;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function registerBackfill(program: Command): void {
  program
    .command('backfill <id>')
    .description('load a date range (up to 913 days back) durably, in chunks; re-running a range is safe')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (at most today)')
    .option('--wait', 'follow progress until done; exit 0 only on success (Ctrl-C detaches)')
    .action(
      action(async (id: string, o: { from: string; to: string; wait?: boolean }) => {
        const utcToday = localNow(new Date(), 'UTC').date;
        // Checked against UTC today first (no database needed for a malformed range), then per reporting zone.
        const early = backfillRangeProblem(o.from, o.to, localNow(new Date(), 'Pacific/Kiritimati').date);
        if (early) throw new UsageError(early.replace(/ \(today is [^)]+\)/, ` (today is ${utcToday} UTC)`));
        await withContext({ temporal: true }, async (ctx) => {
          const c = await getConnection(ctx.wh.pool, id);
          if (!c) throw new UsageError(`no connection with id ${id} (see \`pinads connections list\`)`);
          if (c.status === 'needs_reauth')
            throw new UsageError(
              `connection ${id} needs a new grant before a backfill: \`pinads connections regrant ${id} --refresh-token -\` or \`pinads connect --ad-account ${c.ad_account_id}\``,
            );
          if (c.status === 'paused')
            throw new UsageError(
              `connection ${id} is paused: resume it first with \`pinads connections resume ${id}\``,
            );
          const { rows } = await ctx.wh.pool.query(
            'SELECT time_zone FROM pinterest_ads.ad_accounts WHERE id = $1',
            [c.ad_account_id],
          );
          const zone =
            c.settings.reporting_time_zone === 'account' ? ((rows[0]?.time_zone as string) ?? 'UTC') : 'UTC';
          const problem = backfillRangeProblem(o.from, o.to, localNow(new Date(), zone).date);
          if (problem) throw new UsageError(problem);
          const handle = await ctx.temporal!.workflow.start('backfillConnection', {
            taskQueue: ctx.env.PINADS_TASK_QUEUE,
            workflowId: backfillWorkflowId(id, o.from, o.to),
            // Re-running a range that is still running attaches to it; a finished one runs again (idempotent).
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
            args: [id, o.from, o.to],
          });
          process.stderr.write(`backfill ${handle.workflowId} ${o.from}..${o.to}\n`);
          if (!o.wait) return void process.stdout.write(`${handle.workflowId}\n`);
          const p = await follow(handle, Date.now());
          process.stdout.write(
            `backfill done: ${p.chunksDone}/${p.chunksTotal} chunks, ${p.rowsLoaded} daily rows loaded\n`,
          );
        });
      }),
    );
}
