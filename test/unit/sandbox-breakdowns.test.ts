// The breakdown model is exact: each targeting type partitions an ad's report row field by field, regions nest in
// their countries, keywords never exceed their ad's delivery, the standard event columns add up to
// TOTAL_CONVERSIONS, and restatements, late conversions and readiness move every report the same way.
import { describe, expect, it } from 'vitest';
import { agencyAccounts } from '../../sandbox/agency.ts';
import { SERVED_TARGETING_TYPES } from '../../sandbox/breakdowns.ts';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { DEFAULT_ATTRIBUTION, Ledger } from '../../sandbox/ledger.ts';
import { readyAt } from '../../sandbox/readiness.ts';
import {
  type CustomConversionTruthRow,
  type KeywordTruthRow,
  type TargetingTruthRow,
  type TruthQuery,
  type TruthRow,
  truthOf,
} from '../../sandbox/truth.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
const ANCHOR = Math.floor(NOW / 86_400_000);
const SEED = 5;
const accounts = [
  ...sandboxAccounts(SEED, { anchorDay: ANCHOR, bigAccountAds: 120, nowMs: NOW }),
  ...agencyAccounts(SEED, 4, ANCHOR, new Set()),
];
const METRICS = [
  'spend_micro',
  'impressions',
  'clicks',
  'outbound_clicks',
  'conversions',
  'conversion_value_micro',
  'total_conversions',
  'impressions_earned',
  'clicks_earned',
  'total_conversions_quantity',
  'total_conversions_value_micro',
  'add_to_carts',
  'add_to_cart_value_micro',
  'signups',
  'signup_value_micro',
  'leads',
  'lead_value_micro',
  'page_visits',
] as const;
type Metric = (typeof METRICS)[number];

const window = (extra: Partial<TruthQuery> = {}): TruthQuery => ({
  startDate: '2025-10-20',
  endDate: '2025-11-05',
  attr: DEFAULT_ATTRIBUTION,
  zone: 'UTC',
  ...extra,
});
function sums<R extends Record<Metric, string>>(rows: R[], key: (r: R) => string) {
  const out = new Map<string, Record<Metric, bigint>>();
  for (const r of rows) {
    const s = out.get(key(r)) ?? (Object.fromEntries(METRICS.map((m) => [m, 0n])) as Record<Metric, bigint>);
    for (const m of METRICS) s[m] += BigInt(r[m]);
    out.set(key(r), s);
  }
  return out;
}
/** Metric sums as one comparable line. */
const line = (s: Record<Metric, bigint> | undefined) => (s ? METRICS.map((m) => s[m]).join(',') : 'none');
const asBig = (r: TruthRow) =>
  Object.fromEntries(METRICS.map((m) => [m, BigInt(r[m])])) as Record<Metric, bigint>;
const adDay = (r: { ad_id: string; date: string }) => `${r.ad_id}|${r.date}`;

