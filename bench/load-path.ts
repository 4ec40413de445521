// Phase (a) and (d), in a child process of its own so that its peak RSS is the connector's alone (not the bench
// driver's, not PGlite's): the real requestReport + loadReport activities (create → poll → download → parse →
// validate → normalize → replace-window load with the hourly split) for each window, timed, with RSS sampled.
// Input: argv[2] = JSON LoadPathInput, the secret key in PINADS_BENCH_KEY. Output: one JSON line (LoadPathResult).
import { createActivities } from '../activities/index.ts';
import { loadConnection, withApi } from '../activities/tokens.ts';
import type { DateWindow } from '../common/dates.ts';
import type { SandboxInfo } from '../sandbox/server.ts';
import { loadReportWindowOldLayout } from '../test/helpers/old-layout.ts';
import { openWarehouse } from '../warehouse/pool.ts';
import { activityDeps, runActivity } from './stack.ts';

/**
 * Waits, untimed, until Pinterest (the sandbox) has the report ready: generating it is Pinterest's time, not the
 * connector's. loadReport's own first poll then finds it FINISHED, as it does for a sync whose report was quick.
 */
async function awaitGenerated(deps: ReturnType<typeof activityDeps>, connectionId: string, token: string) {
  const c = await loadConnection(deps, connectionId);
  for (;;) {
    const { result } = await withApi(deps, c, (api) => api.getReport(c.ad_account_id, token));
    if (result.report_status !== 'IN_PROGRESS') return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface LoadPathInput {
  url: string;
  info: SandboxInfo;
  connectionId: string;
  windows: DateWindow[];
  /** 'old': the per-hour table layout from before migration 010, on a warehouse migrated to just before it. */
  layout?: 'new' | 'old';
}

export interface LoadPathResult {
  dailyRows: number;
  hourlyRows: number;
  bytes: number;
  /**
   * Wall time of the loadReport calls, once the report is generated: the connector's first-poll wait, one poll
   * (FINISHED), download, parse, normalize, load, commit.
   */
  loadSeconds: number;
  /**
   * CPU time (user + system) this process spent in those loadReport calls: the connector's own work per row, steadier
   * than wall time on a shared machine (Postgres's side of the load is not in it).
   */
  loadCpuSeconds: number;
  /** Wall time of the requestReport calls and of the report's generation at the sandbox; not part of the load. */
  requestSeconds: number;
  /** The kernel's high-water mark for this process (getrusage maxrss), startup included. */
  peakRssMb: number;
  /** The highest 50 ms sample of process.memoryUsage().rss during the loads. */
  sampledPeakRssMb: number;
  rssBeforeMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main(): Promise<LoadPathResult> {
  const input = JSON.parse(process.argv[2]!) as LoadPathInput;
  const key = process.env.PINADS_BENCH_KEY;
  if (!key) throw new Error('PINADS_BENCH_KEY is not set');
  const wh = await openWarehouse(input.url, { max: 2 });
  const deps = activityDeps(wh, key, input.info);
  if (input.layout === 'old') deps.loadWindow = loadReportWindowOldLayout;
  const acts = createActivities(deps);
  const rssBefore = process.memoryUsage().rss;
  let sampled = rssBefore;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 50);
  const r = { dailyRows: 0, hourlyRows: 0, bytes: 0, loadSeconds: 0, loadCpuSeconds: 0, requestSeconds: 0 };
  try {
    for (const window of input.windows) {
      const t0 = performance.now();
      const { token } = await runActivity(acts.requestReport, input.connectionId, window);
      await awaitGenerated(deps, input.connectionId, token);
      const t1 = performance.now();
      const cpu0 = process.cpuUsage();
      const loaded = await runActivity(acts.loadReport, input.connectionId, token, window);
      const t2 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      r.loadCpuSeconds += (cpu.user + cpu.system) / 1e6;
      r.requestSeconds += (t1 - t0) / 1000;
      r.loadSeconds += (t2 - t1) / 1000;
      r.dailyRows += loaded.rowsLoaded;
      r.hourlyRows += loaded.hourlyRows;
      r.bytes += loaded.bytes;
    }
  } finally {
    clearInterval(sampler);
  }
  // Read before closing the pool, so nothing after the loads can raise the high-water mark.
  const peak = process.resourceUsage().maxRSS * 1024;
  await wh.close();
  return {
    ...r,
    peakRssMb: mb(peak),
    sampledPeakRssMb: mb(sampled),
    rssBeforeMb: mb(rssBefore),
  };
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`load path failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
