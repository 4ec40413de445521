// The hourly spend split (docs/warehouse.md, Hourly spend) through the real loader SQL, against an independent model in TypeScript.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportWindow } from '../../warehouse/load.ts';
import {
  factRow,
  hourlySpend,
  loadInput,
  type MigratedWarehouse,
  migratedWarehouse,
} from './warehouse-fixtures.ts';

const HOUR = 3_600_000;

/** The zone's UTC offset in ms at instant t, read from Intl (independent of Postgres' tz code). */
function offsetAt(t: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - t;
}

/** The instant of local midnight starting `date` in `tz` (none of the zones used here shifts at midnight). */
function localMidnight(date: string, tz: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  return t;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
}

/** The contract's split, modelled directly: the hours of the day (or those elapsed, on the open day). */
function expectedSplit(
  spend: bigint,
  date: string,
  tz: string,
  now: number,
): { hour: string; spend_micro: string }[] {
  const start = localMidnight(date, tz);
  const full = (localMidnight(nextDate(date), tz) - start) / HOUR;
  const n = now >= start + full * HOUR ? full : Math.floor((now - start) / HOUR) + 1;
  const N = BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    hour: new Date(start + i * HOUR).toISOString().replace('.000Z', 'Z'),
    spend_micro: String(spend / N + (BigInt(i) < spend % N ? 1n : 0n)),
  }));
}

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kathmandu',
  'Australia/Sydney',
];
const DST_DAYS = [
  '2026-03-29',
  '2026-10-25',
  '2026-03-08',
  '2026-11-01',
  '2025-03-30',
  '2025-10-26',
  '2024-03-10',
  '2024-11-03',
  '2026-04-05',
  '2026-10-04',
];
const FAR_FUTURE = Date.parse('2030-01-01T00:00:00Z');

const dateArb = fc.oneof(
  fc.constantFrom(...DST_DAYS),
  fc
    .integer({ min: Date.parse('2024-01-01'), max: Date.parse('2027-12-31') })
    .map((t) => new Date(t).toISOString().slice(0, 10)),
);
const spendArb = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 13n }), fc.bigInt({ min: 0n, max: 100n }));

describe('hourly spend split', () => {
  let m: MigratedWarehouse;
  let account = 0;
  beforeAll(async () => {
    m = await migratedWarehouse();
  });
  afterAll(async () => {
    await m?.close();
  });

  /** Loads the ad-days for a fresh account and returns its hourly rows grouped by ad. */
  async function split(rows: { spend: bigint; date: string }[], tz: string, now: number) {
    const id = `split-${++account}`;
    const facts = rows.map((r, i) => factRow({ ad_id: String(i), date: r.date, spend_micro: r.spend }));
    const dates = rows.map((r) => r.date).sort();
    const window = { start: dates[0]!, end: dates[dates.length - 1]! };
    const res = await loadReportWindow(
      m.wh,
      loadInput(id, window, facts, { timeZone: tz, now: new Date(now) }),
    );
    const hourly = await hourlySpend(m.wh, id);
    return { res, byAd: (ad: number) => hourly.filter((h) => h.ad_id === String(ad)) };
  }

  it('gives 23 and 25 hours on DST days in local zones and always 24 in UTC', async () => {
    const cases: [string, string, number][] = [
      ['Europe/Berlin', '2026-03-29', 23],
      ['Europe/Berlin', '2026-10-25', 25],
      ['America/Los_Angeles', '2026-03-08', 23],
      ['America/Los_Angeles', '2026-11-01', 25],
      ['UTC', '2026-03-29', 24],
      ['UTC', '2026-10-25', 24],
      ['Europe/Berlin', '2026-06-15', 24],
    ];
    for (const [tz, date, hours] of cases) {
      const { byAd } = await split([{ spend: 1_000_000n, date }], tz, FAR_FUTURE);
      expect({ tz, date, n: byAd(0).length }).toEqual({ tz, date, n: hours });
    }
  });

  it('sums exactly, splits floor/mod and covers the closed day hour by hour (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(fc.record({ spend: spendArb, date: dateArb }), { minLength: 1, maxLength: 4 }),
        async (tz, rows) => {
          const { res, byAd } = await split(rows, tz, FAR_FUTURE);
          let total = 0;
          for (const [i, r] of rows.entries()) {
            const got = byAd(i);
            const expected = r.spend === 0n ? [] : expectedSplit(r.spend, r.date, tz, FAR_FUTURE);
            expect(got.map(({ hour, spend_micro }) => ({ hour, spend_micro }))).toEqual(expected);
            expect(got.reduce((s, h) => s + BigInt(h.spend_micro), 0n)).toBe(r.spend);
            expect(got.every((h) => h.date === r.date && h.method === 'uniform')).toBe(true);
            if (r.spend > 0n) expect([23, 24, 25]).toContain(got.length);
            total += got.length;
          }
          expect(res.hourlyRows).toBe(total);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('on the open day splits over the hours elapsed, counting the current one (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        spendArb.filter((s) => s > 0n),
        dateArb,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (tz, spend, date, frac) => {
          const start = localMidnight(date, tz);
          const dayMs = localMidnight(nextDate(date), tz) - start;
          const now = start + Math.floor(frac * dayMs);
          const { byAd } = await split([{ spend, date }], tz, now);
          const got = byAd(0);
          const elapsed = Math.floor((now - start) / HOUR) + 1;
          expect(got).toHaveLength(elapsed);
          expect(got.map(({ hour, spend_micro }) => ({ hour, spend_micro }))).toEqual(
            expectedSplit(spend, date, tz, now),
          );
          expect(got.reduce((s, h) => s + BigInt(h.spend_micro), 0n)).toBe(spend);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('puts the first hour of the open day at local midnight and restates it on the next sync', async () => {
    const date = '2026-06-10';
    const start = localMidnight(date, 'Europe/Berlin');
    const first = await split([{ spend: 100n, date }], 'Europe/Berlin', start + 10 * 60_000);
    expect(first.byAd(0)).toEqual([
      { ad_id: '0', hour: '2026-06-09T22:00:00Z', date, spend_micro: '100', method: 'uniform' },
    ]);
    const later = await split([{ spend: 100n, date }], 'Europe/Berlin', start + 2.5 * HOUR);
    expect(later.byAd(0).map((h) => h.spend_micro)).toEqual(['34', '33', '33']);
  });
});