describe('sandbox breakdowns', () => {
  const ledger = new Ledger(SEED);

  it('partitions every ad-day by each targeting type, field by field, with regions inside countries', () => {
    let rows = 0;
    for (const [i, acct] of accounts.entries()) {
      // The account's own zone too (buckets straddle UTC days) for the three standard accounts.
      for (const zone of i < 3 ? ['UTC', acct.time_zone] : ['UTC']) {
        const w = { zone, startDate: '2025-10-27' };
        const ads = truthOf(ledger, acct, window(w), NOW) as TruthRow[];
        const byAd = new Map(ads.map((r) => [adDay(r), asBig(r)]));
        const parts = new Map<string, TargetingTruthRow[]>();
        for (const t of SERVED_TARGETING_TYPES) {
          const tr = truthOf(ledger, acct, window({ ...w, kind: 'targeting', targetingType: t }), NOW);
          parts.set(t, tr as TargetingTruthRow[]);
          const summed = sums(tr as TargetingTruthRow[], adDay);
          // Every ad-day row is exactly the sum of its parts, and no part exists without an ad-day row.
          expect([...summed.keys()].sort()).toEqual([...byAd.keys()].sort());
          const off = [...summed].filter(([k, s]) => line(s) !== line(byAd.get(k)));
          expect(off.map(([k]) => `${t} ${k}`)).toEqual([]);
          rows += tr.length;
        }
        const countries = sums(parts.get('COUNTRY')!, (r) => `${adDay(r)}|${r.targeting_value}`);
        const regions = sums(parts.get('REGION')!, (r) => `${adDay(r)}|${r.targeting_value.slice(0, 2)}`);
        expect([...regions].filter(([k, s]) => line(s) !== line(countries.get(k))).map(([k]) => k)).toEqual(
          [],
        );
      }
    }
    // Several countries and regions per ad.
    const us = truthOf(ledger, accounts[0]!, window({ kind: 'targeting', targetingType: 'REGION' }), NOW);
    const perAd = new Map<string, Set<string>>();
    for (const r of us as TargetingTruthRow[])
      perAd.set(r.ad_id, (perAd.get(r.ad_id) ?? new Set()).add(r.targeting_value.slice(0, 2)));
    expect([...perAd.values()].some((c) => c.size >= 2)).toBe(true);
    expect(rows).toBeGreaterThan(5_000);
  });

  it('keeps keyword figures within their ads, only for positive ad-group keywords on their active days', () => {
    for (const acct of accounts) {
      const ads = new Map(
        (truthOf(ledger, acct, window(), NOW) as TruthRow[]).map((r) => [adDay(r), asBig(r)]),
      );
      const kws = truthOf(ledger, acct, window({ kind: 'keyword' }), NOW) as KeywordTruthRow[];
      const byId = new Map(acct.keywords.map((k) => [k.id, k]));
      for (const r of kws) {
        const k = byId.get(r.keyword_id)!;
        expect(k.parent_type).toBe('ad_group');
        expect(k.match_type).not.toMatch(/NEGATIVE/);
        const day = Math.floor(Date.parse(`${r.date}T00:00:00Z`) / 86_400_000);
        expect(day >= k.fromDay && day <= k.toDay).toBe(true);
        expect(acct.ads.find((a) => a.id === r.ad_id)!.ad_group_id).toBe(k.ad_group_id);
      }
      const over = [...sums(kws, adDay)].filter(([key, s]) => METRICS.some((m) => s[m] > ads.get(key)![m]));
      expect(over.map(([key]) => key)).toEqual([]);
      if (acct === accounts[0]) expect(kws.length).toBeGreaterThan(100);
    }
    // An archived keyword has history before it was archived.
    const us = accounts[0]!;
    const archived = new Set(us.keywords.filter((k) => k.archived && k.weight > 0).map((k) => k.id));
    const old = truthOf(
      ledger,
      us,
      window({ startDate: '2024-11-20', endDate: '2025-05-10', kind: 'keyword' }),
      NOW,
    );
    expect((old as KeywordTruthRow[]).some((r) => archived.has(r.keyword_id))).toBe(true);
  });

  it('adds the standard event columns up to total_conversions, checkouts included', () => {
    let other = 0n;
    for (const acct of accounts)
      for (const r of truthOf(ledger, acct, window(), NOW) as TruthRow[]) {
        const types = ['conversions', 'add_to_carts', 'signups', 'leads', 'page_visits'] as const;
        expect(types.reduce((s, t) => s + BigInt(r[t]), 0n)).toBe(BigInt(r.total_conversions));
        const values = [
          'conversion_value_micro',
          'add_to_cart_value_micro',
          'signup_value_micro',
          'lead_value_micro',
        ];
        expect(
          values.reduce((s, t) => s + BigInt(r[t as Metric]), 0n) <= BigInt(r.total_conversions_value_micro),
        ).toBe(true);
        other += BigInt(r.add_to_carts) + BigInt(r.signups) + BigInt(r.leads) + BigInt(r.page_visits);
      }
    expect(other).toBeGreaterThan(0n);
  });

  it('gives custom events conversions only where the ad delivered, values only to valued events', () => {
    for (const acct of accounts) {
      const rows = truthOf(
        ledger,
        acct,
        window({ kind: 'custom_conversions' }),
        NOW,
      ) as CustomConversionTruthRow[];
      const valued = new Map(acct.events.map((e) => [e.name, e.valued]));
      for (const r of rows) {
        expect(valued.has(r.event_name)).toBe(true);
        if (!valued.get(r.event_name)) expect(r.conversion_value_micro).toBe('0');
        if (acct.currency === 'JPY') expect(BigInt(r.conversion_value_micro) % 1_000_000n).toBe(0n);
      }
      if (acct.events.length > 0 && acct === accounts[0]) {
        expect(new Set(rows.map((r) => r.event_name)).size).toBe(acct.events.length);
        expect(rows.some((r) => r.conversion_value_micro !== '0')).toBe(true);
      }
      if (acct.events.length === 0) expect(rows).toEqual([]);
    }
  });

  it('moves every report with a restatement: a zeroed ad-day leaves all of them, and partitions still hold', () => {
    const l = new Ledger(SEED);
    const acct = accounts[0]!;
    const w = window({ startDate: '2025-10-28', endDate: '2025-11-05' });
    const kinds = {
      ad: w,
      country: { ...w, kind: 'targeting', targetingType: 'COUNTRY' },
      keyword: { ...w, kind: 'keyword' },
      custom: { ...w, kind: 'custom_conversions' },
    } as const;
    const keys = (q: TruthQuery) => new Set((truthOf(l, acct, q, NOW) as TruthRow[]).map(adDay));
    const before = Object.fromEntries(Object.entries(kinds).map(([k, q]) => [k, keys(q)]));
    l.restate(8, NOW - 3_600_000);
    const after = Object.fromEntries(Object.entries(kinds).map(([k, q]) => [k, keys(q)]));
    const zeroed = [...before.ad!].filter((k) => !after.ad!.has(k));
    expect(zeroed.length).toBeGreaterThan(0);
    for (const kind of ['country', 'keyword', 'custom'])
      for (const k of zeroed) expect(`${kind} ${k} ${after[kind]!.has(k)}`).toBe(`${kind} ${k} false`);
    expect([...before.keyword!].some((k) => zeroed.includes(k))).toBe(true);
    const ads = new Map((truthOf(l, acct, w, NOW) as TruthRow[]).map((r) => [adDay(r), asBig(r)]));
    const off = [...sums(truthOf(l, acct, kinds.country, NOW) as TargetingTruthRow[], adDay)].filter(
      ([k, s]) => line(s) !== line(ads.get(k)),
    );
    expect(off).toEqual([]);
  });

  it('freezes a ready day in every report under TIME_OF_CONVERSION, though it moved before', () => {
    const acct = accounts[1]!;
    const date = '2025-10-25';
    const at = readyAt(date);
    const attr = { ...DEFAULT_ATTRIBUTION, reportTime: 'TIME_OF_CONVERSION' as const };
    let moved = 0;
    for (const kind of [
      { kind: 'targeting', targetingType: 'AGE_BUCKET' },
      { kind: 'keyword' },
      { kind: 'custom_conversions' },
    ] as const) {
      const q = window({ startDate: date, endDate: date, attr, ...kind });
      const ready = truthOf(ledger, acct, q, at.conversionMs);
      expect(truthOf(ledger, acct, q, at.conversionMs + 30 * 86_400_000)).toEqual(ready);
      if (JSON.stringify(truthOf(ledger, acct, q, at.nonConversionMs)) !== JSON.stringify(ready)) moved++;
    }
    expect(moved).toBeGreaterThan(0);
  });
});
