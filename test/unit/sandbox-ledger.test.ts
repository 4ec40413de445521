import { describe, expect, it } from 'vitest';
import { makeBuckets } from '../../sandbox/buckets.ts';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { DEFAULT_ATTRIBUTION, hourSlice, Ledger, type Metrics } from '../../sandbox/ledger.ts';
import { dayOf, HOUR_MS, localDayStartHour } from '../../sandbox/time.ts';
import { truthRows } from '../../sandbox/truth.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
const ANCHOR = Math.floor(NOW / 86_400_000);
const [US, DE, JP] = sandboxAccounts(1, { anchorDay: ANCHOR });

const sum = (rows: { [k: string]: string }[], f: string) => rows.reduce((s, r) => s + BigInt(r[f]!), 0n);

describe('sandbox ledger', () => {
  it('splits a daily total over hours exactly', () => {
    for (const v of [0, 1, 23, 24, 25, 999_999, 123_456_789]) {
      let total = 0;
      for (let h = 0; h < 24; h++) total += hourSlice(v, h, h + 1);
      expect(total).toBe(v);
      expect(hourSlice(v, 0, 7) + hourSlice(v, 7, 24)).toBe(v);
    }
  });

  it('reports JPY spend and order values in whole yen', () => {
    const rows = truthRows(
      new Ledger(1),
      JP!,
      '2025-10-01',
      '2025-10-20',
      DEFAULT_ATTRIBUTION,
      'Asia/Tokyo',
      NOW,
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(BigInt(r.spend_micro) % 1_000_000n).toBe(0n);
      expect(BigInt(r.conversion_value_micro) % 1_000_000n).toBe(0n);
    }
    expect(rows.some((r) => r.conversion_value_micro !== '0')).toBe(true);
  });

  it('buckets local days with 23 and 25 hours across DST changes', () => {
    const hours = (zone: string, date: string) =>
      localDayStartHour(zone, dayOf(date) + 1) - localDayStartHour(zone, dayOf(date));
    expect(hours('America/Los_Angeles', '2025-03-09')).toBe(23);
    expect(hours('America/Los_Angeles', '2025-11-02')).toBe(25);
    expect(hours('America/Los_Angeles', '2025-11-03')).toBe(24);
    expect(hours('Europe/Berlin', '2025-03-30')).toBe(23);
    expect(hours('Europe/Berlin', '2025-10-26')).toBe(25);
    expect(hours('Asia/Tokyo', '2025-10-26')).toBe(24);
    const b = makeBuckets('2025-11-01', '2025-11-03', 'DAY', 'America/Los_Angeles');
    expect(b.labels).toEqual(['2025-11-01', '2025-11-02', '2025-11-03']);
    expect(b.bounds[0]).toBe(Date.parse('2025-11-01T07:00:00Z') / HOUR_MS);
    expect(b.bounds[2]! - b.bounds[1]!).toBe(25);
  });

  it('conserves spend: local days sum to the same UTC hours, and the 25-hour day holds its extra hour', () => {
    const ledger = new Ledger(1);
    const days = makeBuckets('2025-10-30', '2025-11-03', 'DAY', 'America/Los_Angeles');
    const whole = [days.bounds[0]!, days.bounds[days.bounds.length - 1]!];
    const extra = [days.bounds[2]!, days.bounds[2]! + 24, days.bounds[3]!];
    let spendDays = 0;
    let spendWhole = 0;
    for (const ad of US!.ads) {
      spendDays += ledger
        .series(US!, ad, days.bounds, DEFAULT_ATTRIBUTION, NOW)
        .reduce((s, m) => s + m.spend, 0);
      spendWhole += ledger.series(US!, ad, whole, DEFAULT_ATTRIBUTION, NOW)[0]!.spend;
      const [, last] = ledger.series(US!, ad, extra, DEFAULT_ATTRIBUTION, NOW);
      if (last!.spend > 0)
        expect(last!.spend).toBeLessThan(
          ledger.series(US!, ad, days.bounds.slice(2, 4), DEFAULT_ATTRIBUTION, NOW)[0]!.spend,
        );
    }
    expect(spendDays).toBe(spendWhole);
    expect(spendDays).toBeGreaterThan(0);
  });

  it('shows only the elapsed hours of the current day', () => {
    const ledger = new Ledger(1);
    const today = makeBuckets('2025-11-05', '2025-11-05', 'DAY', 'UTC').bounds;
    const at = (iso: string) =>
      US!.ads.reduce(
        (s, ad) => s + ledger.series(US!, ad, today, DEFAULT_ATTRIBUTION, Date.parse(iso))[0]!.spend,
        0,
      );
    const early = at('2025-11-05T03:10:00Z');
    const later = at('2025-11-05T15:10:00Z');
    const end = at('2025-11-06T00:00:00Z');
    expect(at('2025-11-04T23:59:00Z')).toBe(0);
    expect(early).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(early);
    expect(end).toBeGreaterThan(later);
    expect(at('2025-11-07T00:00:00Z')).toBe(end);
  });

  it('makes a past day gain conversions as late events surface, then settle', () => {
    const ledger = new Ledger(1);
    const conv = (asOf: string) =>
      sum(
        truthRows(
          ledger,
          DE!,
          '2025-10-20',
          '2025-10-20',
          DEFAULT_ATTRIBUTION,
          'UTC',
          Date.parse(asOf),
        ) as never,
        'total_conversions',
      );
    const d1 = conv('2025-10-21T00:00:00Z');
    const d3 = conv('2025-10-23T00:00:00Z');
    const d30 = conv('2025-11-20T00:00:00Z');
    const d90 = conv('2026-01-20T00:00:00Z');
    expect(d3).toBeGreaterThan(d1);
    expect(d30).toBeGreaterThan(d3);
    expect(d90).toBeGreaterThanOrEqual(d30);
    expect(conv('2026-03-20T00:00:00Z')).toBe(d90);
  });

  it('honours attribution windows and conversion report time', () => {
    const ledger = new Ledger(1);
    const total = (attr: typeof DEFAULT_ATTRIBUTION) =>
      sum(truthRows(ledger, DE!, '2025-09-01', '2025-09-30', attr, 'UTC', NOW) as never, 'total_conversions');
    const none = total({ ...DEFAULT_ATTRIBUTION, clickWindow: 0, engagementWindow: 0, viewWindow: 0 });
    const dflt = total(DEFAULT_ATTRIBUTION);
    const wide = total({ ...DEFAULT_ATTRIBUTION, clickWindow: 60, engagementWindow: 60, viewWindow: 60 });
    expect(none).toBeGreaterThan(0n);
    expect(dflt).toBeGreaterThan(none);
    expect(wide).toBeGreaterThan(dflt);
    const byAction = truthRows(ledger, DE!, '2025-09-10', '2025-09-10', DEFAULT_ATTRIBUTION, 'UTC', NOW);
    const byConv = truthRows(
      ledger,
      DE!,
      '2025-09-10',
      '2025-09-10',
      { ...DEFAULT_ATTRIBUTION, reportTime: 'TIME_OF_CONVERSION' },
      'UTC',
      NOW,
    );
    expect(sum(byConv as never, 'spend_micro')).toBe(sum(byAction as never, 'spend_micro'));
    expect(byConv.map((r) => r.total_conversions)).not.toEqual(byAction.map((r) => r.total_conversions));
  });

  it('restates recent days from the restatement on, zeroing some ad-days and adding conversions to others', () => {
    const ledger = new Ledger(1);
    const before = truthRows(ledger, US!, '2025-10-30', '2025-11-05', DEFAULT_ATTRIBUTION, 'UTC', NOW);
    ledger.restate(7, NOW);
    const after = truthRows(ledger, US!, '2025-10-30', '2025-11-05', DEFAULT_ATTRIBUTION, 'UTC', NOW);
    const asOfBefore = truthRows(
      ledger,
      US!,
      '2025-10-30',
      '2025-11-05',
      DEFAULT_ATTRIBUTION,
      'UTC',
      NOW - 1,
    );
    expect(asOfBefore).toEqual(before);
    const key = (r: { ad_id: string; date: string }) => `${r.ad_id}|${r.date}`;
    const afterByKey = new Map(after.map((r) => [key(r), r]));
    const vanished = before.filter((r) => !afterByKey.has(key(r)));
    const gained = before.filter(
      (r) => BigInt(afterByKey.get(key(r))?.conversions ?? '0') > BigInt(r.conversions),
    );
    expect(vanished.length).toBeGreaterThan(0);
    expect(gained.length).toBeGreaterThan(0);
    const older = (rows: typeof before) => rows.filter((r) => r.date < '2025-10-30');
    expect(older(after)).toEqual(older(before));
  });

  it('is identical for two ledgers with the same seed', () => {
    const ad = US!.ads.find((a) => a.status === 'ACTIVE' && a.fromDay < dayOf('2025-06-01'))!;
    const m = (seed: number): Metrics[] =>
      new Ledger(seed).series(
        US!,
        ad,
        makeBuckets('2025-06-01', '2025-06-30', 'DAY', 'UTC').bounds,
        DEFAULT_ATTRIBUTION,
        NOW,
      );
    expect(m(1)).toEqual(m(1));
    expect(m(1).some((x) => x.spend > 0)).toBe(true);
    expect(m(2)).not.toEqual(m(1));
  });
});
