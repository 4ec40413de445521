// The metrics model. Nothing is stored: an ad's delivery on a UTC day, its hourly shape and its conversion events are
// hashes of (seed, ad, day), and restatements are a short list replayed on read. Reports and the ground truth both
// read through `series`, so they agree by construction.

import type { SandboxAccount, SandboxAd } from './data.ts';
import { between, between4, mix, unit, unit4 } from './hash.ts';
import { HOUR_MS } from './time.ts';

export interface Metrics {
  spend: number; // micro-units of the account currency
  impressions: number;
  clicks: number;
  outbound: number;
  checkouts: number;
  checkoutValue: number; // micro-units
  totalConversions: number;
  earnedImpressions: number; // IMPRESSION_2: organic views of the promoted pin (saves, shares), not paid for
  earnedClicks: number; // CLICKTHROUGH_2
  totalConversionsQuantity: number; // items across all conversion events (a checkout may buy several)
  totalConversionsValue: number; // micro-units: checkout value plus the value of other events (leads, sign-ups)
}

export interface Attribution {
  clickWindow: number;
  engagementWindow: number;
  viewWindow: number;
  reportTime: 'TIME_OF_AD_ACTION' | 'TIME_OF_CONVERSION';
}

export const DEFAULT_ATTRIBUTION: Attribution = {
  clickWindow: 30,
  engagementWindow: 30,
  viewWindow: 1,
  reportTime: 'TIME_OF_AD_ACTION',
};

/** A POST /__sandbox/restate: from `atMs` on, some ad-days in [fromDay, toDay] are zeroed or gain conversions. */
export interface Restatement {
  atMs: number;
  fromDay: number;
  toDay: number;
  salt: number;
}

/** Longest conversion lag we generate; TIME_OF_CONVERSION reads scan this far back. */
export const MAX_LAG_DAYS = 60;
/** Longest delay between a conversion and the moment it shows up in reports. */
export const MAX_VISIBILITY_DELAY_HOURS = 72;

// A fixed diurnal curve (integer weights) so the hourly split is exact integer arithmetic; C = cumulative sums.
const WEIGHTS = [14, 10, 7, 5, 4, 4, 6, 10, 18, 26, 32, 36, 38, 38, 37, 36, 36, 38, 42, 48, 50, 44, 32, 21];
const CUM = [0];
for (const w of WEIGHTS) CUM.push(CUM[CUM.length - 1]! + w);
const W = CUM[24]!;

/** The part of daily total `v` that falls in hours [a, b) of its UTC day; parts over any partition sum to `v`. */
export function hourSlice(v: number, a: number, b: number): number {
  return Math.floor((v * CUM[b]!) / W) - Math.floor((v * CUM[a]!) / W);
}

interface DayBase {
  spendUnits: number;
  impressions: number;
  clicks: number;
  outbound: number;
  earnedImpressions: number;
  earnedClicks: number;
}

export const ZERO: Readonly<Metrics> = Object.freeze({
  spend: 0,
  impressions: 0,
  clicks: 0,
  outbound: 0,
  checkouts: 0,
  checkoutValue: 0,
  totalConversions: 0,
  earnedImpressions: 0,
  earnedClicks: 0,
  totalConversionsQuantity: 0,
  totalConversionsValue: 0,
});

export class Ledger {
  readonly restatements: Restatement[] = [];
  constructor(readonly seed: number) {}

  /** Delivery of `ad` on UTC day `d` before any restatement, or null for a day without delivery. */
  rawBase(acct: SandboxAccount, ad: SandboxAd, d: number): DayBase | null {
    if (d < ad.fromDay || d > ad.toDay) return null;
    const s = this.seed;
    if (!acct.bench && unit4(s, ad.key, d, 1) < 0.06) return null;
    const weekend = (d + 4) % 7 >= 5 ? 0.8 : 1; // day 0 was a Thursday
    const impressions = Math.floor(ad.scale * (0.5 + unit4(s, ad.key, d, 2)) * weekend);
    const clicks = Math.floor(impressions * (0.004 + 0.026 * unit4(s, ad.key, d, 3)));
    const outbound = Math.floor(clicks * (0.3 + 0.6 * unit4(s, ad.key, d, 4)));
    const cpm = between4(acct.cpm[0], acct.cpm[1], s, ad.key, d, 5);
    const spendUnits = Math.floor((impressions * cpm) / 1000);
    // Earned delivery draws on salts of its own, so adding it changed none of the paid figures above.
    const earnedImpressions = Math.floor(impressions * (0.05 + 0.25 * unit4(s, ad.key, d, 8)));
    const earnedClicks = Math.floor(earnedImpressions * (0.002 + 0.02 * unit4(s, ad.key, d, 9)));
    return { spendUnits, impressions, clicks, outbound, earnedImpressions, earnedClicks };
  }

