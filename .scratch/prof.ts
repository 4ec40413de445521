import { Readable } from 'node:stream';
import { parseReportStream } from '../pinterest/report-parser.ts';
import { normalizeReportRow } from '../schemas/report.ts';
import { STAGE_COLUMNS } from '../warehouse/stage.ts';
const DAYS = 30, ROWS = 300_000;
const parts: Buffer[] = [Buffer.from('{')];
for (let ad = 0; ad * DAYS < ROWS; ad++) {
  const adId = (9_007_199_254_740_993n + BigInt(ad)).toString();
  const rows: string[] = [];
  for (let d = 1; d <= DAYS; d++) rows.push(`{"DATE":"2026-10-${String(d).padStart(2, '0')}","AD_ACCOUNT_ID":"549755885175","CAMPAIGN_ID":626735565838,"AD_GROUP_ID":2680059592705,"PIN_PROMOTION_ID":${adId},"SPEND_IN_MICRO_DOLLAR":${d * 1234567},"IMPRESSION_1":${d * 97},"CLICKTHROUGH_1":${d},"OUTBOUND_CLICK_1":${d % 7},"TOTAL_CHECKOUT":${d % 3},"TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR":${d * 45_000_000},"TOTAL_CONVERSIONS":${d % 5},"IMPRESSION_2":3,"CLICKTHROUGH_2":1,"TOTAL_CONVERSIONS_QUANTITY":2,"TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR":5000000}`);
  parts.push(Buffer.from(`${ad ? ',' : ''}"${adId}":[${rows.join(',')}]`));
}
parts.push(Buffer.from('}'));
const all = Buffer.concat(parts);
const chunks: Buffer[] = []; for (let i = 0; i < all.length; i += 65536) chunks.push(all.subarray(i, i + 65536));
const window = { start: '2026-10-01', end: '2026-10-31' };
function copyCell(v: unknown) { const s = v === null || v === undefined ? null : typeof v === 'string' ? v : String(v); return s === null ? '\\N' : s.replace(/[\\\t\n\r]/g, 'x'); }
for (const mode of (process.env.MODES ?? 'parse,normalize,copyline,parse,normalize,copyline').split(',')) {
  const t = performance.now(); let n = 0; let len = 0;
  for await (const { entityKey, index, row } of parseReportStream(Readable.from(chunks))) {
    n++;
    if (mode === 'parse') continue;
    const r = normalizeReportRow(row, { entityKey, index, window });
    if (mode === 'copyline') len += (STAGE_COLUMNS.map(([name]) => copyCell(r[name])).join('\t') + '\n').length;
  }
  const s = (performance.now() - t) / 1000;
  console.log(mode, n, `${Math.round(n / s)} rows/s`, `${(all.length / 1e6 / s).toFixed(0)} MB/s`);
}
