// Load throughput, measured on demand (PINADS_BENCH=1): it prints figures and checks only counts, never timings.
//   PINADS_BENCH=1 npx vitest run test/integration/warehouse-throughput.test.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DailyFactRow } from '../../schemas/report.ts';
import { startEmbeddedWarehouse } from '../../warehouse/embedded.ts';
import { loadReportWindow } from '../../warehouse/load.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/pool.ts';
import { factRow, loadInput, migratedWarehouse } from './warehouse-fixtures.ts';

const ENABLED = process.env.PINADS_BENCH === '1';

/** `ads` × `days` fact rows from 2026-01-01, generated lazily like a streamed report. */
async function* synthetic(ads: number, days: number, withSpend: boolean): AsyncGenerator<DailyFactRow> {
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
    for (let a = 0; a < ads; a++) {
      yield factRow({
        ad_id: String(1_000_000_000_000 + a),
        date,
        spend_micro: withSpend ? BigInt(1 + ((a * 7919 + d) % 50_000_000)) : 0n,
      });
    }
  }
}

/** withSpend=false isolates staging + daily insert (zero spend has no hourly rows); true adds the 24× split. */
async function measure(label: string, wh: Warehouse, ads: number, days: number, withSpend = true) {
  const window = { start: '2026-01-01', end: new Date(Date.UTC(2026, 0, days)).toISOString().slice(0, 10) };
  const t0 = performance.now();
  const res = await loadReportWindow(wh, {
    ...loadInput(`bench-${label}`, window, []),
    rows: synthetic(ads, days, withSpend),
  });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${label}: ${res.dailyRows} daily + ${res.hourlyRows} hourly rows in ${s.toFixed(2)} s → ` +
      `${Math.round(res.dailyRows / s)} daily rows/s (${Math.round((res.dailyRows + res.hourlyRows) / s)} rows/s written)`,
  );
  expect(res).toMatchObject({ dailyRows: ads * days, hourlyRows: withSpend ? ads * days * 24 : 0 });
}

describe.skipIf(!ENABLED)('warehouse load throughput', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('Postgres, COPY path and unnest path, 100k daily rows', { timeout: 600_000 }, async () => {
    const m = await migratedWarehouse();
    cleanups.push(m.close);
    await measure('postgres-copy daily-only', m.wh, 1000, 100, false);
    await measure('postgres-unnest daily-only', { ...m.wh, canCopy: false }, 1000, 100, false);
    await measure('postgres-copy with split', m.wh, 1000, 100);
  });

  it('PGlite over pglite-socket, insert path, 100k daily rows (20k with the split)', {
    timeout: 600_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pinads-bench-'));
    const embedded = await startEmbeddedWarehouse({ dataDir: dir });
    const wh = await openWarehouse(embedded.url);
    cleanups.push(async () => {
      await wh.close();
      await embedded.close();
      await rm(dir, { recursive: true, force: true });
    });
    await migrate(wh.pool);
    await measure('pglite daily-only', wh, 1000, 100, false);
    await measure('pglite with split', wh, 200, 100);
  });
});
