// `pinads backfill ID --from --to [--wait]`: a durable backfill workflow, with a progress bar when waiting.
import type { WorkflowHandle } from '@temporalio/client';
import type { Command } from 'commander';
import { backfillDatesProblem } from '../core/reporting-day.ts';
import { startBackfill } from '../core/start.ts';
import type { BackfillProgress } from '../workflows/backfill.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';

function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function progressLine(p: BackfillProgress, elapsedMs: number, tty: boolean): string {
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
export async function followBackfill(handle: WorkflowHandle, started: number): Promise<BackfillProgress> {
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
        const early = backfillDatesProblem(o.from, o.to, new Date());
        if (early) throw new UsageError(early);
        await withContext({ temporal: true }, async (ctx) => {
          const { handle, from, to, clamped } = await startBackfill(ctx, id, o.from, o.to);
          if (clamped) process.stderr.write(`${clamped}\n`);
          process.stderr.write(`backfill ${handle.workflowId} ${from}..${to}\n`);
          if (!o.wait) return void process.stdout.write(`${handle.workflowId}\n`);
          const p = await followBackfill(handle, Date.now());
          process.stdout.write(
            `backfill done: ${p.chunksDone}/${p.chunksTotal} chunks, ${p.rowsLoaded} daily rows loaded\n`,
          );
        });
      }),
    );
}
