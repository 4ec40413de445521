// Phase (g), the second baseline: the same load path (the same activities, report, parser and COPY staging) into
// the per-hour layout from before migration 010, on a warehouse of its own migrated to just before it. The old
// layout writes 23–25 hourly rows per ad-day, so it is measured on a smaller sample: its rate is flat in the row
// count (bound by those writes), which makes the sample's rows/s and bytes per row stand for any size.
import { createActivities } from '../activities/index.ts';
import { OLD_LAYOUT_BEFORE } from '../test/helpers/old-layout.ts';
import { runChild, storageBytes, windowsFor } from './load-phase.ts';
import {
  activityDeps,
  type BenchSandbox,
  createBenchConnection,
  openBenchWarehouse,
  runActivity,
  type WarehouseKind,
} from './stack.ts';

export interface OldLayoutResult {
  rows: number;
  hourlyRows: number;
  seconds: number;
  rowsPerS: number;
  /** Daily table plus the hourly table, heap and indexes, at `rows`. */
  storageBytes: number;
  peakRssMb: number;
}

export async function oldLayoutPhase(
  kind: WarehouseKind,
  sandbox: BenchSandbox,
  opts: { rows: number; ads: number; key: string; today: string },
): Promise<OldLayoutResult> {
  const bw = await openBenchWarehouse(kind, { before: OLD_LAYOUT_BEFORE });
  try {
    const deps = activityDeps(bw.wh, opts.key, sandbox.info);
    const connectionId = await createBenchConnection(bw.wh, deps.box, sandbox.info, sandbox.benchAccountId!);
    await runActivity(createActivities(deps).syncEntities, connectionId);
    if (bw.wh.canCopy) await bw.wh.pool.query('CHECKPOINT');
    const windows = windowsFor(opts.rows, opts.ads, opts.today);
    const a = await runChild(
      { url: bw.url, info: sandbox.info, connectionId, windows, layout: 'old' },
      opts.key,
    );
    const storage = await storageBytes(bw, [
      'pinterest_ads.ad_daily_metrics',
      'pinterest_ads.ad_hourly_spend',
    ]);
    return {
      rows: a.dailyRows,
      hourlyRows: a.hourlyRows,
      seconds: a.loadSeconds,
      rowsPerS: a.dailyRows / a.loadSeconds,
      storageBytes: storage,
      peakRssMb: a.peakRssMb,
    };
  } finally {
    await bw.close();
  }
}
