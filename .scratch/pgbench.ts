import { loadReportWindow } from '../warehouse/load.ts';
import { measureBaseline } from '../bench/copy-baseline.ts';
import { factRow, loadInput, migratedWarehouse, rowsOf } from '../test/integration/warehouse-fixtures.ts';
import type { DailyFactRow } from '../schemas/report.ts';
const ADS = 3000, DAYS = 100;
const rows: DailyFactRow[] = [];
for (let d = 0; d < DAYS; d++) {
  const date = new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10);
  for (let a = 0; a < ADS; a++) rows.push(factRow({ ad_id: String(1_000_000_000_000 + a), date, campaign_id: '626735565838', ad_group_id: '2680059592705', spend_micro: BigInt(1 + ((a * 7919 + d) % 50_000_000)) }));
}
const m = await migratedWarehouse();
try {
  const window = { start: '2026-01-01', end: new Date(Date.UTC(2026, 0, DAYS)).toISOString().slice(0, 10) };
  for (let i = 0; i < 2; i++) {
    await m.wh.pool.query('CHECKPOINT');
    const t0 = performance.now();
    await loadReportWindow(m.wh, { ...loadInput('acct1', window, []), rows: rowsOf(rows) });
    const load = (performance.now() - t0) / 1000;
    const b = await measureBaseline(m.wh);
    console.log(`load ${Math.round(rows.length / load)} rows/s, copy ${Math.round(b.dailyRows / b.seconds)} rows/s, ratio ${(b.seconds / load).toFixed(2)}`);
  }
} finally { await m.close(); }
