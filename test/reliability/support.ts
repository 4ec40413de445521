// Shared pieces of the reliability suite: `pinads worker` child processes, the fault kinds, table checksums, and a
// backfill starter. Kept apart from the test files so each of those reads as the scenario it proves.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type pg from 'pg';
import type { FaultKind } from '../../sandbox/server.ts';
import type { BackfillProgress } from '../../workflows/backfill.ts';

export const BIN = fileURLToPath(new URL('../../bin/pinads.js', import.meta.url));

/** Longer modes (more kills, longer ranges) run only when asked: the default suite must stay fast. */
export const LONG = process.env.PINADS_LONG === '1';

export const ALL_FAULT_KINDS: FaultKind[] = [
  '429_code8',
  '429_code2726',
  '500',
  '400_code12',
  'report_failed',
  'report_expired',
  'slow',
];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `pinads worker` child process; stderr is kept so a failing test can show why the worker died. */
export class WorkerProcess {
  readonly child: ChildProcess;
  stderr = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [BIN, 'worker'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
  }
}

/**
 * md5 over every row of the fact tables, ordered by primary key: equal checksums mean byte-identical data. Also
 * counts rows, so a "nothing changed" assertion cannot pass on two empty tables without saying so.
 */
export async function factChecksum(pool: pg.Pool): Promise<{ daily: string; hourly: string; rows: number }> {
  const { rows } = await pool.query<{ daily: string; hourly: string; rows: string }>(`
    SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, date), ''))
              FROM pinterest_ads.ad_daily_metrics t) AS daily,
           (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ad_account_id, ad_id, hour), ''))
              FROM pinterest_ads.ad_hourly_spend t) AS hourly,
           (SELECT count(*) FROM pinterest_ads.ad_daily_metrics) AS rows`);
  const r = rows[0]!;
  return { daily: r.daily, hourly: r.hourly, rows: Number(r.rows) };
}

/** Starts a backfill with a unique id on `taskQueue`. */
export function startBackfill(
  client: Client,
  taskQueue: string,
  connectionId: string,
  from: string,
  to: string,
): Promise<WorkflowHandle> {
  return client.workflow.start('backfillConnection', {
    taskQueue,
    workflowId: `rel-backfill-${connectionId}-${Math.random().toString(36).slice(2, 8)}`,
    args: [connectionId, from, to],
  });
}

/** The progress query, or undefined while the workflow has not run its first task (or is continuing as new). */
export async function progressOf(handle: WorkflowHandle): Promise<BackfillProgress | undefined> {
  return handle.query<BackfillProgress>('progress').catch(() => undefined);
}

/** Whether the workflow has closed (completed, failed, …), without waiting for it. */
export async function isClosed(handle: WorkflowHandle): Promise<boolean> {
  const d = await handle.describe();
  return d.status.name !== 'RUNNING';
}
