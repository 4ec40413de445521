// The metrics model. Nothing is stored: an ad's delivery on a UTC day, its hourly shape and its conversion events are
// hashes of (seed, ad, day), and restatements are a short list replayed on read. Reports and the ground truth both
// read through `series`, so they agree by construction.

import {
  bucketOf,
  type ConversionEvent,
  type ConversionSink,
  credit,
  dayConversions,
  MAX_LAG_DAYS,
} from './conversions.ts';
import type { SandboxAccount, SandboxAd } from './data.ts';
import { between4, mix, unit, unit4 } from './hash.ts';
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
  // The other standard event types (every event is exactly one type, so they and checkouts sum to totalConversions).
  addToCarts: number;
  addToCartValue: number; // micro-units
  signups: number;
  signupValue: number; // micro-units
  leads: number;
  leadValue: number; // micro-units
  pageVisits: number;
  pageVisitValue: number; // micro-units
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

export { MAX_LAG_DAYS, MAX_VISIBILITY_DELAY_HOURS } from './conversions.ts';

// A fixed diurnal curve (integer weights) so the hourly split is exact integer arithmetic; C = cumulative sums.
const WEIGHTS = [14, 10, 7, 5, 4, 4, 6, 10, 18, 26, 32, 36, 38, 38, 37, 36, 36, 38, 42, 48, 50, 44, 32, 21];
const CUM = [0];
for (const w of WEIGHTS) CUM.push(CUM[CUM.length - 1]! + w);
const W = CUM[24]!;

/** The part of daily total `v` that falls in hours [a, b) of its UTC day; parts over any partition sum to `v`. */
export function hourSlice(v: number, a: number, b: number): number {
  return Math.floor((v * CUM[b]!) / W) - Math.floor((v * CUM[a]!) / W);
}

export interface DayBase {
  spendUnits: number;
  impressions: number;
  clicks: number;
  outbound: number;
  earnedImpressions: number;
  earnedClicks: number;
}

/** A fresh all-zero Metrics (a literal: much cheaper than spreading a frozen template, a million times a report). */
export function zeroMetrics(): Metrics {
  return {
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
    addToCarts: 0,
    addToCartValue: 0,
    signups: 0,
    signupValue: 0,
    leads: 0,
    leadValue: 0,
    pageVisits: 0,
    pageVisitValue: 0,
  };
}

export const ZERO: Readonly<Metrics> = Object.freeze(zeroMetrics());

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
  zeroedBy(ad: SandboxAd, d: number, asOfMs: number, limit: number, after = 0): boolean {
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
    const out: Metrics[] = Array.from({ length: n }, zeroMetrics);
    const first = bounds[0]!;
    const end = Math.min(bounds[n]!, Math.floor(asOfMs / HOUR_MS) + 1);
    if (end <= first || ad.fromDay >= 1e9) return out;
    const firstDay = Math.floor(first / 24);
    const lastDay = Math.floor((end - 1) / 24);
    const scanFrom =
      withConversions && attr.reportTime === 'TIME_OF_CONVERSION' ? firstDay - MAX_LAG_DAYS - 1 : firstDay;
    const sink: ConversionSink = { credit: (hour, ev) => credit(out, bounds, hour, ev, acct.unitMicro) };
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
      if (withConversions) dayConversions(this, acct, ad, d, base, attr, asOfMs, restatements, zeroed, sink);
    }
    for (const m of out) {
      // Hour slices of separate totals can disagree by one; keep the funnel monotone.
      if (m.clicks > m.impressions) m.clicks = m.impressions;
      if (m.outbound > m.clicks) m.outbound = m.clicks;
      if (m.earnedClicks > m.earnedImpressions) m.earnedClicks = m.earnedImpressions;
    }
    return out;
  }

  /**
   * Calls `visit(d, k, ev)` for every conversion event `series` credits to bucket k (d: the ad-day it came from),
   * in the same order: the breakdowns hand each one to a targeting value or a keyword.
   */
  conversions(
    acct: SandboxAccount,
    ad: SandboxAd,
    bounds: number[],
    attr: Attribution,
    asOfMs: number,
    restatements: number,
    visit: (d: number, k: number, ev: ConversionEvent) => void,
  ): void {
    const n = bounds.length - 1;
    const end = Math.min(bounds[n]!, Math.floor(asOfMs / HOUR_MS) + 1);
    if (end <= bounds[0]! || ad.fromDay >= 1e9) return;
    const firstDay = Math.floor(bounds[0]! / 24);
    const scanFrom = attr.reportTime === 'TIME_OF_CONVERSION' ? firstDay - MAX_LAG_DAYS - 1 : firstDay;
    let day = 0;
    const sink: ConversionSink = {
      credit: (hour, ev) => {
        const k = bucketOf(bounds, hour);
        if (k >= 0) visit(day, k, ev);
      },
    };
    for (let d = Math.max(scanFrom, ad.fromDay); d <= Math.min(Math.floor((end - 1) / 24), ad.toDay); d++) {
      const base = this.rawBase(acct, ad, d);
      if (!base) continue;
      day = d;
      dayConversions(
        this,
        acct,
        ad,
        d,
        base,
        attr,
        asOfMs,
        restatements,
        this.zeroedBy(ad, d, asOfMs, restatements),
        sink,
      );
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

/** True when every metric is 0 (every event counts in totalConversions, so the per-type fields need no check). */
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
