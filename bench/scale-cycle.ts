// One measured cycle of `npm run bench:scale`: N syncConnection workflows fired on a schedule of offsets (all at
// once for a burst), run by K fresh worker processes, measured from outside: fired → committed per sync (the last
// sync_runs.finished_at of the connection) and fired → hourly window committed (its ad_daily hourly row), the
// sandbox's request and 429 counts, API calls per catalog report (sync_runs.api_calls), the workers' peak RSS and CPU
// seconds (/proc), Postgres connections in use (pg_stat_activity), and history events per workflow. The sandbox's
// clock and the workers' are set to the cycle's `clockAt` (running on at wall speed from there).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import type { ScaleWorkerOptions } from './scale-worker.ts';

export interface Fire {
  connectionId: string;
  /** ms after the cycle starts */
  atMs: number;
}

export interface CycleInput {
  name: string;
  client: Client;
  databaseUrl: string;
  sandboxUrl: string;
  fires: Fire[];
  workers: number;
  worker: Omit<ScaleWorkerOptions, 'taskQueue'>;
  /** The sandbox's and pacer's window (60,000 ms, or less when time is compressed). */
  windowMs: number;
  analyticsLimit: number;
  /** The instant the sandbox and the workers see when the cycle starts. */
  clockAt?: Date;
  /** syncConnection's arguments for a connection (default: [id], the schedule's auto run). */
  args?: (connectionId: string) => unknown[];
}

const WORKER = fileURLToPath(new URL('./scale-worker.ts', import.meta.url));
const TICK_S = 100; // Linux USER_HZ

interface Proc {
  child: ChildProcess;
  exited: Promise<unknown>;
}

async function spawnWorker(opts: ScaleWorkerOptions): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PINADS_LOG_LEVEL: 'warn' },
  });
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`scale worker exited with code ${code}`)));
  });
  return { child, exited };
}

