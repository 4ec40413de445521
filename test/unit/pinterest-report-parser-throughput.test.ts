// Opt-in throughput measurement of the report parser (PINADS_BENCH=1): ~1,000,000 ad-level rows streamed in
// 64 KiB chunks. It prints rows/s and MB/s and checks the rows, never the time: timing varies with the machine.
//   PINADS_BENCH=1 npx vitest run test/unit/pinterest-report-parser-throughput.test.ts
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseReportStream } from '../../pinterest/report-parser.ts';

const ROWS = Number(process.env.PINADS_BENCH_ROWS ?? 1_000_000);
const DAYS = 30;
const CHUNK = 64 * 1024;

/** One ad's 30 days of rows with every report column; ids above 2^53 as JSON numbers, like Pinterest's. */
function entry(adId: string, first: boolean): Buffer {
  const rows: string[] = [];
  for (let d = 1; d <= DAYS; d++) {
    rows.push(
      `{"DATE":"2026-10-${String(d).padStart(2, '0')}","AD_ACCOUNT_ID":"549755885175","CAMPAIGN_ID":626735565838,` +
        `"AD_GROUP_ID":2680059592705,"PIN_PROMOTION_ID":${adId},"SPEND_IN_MICRO_DOLLAR":${d * 1234567},` +
        `"IMPRESSION_1":${d * 97},"CLICKTHROUGH_1":${d},"OUTBOUND_CLICK_1":${d % 7},"TOTAL_CHECKOUT":${d % 3},` +
        `"TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR":${d * 45_000_000},"TOTAL_CONVERSIONS":${d % 5}}`,
    );
  }
  return Buffer.from(`${first ? '' : ','}"${adId}":[${rows.join(',')}]`);
}

/** Streams the report without holding it: entries are generated as the parser pulls. */
function reportStream(rows: number): { stream: Readable; bytes: () => number } {
  let bytes = 0;
  async function* gen() {
    let pending: Buffer[] = [Buffer.from('{')];
    let size = 1;
    for (let ad = 0; ad * DAYS < rows; ad++) {
      const b = entry((9_007_199_254_740_993n + BigInt(ad)).toString(), ad === 0);
      pending.push(b);
      size += b.length;
      if (size >= CHUNK) {
        const out = Buffer.concat(pending);
        bytes += out.length;
        yield out;
        pending = [];
        size = 0;
      }
    }
    const out = Buffer.concat([...pending, Buffer.from('}')]);
    bytes += out.length;
    yield out;
  }
  return { stream: Readable.from(gen(), { objectMode: false }), bytes: () => bytes };
}

describe.skipIf(process.env.PINADS_BENCH !== '1')('report parser throughput', () => {
  it(`parses ${ROWS} rows`, async () => {
    const { stream, bytes } = reportStream(ROWS);
    const started = process.hrtime.bigint();
    let rows = 0;
    let clicks = 0;
    let lastId = '';
    for await (const r of parseReportStream(stream)) {
      rows++;
      clicks += (r.row.CLICKTHROUGH_1 as string).length;
      lastId = r.row.PIN_PROMOTION_ID as string;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const mb = bytes() / 1e6;
    console.log(
      `report parser: ${rows} rows, ${mb.toFixed(0)} MB in ${seconds.toFixed(2)} s = ` +
        `${Math.round(rows / seconds)} rows/s, ${(mb / seconds).toFixed(1)} MB/s (includes generating the input)`,
    );
    const ads = Math.ceil(ROWS / DAYS);
    expect(rows).toBe(ads * DAYS);
    expect(lastId).toBe((9_007_199_254_740_993n + BigInt(ads - 1)).toString());
    expect(clicks).toBeGreaterThan(rows);
  });
});
