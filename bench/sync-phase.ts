// Phases (e) and (f) through the real orchestration: a Temporal dev server, a worker from worker.ts on a task queue
// of its own, and the syncConnection workflow.
//   (e) Pinterest requests of one steady-state hourly sync of a normal account, counted by the sandbox per route.
//   (f) Schedule fired → rows committed for the 10k-ad account: the schedule from temporal/schedules.ts is
//       triggered, and the time runs from the workflow's start to its sync_runs.finished_at (written right after
//       the load's commit). The sandbox simulates no report delay (FINISHED as soon as its file is rendered); its
//       own time to render and serve the file is measured apart and reported next to the figure.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities/index.ts';
import { loadConnection, withApi } from '../activities/tokens.ts';
import { CATALOG } from '../catalog/index.ts';
import { addDays, type DateWindow, localNow } from '../common/dates.ts';
import { reportingZone } from '../core/reporting-day.ts';
import { lookbackDays } from '../schemas/config.ts';
import { deleteSchedule, scheduleId, upsertSchedule } from '../temporal/schedules.ts';
import { createWorker } from '../worker.ts';
import type { SyncResult } from '../workflows/sync.ts';
import { type BenchSandbox, type BenchWarehouse, runActivity } from './stack.ts';

export interface Temporal {
  client: Client;
  native: NativeConnection;
  namespace: string;
}

/** Runs `fn` with a worker polling a fresh task queue, wired to `deps`; the worker is shut down afterwards. */
async function withWorker<T>(t: Temporal, deps: ActivityDeps, fn: (taskQueue: string) => Promise<T>) {
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: t.native,
    namespace: t.namespace,
    taskQueue,
    deps: { ...deps, temporal: t.client },
    client: t.client,
  });
  const running = worker.run();
  try {
    return await fn(taskQueue);
  } finally {
    worker.shutdown();
    await running;
  }
}

const hourlySync = (t: Temporal, taskQueue: string, connectionId: string) =>
  t.client.workflow.execute('syncConnection', {
    taskQueue,
    workflowId: `bench-sync-${connectionId}-${randomBytes(3).toString('hex')}`,
    args: [connectionId, { mode: 'hourly' }],
  }) as Promise<SyncResult>;

export interface ApiCallsResult {
  api_calls_per_hourly_sync: number;
  api_calls_by_route: Record<string, number>;
  /** What the connector itself counted and recorded in sync_runs / the workflow result. */
  api_calls_counted_by_connector: number;
}

/** (e): a first sync refreshes the new grant's token; the second one is what every later hour costs. */
export async function apiCallsPhase(
  t: Temporal,
  deps: ActivityDeps,
  sandbox: BenchSandbox,
  connectionId: string,
): Promise<ApiCallsResult> {
  return withWorker(t, deps, async (taskQueue) => {
    await hourlySync(t, taskQueue, connectionId);
    await sandbox.resetStats();
    const result = await hourlySync(t, taskQueue, connectionId);
    const stats = await sandbox.stats();
    return {
      api_calls_per_hourly_sync: stats.total,
      api_calls_by_route: stats.requests,
      api_calls_counted_by_connector: result.apiCalls,
    };
  });
}

export interface LatencyResult {
  latency_ms: number;
  /** From the schedule action's takenAt (fired) to the workflow's start. */
  latency_fired_to_start_ms: number;
  latency_rows: number;
  /** Activity name → summed schedule-to-close time (ms) inside the measured run. */
  latency_by_activity: Record<string, number>;
  /**
   * The sandbox's own time to produce that window's report file: from the report's creation until it reads
   * FINISHED (the sandbox renders the file meanwhile), plus downloading it, drained without parsing. Measured right
   * after on a fresh report of the same window, as warm as it was during the run. It is Pinterest's time in the
   * real world, so it is the stand-in's cost, not the connector's.
   */
  latency_sandbox_serve_ms: number;
  /** The same before the measured run, when the sandbox had not computed those days yet (not inside latency_ms). */
  latency_sandbox_cold_serve_ms: number;
  /** latency_ms minus latency_sandbox_serve_ms: what the connector itself adds from fired to committed. */
  latency_excluding_sandbox_ms: number;
}