/** Peak RSS (VmHWM, MB) and user+system CPU seconds of a live process. */
function usage(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMb: hwm / 1024, cpuS: (Number(fields[11]) + Number(fields[12])) / TICK_S };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function control(url: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface Stats {
  total: number;
  requests: Record<string, number>;
  responses_by_status: Record<string, number>;
  by_category: Record<string, { requests: number; rate_limited: number }>;
}

export async function runCycle(c: CycleInput) {
  await control(c.sandboxUrl, '/__sandbox/rate_limits', { enabled: true, window_ms: c.windowMs });
  await control(c.sandboxUrl, '/__sandbox/stats/reset', {});
  const taskQueue = `scale-${c.name}-${Date.now().toString(36)}`;
  const clockOffsetMs = c.clockAt ? c.clockAt.getTime() - Date.now() : 0;
  if (c.clockAt)
    await control(c.sandboxUrl, '/__sandbox/clock', { now: c.clockAt.toISOString(), running: true });
  const procs = await Promise.all(
    Array.from({ length: c.workers }, () => spawnWorker({ ...c.worker, taskQueue, clockOffsetMs })),
  );
  const sampler = new pg.Client({ connectionString: c.databaseUrl });
  await sampler.connect();
  let pgPeak = 0;
  const sample = setInterval(() => {
    sampler
      .query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      )
      .then((r) => (pgPeak = Math.max(pgPeak, r.rows[0]!.n)))
      .catch(() => {});
  }, 250);

  const t0 = Date.now();
  const cycleStart = new Date(t0 - 1000);
  const fired = new Map<string, number>();
  const handles: Promise<unknown>[] = [];
  // Starting 1,000 workflows takes a while itself; a handful in flight keeps "fired" close to the offset.
  const queue = [...c.fires].sort((a, b) => a.atMs - b.atMs);
  const starters = Array.from({ length: 16 }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const wait = t0 + f.atMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      fired.set(f.connectionId, Date.now());
      const h = await c.client.workflow.start('syncConnection', {
        taskQueue,
        workflowId: `pinads-sync-${f.connectionId}-${c.name}`,
        args: c.args ? c.args(f.connectionId) : [f.connectionId],
      });
      // Settled as it ends: a failed sync is counted, not an unhandled rejection while others still start.
      const result = h.result();
      result.catch(() => undefined);
      handles.push(result);
    }
  });
  await Promise.all(starters);
  const settled = await Promise.allSettled(handles);
  const failed = settled.filter((s) => s.status === 'rejected');
  const end = Date.now();
  clearInterval(sample);

  const worker = procs.map((p) => usage(p.child.pid!));
  const { rows } = await sampler.query<{ connection_id: string; committed: Date }>(
    `SELECT connection_id, max(finished_at) AS committed FROM pinads.sync_runs
      WHERE started_at >= $1 AND status = 'succeeded' GROUP BY connection_id`,
    [cycleStart],
  );
  // The hourly window of each sync (ad_daily, kind hourly or manual), and what each report's windows cost.
  const hourlyRows = await sampler.query<{ connection_id: string; committed: Date }>(
    `SELECT connection_id, max(finished_at) AS committed FROM pinads.sync_runs
      WHERE started_at >= $1 AND status = 'succeeded' AND report = 'ad_daily' AND kind IN ('hourly', 'manual')
      GROUP BY connection_id`,
    [cycleStart],
  );
  const byReport = await sampler.query<{
    report: string;
    windows: number;
    calls: number;
    failed: number;
    rows: string;
    last: Date | null;
  }>(
    `SELECT report, count(*)::int AS windows, sum(api_calls)::int AS calls,
            count(*) FILTER (WHERE status <> 'succeeded')::int AS failed, sum(rows_loaded)::text AS rows,
            max(finished_at) AS last
       FROM pinads.sync_runs WHERE started_at >= $1 AND window_start IS NOT NULL AND kind <> 'hourly'
       GROUP BY report ORDER BY report`,
    [cycleStart],
  );
  await sampler.end();
  const hourlyLatencies = hourlyRows.rows
    .map((r) => (r.committed.getTime() - fired.get(r.connection_id)!) / 1000)
    .sort((a, b) => a - b);
  const latencies = rows
    .map((r) => (r.committed.getTime() - fired.get(r.connection_id)!) / 1000)
    .sort((a, b) => a - b);
  const lastCommit = Math.max(...rows.map((r) => r.committed.getTime()));
  const stats = (await control(c.sandboxUrl, '/__sandbox/stats')) as Stats;
  const sampleIds = c.fires.slice(0, 25).map((f) => `pinads-sync-${f.connectionId}-${c.name}`);
  const lengths = await Promise.all(
    sampleIds.map(async (id) => (await c.client.workflow.getHandle(id).describe()).historyLength),
  );
  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));

  const n = c.fires.length;
  const analytics = stats.by_category.ads_analytics ?? { requests: 0, rate_limited: 0 };
  const rateLimited = stats.responses_by_status['429'] ?? 0;
  const apiCalls = stats.total;
  // The floor the limit itself sets: accepted ads_analytics calls ÷ the budget per window.
  const floorS = ((analytics.requests - analytics.rate_limited) / c.analyticsLimit) * (c.windowMs / 1000);
  const makespanS = (lastCommit - t0) / 1000;
  return {
    cycle: c.name,
    connections: n,
    workers: c.workers,
    window_s: c.windowMs / 1000,
    syncs_committed: rows.length,
    syncs_failed: failed.length,
    first_error: failed[0] ? String((failed[0] as PromiseRejectedResult).reason).slice(0, 300) : undefined,
    wall_s: (end - t0) / 1000,
    makespan_s: round(makespanS),
    floor_s: round(floorS),
    makespan_vs_floor: round(makespanS / floorS, 2),
    p50_fired_to_committed_s: round(quantile(latencies, 0.5)),
    p95_fired_to_committed_s: round(quantile(latencies, 0.95)),
    max_fired_to_committed_s: round(latencies.at(-1) ?? 0),
    hourly_windows_committed: hourlyLatencies.length,
    p50_fired_to_hourly_committed_s: round(quantile(hourlyLatencies, 0.5)),
    p95_fired_to_hourly_committed_s: round(quantile(hourlyLatencies, 0.95)),
    max_fired_to_hourly_committed_s: round(hourlyLatencies.at(-1) ?? 0),
    /** Windows beyond the hourly one (the daily pass, backfills), per report: count, API calls, failures, rows. */
    pass_by_report: Object.fromEntries(
      byReport.rows.map((r) => [
        r.report,
        {
          windows: r.windows,
          api_calls: r.calls,
          failed: r.failed,
          rows: Number(r.rows),
          last_committed_s: r.last ? round((r.last.getTime() - t0) / 1000) : null,
        },
      ]),
    ),
    /** metrics_ready_state calls: per UTC date for the whole fleet, not per account. */
    readiness_calls: stats.requests['GET /v5/resources/metrics_ready_state'] ?? 0,
    api_calls: apiCalls,
    api_calls_per_sync: round(apiCalls / n, 2),
    ads_analytics_per_sync: round(analytics.requests / n, 2),
    requests: stats.requests,
    by_category: stats.by_category,
    responses_by_status: stats.responses_by_status,
    rate_limited: rateLimited,
    rate_limited_share: round(rateLimited / Math.max(1, apiCalls), 4),
    worker_peak_rss_mb: round(Math.max(...worker.map((w) => w.rssMb))),
    worker_cpu_s: round(worker.reduce((s, w) => s + w.cpuS, 0)),
    pg_peak_connections: pgPeak,
    history_events_per_sync: round(lengths.reduce((s, l) => s + l, 0) / Math.max(1, lengths.length), 1),
  };
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

export type CycleResult = Awaited<ReturnType<typeof runCycle>>;
