// Phases (a)–(d) on one warehouse: the real load path in a child process (rows/s and peak RSS), then the COPY
// baseline of the very rows it committed, and their ratio.
import { createActivities } from '../activities/index.ts';
import { addDays, chunkRange, MAX_REPORT_DAYS } from '../common/dates.ts';
import { measureBaseline } from './copy-baseline.ts';
import type { LoadPathInput, LoadPathResult } from './load-path.ts';
import {
  activityDeps,
  type BenchSandbox,
  type BenchWarehouse,
  createBenchConnection,
  runActivity,
  spawnTs,
} from './stack.ts';

export interface LoadPhaseResult {
  /** The bench account's connection, reused by phase (f). */
  connectionId: string;
  rows: number;
  hourly_rows: number;
  report_mb: number;
  windows: number;
  load_seconds: number;
  load_rows_per_s: number;
  /** The connector's CPU time per daily row in the load path, microseconds. */
  cpu_us_per_row: number;
  copy_method: 'copy' | 'unnest';
  copy_seconds: number;
  copy_daily_seconds: number;
  copy_rows_per_s: number;
  ratio: number;
  peak_rss_mb: number;
  sampled_peak_rss_mb: number;
  /** Table plus index bytes of the loaded facts, as the load path left them. */
  storage_bytes: number;
}

/** Report windows holding about `rows` ad-days for `ads` always-delivering ads, ending yesterday (full days). */
export function windowsFor(rows: number, ads: number, today: string) {
  const days = Math.max(1, Math.round(rows / ads));
  const end = addDays(today, -1);
  return chunkRange(addDays(end, -(days - 1)), end, MAX_REPORT_DAYS);
}

export async function runChild(input: LoadPathInput, key: string): Promise<LoadPathResult> {
  const child = spawnTs('./load-path.ts', [JSON.stringify(input)], { PINADS_BENCH_KEY: key });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load path child exited with code ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as LoadPathResult;
}

export async function loadPhase(
  bw: BenchWarehouse,
  sandbox: BenchSandbox,
  opts: { rows: number; ads: number; key: string; today: string },
): Promise<LoadPhaseResult> {
  const deps = activityDeps(bw.wh, opts.key, sandbox.info);
  const connectionId = await createBenchConnection(bw.wh, deps.box, sandbox.info, sandbox.benchAccountId!);
  // Entities first (the loader needs the account's currency); untimed, and outside the measured process.
  await runActivity(createActivities(deps).syncEntities, connectionId);
  if (bw.wh.canCopy) await bw.wh.pool.query('CHECKPOINT');
  const windows = windowsFor(opts.rows, opts.ads, opts.today);
  const a = await runChild({ url: bw.url, info: sandbox.info, connectionId, windows }, opts.key);
  const storage = await storageBytes(bw, ['pinterest_ads.ad_daily_metrics']);
  const b = await measureBaseline(bw.wh);
  if (b.dailyRows !== a.dailyRows || b.hourlyRows !== a.hourlyRows)
    throw new Error(
      `baseline saw ${b.dailyRows}/${b.hourlyRows} rows, the load wrote ${a.dailyRows}/${a.hourlyRows}`,
    );
  const load = a.dailyRows / a.loadSeconds;
  const copy = b.dailyRows / b.seconds;
  return {
    connectionId,
    rows: a.dailyRows,
    hourly_rows: a.hourlyRows,
    report_mb: Math.round(a.bytes / 1e5) / 10,
    windows: windows.length,
    load_seconds: round(a.loadSeconds, 2),
    load_rows_per_s: Math.round(load),
    cpu_us_per_row: round((a.loadCpuSeconds / a.dailyRows) * 1e6, 2),
    copy_method: b.method,
    copy_seconds: round(b.seconds, 2),
    copy_daily_seconds: round(b.dailySeconds, 2),
    copy_rows_per_s: Math.round(copy),
    ratio: round(load / copy, 3),
    peak_rss_mb: a.peakRssMb,
    sampled_peak_rss_mb: a.sampledPeakRssMb,
    storage_bytes: storage,
  };
}

/** Heap, TOAST and index bytes of the tables, after a checkpoint so the sizes are settled. */
export async function storageBytes(bw: BenchWarehouse, tables: string[]): Promise<number> {
  if (bw.wh.canCopy) await bw.wh.pool.query('CHECKPOINT');
  const { rows } = await bw.wh.pool.query<{ n: string }>(
    'SELECT sum(pg_total_relation_size(t::regclass)) AS n FROM unnest($1::text[]) AS t',
    [tables],
  );
  return Number(rows[0]!.n);
}

export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
