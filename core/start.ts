// Starting work on a connection, the same for every front door: a sync now (one manual run per connection, attached
// to when one is going on), and a backfill of a range (checked and clamped by the reporting-day rule).
import {
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
  WorkflowIdConflictPolicy,
} from '@temporalio/client';
import { backfillWorkflowId, manualSyncWorkflowId } from '../temporal/schedules.ts';
import type { SyncOptions, SyncResult } from '../workflows/sync.ts';
import { mustGetConnection } from './connections.ts';
import type { CoreDeps } from './deps.ts';
import { temporalOf } from './deps.ts';
import { UsageError } from './errors.ts';
import { backfillRange, reportingZone, UnknownAccountZoneError } from './reporting-day.ts';

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

export interface StartSyncOptions {
  /** Re-read the lookback window after the hourly one. */
  lookback?: boolean;
  /**
   * The caller will wait for the result: a manual hourly run going on is waited out before a lookback starts,
   * instead of refusing.
   */
  wait?: boolean;
  /** More workflow options (beyond mode and manual), passed as they are. */
  options?: Omit<SyncOptions, 'mode' | 'manual'>;
  /** Told when the sync waits for another run first. */
  note?: (line: string) => void;
}

/**
 * A sync of the connection now, outside the schedule. One manual run per connection (a fixed workflow id): a running
 * one is attached to, unless a lookback is wanted and it is not doing one. The workflow itself waits for a scheduled
 * run going on.
 */
export async function startSync(
  d: CoreDeps,
  id: string,
  o: StartSyncOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const c = await mustGetConnection(d, id);
  if (c.status === 'needs_reauth')
    throw new UsageError(`connection ${id} needs re-authorization: ${c.status_reason ?? ''}`);
  const client = temporalOf(d);
  const workflowId = manualSyncWorkflowId(id);
  const mode: Mode = o.lookback ? 'lookback' : 'hourly';
  const running = await runningManual(client, workflowId);
  if (running === 'hourly' && mode === 'lookback') {
    if (!o.wait)
      throw new Error(
        `a manual hourly sync of ${id} is running (${workflowId}); run again when it ends, or add --wait`,
      );
    o.note?.(`waiting for the manual hourly sync ${workflowId} to finish`);
    await client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined);
  }
  for (;;) {
    const handle = await client.workflow.start('syncConnection', {
      taskQueue: d.env.PINADS_TASK_QUEUE,
      workflowId,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      memo: { mode },
      args: [id, { ...o.options, mode, manual: true } satisfies SyncOptions],
    });
    // Another front door may have started an hourly run between our check and our start.
    if (mode === 'hourly' || !o.wait || (await runningManual(client, workflowId)) !== 'hourly') return handle;
    await handle.result().catch(() => undefined);
  }
}

/** The one-line summary of a finished sync, as `pinads sync --wait` prints it. */
export function syncSummary(id: string, r: SyncResult): string {
  const windows = r.windows.map((w) => `${w.start}..${w.end}`).join(', ');
  const hourly =
    r.hourly && r.kind === 'lookback'
      ? `hourly ${r.hourly.start}..${r.hourly.end}: ${r.hourly.rowsLoaded} rows; `
      : '';
  const extras = (r.reports ?? []).filter((x) => x.report !== 'ad_daily');
  const more = [
    ...extras.map((x) => `${x.report} ${x.rowsLoaded} rows`),
    ...(r.finalDaysSkipped ? [`${r.finalDaysSkipped} final days left alone`] : []),
  ];
  return `${r.kind} sync of ${id}: ${hourly}${r.rowsLoaded} daily rows loaded for ${windows} (${r.apiCalls} API calls)${more.length ? `; ${more.join(', ')}` : ''}`;
}

export interface StartedBackfill {
  handle: WorkflowHandle;
  /** The range the backfill loads: the one asked for, clamped to what Pinterest reports now. */
  from: string;
  to: string;
  /** Set when the range was clamped: why, in words. */
  clamped?: string;
}

/**
 * A durable backfill of [from, to]. The range is checked against today in the connection's reporting zone and
 * clamped to the dates Pinterest reports now (core/reporting-day.ts). Running the same range again attaches to it
 * while it runs, and loads it again (idempotently) once it has finished.
 */
export async function startBackfill(
  d: CoreDeps,
  id: string,
  from: string,
  to: string,
  now = new Date(),
): Promise<StartedBackfill> {
  const c = await mustGetConnection(d, id);
  if (c.status === 'needs_reauth')
    throw new UsageError(
      `connection ${id} needs a new grant before a backfill: \`pinads connections regrant ${id} --refresh-token -\` or \`pinads connect --ad-account ${c.ad_account_id}\``,
    );
  if (c.status === 'paused')
    throw new UsageError(
      `connection ${id} is paused: resume it first with \`pinads connections resume ${id}\``,
    );
  let zone: string;
  try {
    zone = await reportingZone(d.wh.pool, c);
  } catch (err) {
    if (err instanceof UnknownAccountZoneError) throw new UsageError(err.message);
    throw err;
  }
  const r = backfillRange(from, to, zone, now);
  if (r.problem !== undefined) throw new UsageError(r.problem);
  const { start, end } = r.range;
  const handle = await temporalOf(d).workflow.start('backfillConnection', {
    taskQueue: d.env.PINADS_TASK_QUEUE,
    workflowId: backfillWorkflowId(id, start, end),
    // Re-running a range that is still running attaches to it; a finished one runs again (idempotent).
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [id, start, end],
  });
  const clamped =
    start !== from || end !== to
      ? `${from}..${to} clamped to ${start}..${end}: Pinterest reports from 914 days before to the UTC today`
      : undefined;
  return { handle, from: start, to: end, clamped };
}