/** Requests the window's report again, times it until FINISHED and then downloading and draining the file. */
async function sandboxServeMs(deps: ActivityDeps, connectionId: string, window: DateWindow): Promise<number> {
  const c = await loadConnection(deps, connectionId);
  const { token } = await runActivity(createActivities(deps).requestReport, connectionId, window);
  const t0 = performance.now();
  const { result } = await withApi(deps, c, async (api) => {
    for (;;) {
      const r = await api.getReport(c.ad_account_id, token);
      if (r.report_status === 'FINISHED' && r.url) {
        const body = await api.downloadReport(r.url);
        for await (const _ of body) {
          // Drain only.
        }
        return performance.now() - t0;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
  });
  return Math.round(result);
}

const tsMs = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  ts ? Number(ts.seconds ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6 : 0;

/** Per activity type, the time from scheduled to completed, summed, read from the workflow's history. */
async function activityTimes(t: Temporal, workflowId: string): Promise<Record<string, number>> {
  const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<number, { name: string; at: number }>();
  const out: Record<string, number> = {};
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(Number(e.eventId), { name: s.activityType?.name ?? '?', at: tsMs(e.eventTime) });
    const c = e.activityTaskCompletedEventAttributes;
    const from = c && scheduled.get(Number(c.scheduledEventId));
    if (from) out[from.name] = Math.round((out[from.name] ?? 0) + tsMs(e.eventTime) - from.at);
  }
  return out;
}

/**
 * The schedule starts syncConnection in 'auto' mode, whose first run after 06:00 (reporting zone) is the day's daily
 * pass. The planner reads what a pass did from the pull record (pinads.day_pulls): a day of a report pulled since
 * this morning's 06:00 is done for today. So every day of every catalog report's lookback is recorded as pulled now,
 * and the fired run is the hourly one being measured. (Before 06:00 no pass is due anyway.)
 */
async function markDailyPassDone(deps: ActivityDeps, bw: BenchWarehouse, connectionId: string) {
  const c = await loadConnection(deps, connectionId);
  const zone = await reportingZone(bw.wh.pool, c);
  const today = localNow(new Date(), zone).date;
  await bw.wh.pool.query(
    `INSERT INTO pinads.day_pulls (ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, rows, is_final)
     SELECT $1, r.id, d::date, $2, now(), now(), 0, false
     FROM unnest($3::text[]) AS r(id), generate_series($4::date, $5::date, interval '1 day') AS d
     ON CONFLICT (ad_account_id, report, date) DO UPDATE SET last_pulled_at = excluded.last_pulled_at`,
    [c.ad_account_id, zone, CATALOG.map((e) => e.id), addDays(today, -lookbackDays(c.settings)), today],
  );
}

/** (f): the connection already has a fresh token and its entities (the load phase did both). */
export async function latencyPhase(
  t: Temporal,
  deps: ActivityDeps,
  bw: BenchWarehouse,
  connectionId: string,
  today: string,
): Promise<LatencyResult> {
  await markDailyPassDone(deps, bw, connectionId);
  // The sandbox's first computation of recent days is much slower than later ones (it builds its ledger). Produce
  // the window once first, so the measured run meets a warm sandbox.
  const cold = await sandboxServeMs(deps, connectionId, { start: addDays(today, -1), end: today });
  return withWorker(t, deps, async (taskQueue) => {
    await upsertSchedule(t.client, connectionId, taskQueue);
    try {
      const schedule = t.client.schedule.getHandle(scheduleId(connectionId));
      await schedule.trigger();
      let fired: { workflowId: string; takenAt: Date } | undefined;
      while (!fired) {
        const a = (await schedule.describe()).info.recentActions.at(-1);
        if (a) fired = { workflowId: a.action.workflow.workflowId, takenAt: a.takenAt };
        else await new Promise((r) => setTimeout(r, 20));
      }
      const { workflowId } = fired;
      const handle = t.client.workflow.getHandle(workflowId);
      const result = (await handle.result()) as SyncResult;
      const { startTime } = await handle.describe();
      const { rows } = await bw.wh.pool.query<{ finished_at: Date }>(
        `SELECT max(finished_at) AS finished_at FROM pinads.sync_runs WHERE workflow_id = $1 AND status = 'succeeded'`,
        [workflowId],
      );
      const finished = rows[0]?.finished_at;
      if (!finished) throw new Error(`the scheduled run ${workflowId} recorded no succeeded window`);
      if (result.kind !== 'hourly') throw new Error(`the scheduled run was ${result.kind}, not hourly`);
      const latency = finished.getTime() - startTime.getTime();
      const { start, end } = result.windows[0]!;
      const serve = await sandboxServeMs(deps, connectionId, { start, end });
      return {
        latency_sandbox_serve_ms: serve,
        latency_sandbox_cold_serve_ms: cold,
        latency_excluding_sandbox_ms: latency - serve,
        latency_ms: latency,
        latency_fired_to_start_ms: startTime.getTime() - fired.takenAt.getTime(),
        latency_rows: result.rowsLoaded,
        latency_by_activity: await activityTimes(t, workflowId),
      };
    } finally {
      await deleteSchedule(t.client, connectionId);
    }
  });
}