  /** Whether a restatement visible at `asOfMs`, with index ≥ `after`, zeroed this ad-day. */
  private zeroedBy(ad: SandboxAd, d: number, asOfMs: number, limit: number, after = 0): boolean {
    for (let i = after; i < Math.min(limit, this.restatements.length); i++) {
      const r = this.restatements[i]!;
      if (r.atMs <= asOfMs && d >= r.fromDay && d <= r.toDay && unit(this.seed, r.salt, ad.key, d, 1) < 0.1)
        return true;
    }
    return false;
  }

  /**
   * Metrics of `ad` for each bucket [bounds[k], bounds[k+1]) of UTC hour indices, as visible at `asOfMs`: hours after
   * the current one have not happened, and a conversion counts once it has become visible and its lag fits the
   * window of its kind. Conversions are bucketed by the ad action or by the conversion, per `attr.reportTime`.
   * `restatements` caps how many recorded restatements apply (a report sees those that existed at its creation).
   */
  series(
    acct: SandboxAccount,
    ad: SandboxAd,
    bounds: number[],
    attr: Attribution,
    asOfMs: number,
    withConversions = true,
    restatements = Number.POSITIVE_INFINITY,
  ): Metrics[] {
    const n = bounds.length - 1;
    const out: Metrics[] = Array.from({ length: n }, () => ({ ...ZERO }));
    const first = bounds[0]!;
    const end = Math.min(bounds[n]!, Math.floor(asOfMs / HOUR_MS) + 1);
    if (end <= first || ad.fromDay >= 1e9) return out;
    const firstDay = Math.floor(first / 24);
    const lastDay = Math.floor((end - 1) / 24);
    const scanFrom =
      withConversions && attr.reportTime === 'TIME_OF_CONVERSION' ? firstDay - MAX_LAG_DAYS - 1 : firstDay;
    const byAction = attr.reportTime === 'TIME_OF_AD_ACTION';
    const s = this.seed;
    let k0 = 0;
    for (let d = Math.max(scanFrom, ad.fromDay); d <= Math.min(lastDay, ad.toDay); d++) {
      const base = this.rawBase(acct, ad, d);
      if (!base) continue;
      const zeroed = this.zeroedBy(ad, d, asOfMs, restatements);
      if (!zeroed && d >= firstDay) {
        const dayStart = d * 24;
        while (k0 < n && bounds[k0 + 1]! <= dayStart) k0++;
        for (let k = k0; k < n && bounds[k]! < Math.min(end, dayStart + 24); k++) {
          const a = Math.max(bounds[k]!, dayStart) - dayStart;
          const b = Math.min(bounds[k + 1]!, end, dayStart + 24) - dayStart;
          if (b <= a) continue;
          const m = out[k]!;
          m.spend += hourSlice(base.spendUnits, a, b) * acct.unitMicro;
          m.impressions += hourSlice(base.impressions, a, b);
          m.clicks += hourSlice(base.clicks, a, b);
          m.outbound += hourSlice(base.outbound, a, b);
          m.earnedImpressions += hourSlice(base.earnedImpressions, a, b);
          m.earnedClicks += hourSlice(base.earnedClicks, a, b);
        }
      }
      if (!withConversions) continue;
      const events = zeroed
        ? 0
        : Math.min(
            10,
            Math.floor(base.clicks * 0.05 * (0.5 + unit4(s, ad.key, d, 6))) +
              (unit4(s, ad.key, d, 7) < 0.35 ? 1 : 0),
          );
      for (let i = 0; i < events; i++) {
        const u = unit4(s, ad.key, d, 100 + i);
        const lagPick = unit4(s, ad.key, d, 200 + i);
        const lag =
          lagPick < 0.45
            ? 0
            : lagPick < 0.7
              ? between4(1, 3, s, ad.key, d, 300 + i)
              : lagPick < 0.88
                ? between4(4, 14, s, ad.key, d, 300 + i)
                : lagPick < 0.96
                  ? between4(15, 30, s, ad.key, d, 300 + i)
                  : between4(31, MAX_LAG_DAYS, s, ad.key, d, 300 + i);
        const window = u < 0.6 ? attr.clickWindow : u < 0.75 ? attr.engagementWindow : attr.viewWindow;
        if (lag > window) continue;
        const actionHour = d * 24 + between4(0, 23, s, ad.key, d, 400 + i);
        const convHour = actionHour + lag * 24 + between4(0, 5, s, ad.key, d, 500 + i);
        const visibleHour = convHour + between4(0, MAX_VISIBILITY_DELAY_HOURS, s, ad.key, d, 600 + i);
        if (visibleHour * HOUR_MS > asOfMs) continue;
        const checkout = unit4(s, ad.key, d, 700 + i) < 0.6;
        const value = checkout ? between4(acct.orderValue[0], acct.orderValue[1], s, ad.key, d, 800 + i) : 0;
        // A checkout buys 1-3 items; other events (sign-ups, leads) count one and some carry a value of their own.
        const quantity = checkout ? between4(1, 3, s, ad.key, d, 900 + i) : 1;
        const otherValue =
          !checkout && unit4(s, ad.key, d, 1000 + i) < 0.3
            ? between4(Math.floor(acct.orderValue[0] / 5), acct.orderValue[0], s, ad.key, d, 1100 + i)
            : 0;
        this.credit(out, bounds, byAction ? actionHour : convHour, {
          checkout,
          value: value + otherValue,
          checkoutValue: value,
          quantity,
          acct,
        });
      }
      // Restated late conversions: click-through checkouts at the day's first hour, visible from the restatement on.
      for (let r = 0; r < Math.min(restatements, this.restatements.length); r++) {
        const rs = this.restatements[r]!;
        if (rs.atMs > asOfMs || d < rs.fromDay || d > rs.toDay) continue;
        if (unit(s, rs.salt, ad.key, d, 2) >= 0.25 || this.zeroedBy(ad, d, asOfMs, restatements, r + 1))
          continue;
        const value = between(acct.orderValue[0], acct.orderValue[1], s, rs.salt, ad.key, d, 3);
        this.credit(out, bounds, d * 24, { checkout: true, value, checkoutValue: value, quantity: 1, acct });
      }
    }
    for (const m of out) {
      // Hour slices of separate totals can disagree by one; keep the funnel monotone.
      if (m.clicks > m.impressions) m.clicks = m.impressions;
      if (m.outbound > m.clicks) m.outbound = m.clicks;
      if (m.earnedClicks > m.earnedImpressions) m.earnedClicks = m.earnedImpressions;
    }
    return out;
  }

  /** Credits one conversion event at `hour`; values are in the account's units and become micro-units here. */
  private credit(out: Metrics[], bounds: number[], hour: number, ev: ConversionEvent) {
    if (hour < bounds[0]! || hour >= bounds[bounds.length - 1]!) return;
    let lo = 0;
    let hi = bounds.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bounds[mid]! <= hour) lo = mid;
      else hi = mid - 1;
    }
    const m = out[lo]!;
    m.totalConversions += 1;
    m.totalConversionsQuantity += ev.quantity;
    m.totalConversionsValue += ev.value * ev.acct.unitMicro;
    if (ev.checkout) {
      m.checkouts += 1;
      m.checkoutValue += ev.checkoutValue * ev.acct.unitMicro;
    }
  }

  /** Records a restatement of the last `daysBack` UTC days (ending today) as of `atMs`. */
  restate(daysBack: number, atMs: number): Restatement {
    const today = Math.floor(atMs / 86_400_000);
    const r = {
      atMs,
      fromDay: today - daysBack + 1,
      toDay: today,
      salt: mix(this.seed, 0x7e57, this.restatements.length),
    };
    this.restatements.push(r);
    return r;
  }
}

interface ConversionEvent {
  checkout: boolean;
  /** value of the event, in account units; a checkout's is its checkoutValue */
  value: number;
  checkoutValue: number;
  quantity: number;
  acct: SandboxAccount;
}

export function isZero(m: Metrics): boolean {
  return (
    m.spend === 0 &&
    m.impressions === 0 &&
    m.clicks === 0 &&
    m.outbound === 0 &&
    m.checkouts === 0 &&
    m.checkoutValue === 0 &&
    m.totalConversions === 0 &&
    m.earnedImpressions === 0 &&
    m.earnedClicks === 0 &&
    m.totalConversionsQuantity === 0 &&
    m.totalConversionsValue === 0
  );
}
