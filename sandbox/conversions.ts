// The conversion events of one ad-day: how many, of which kind, when they happen, when they become visible, and
// the late ones restatements add. One function generates them for every consumer (the ad report's totals, the
// targeting and keyword breakdowns that hand each event to one targeting value or keyword), so they agree.
import type { SandboxAccount, SandboxAd } from './data.ts';
import { between, between4, unit, unit4 } from './hash.ts';
import type { Attribution, DayBase, Ledger, Metrics } from './ledger.ts';
import { HOUR_MS } from './time.ts';

/** Longest conversion lag we generate; TIME_OF_CONVERSION reads scan this far back. */
export const MAX_LAG_DAYS = 60;
/** Longest delay between a conversion and the moment it shows up in reports. */
export const MAX_VISIBILITY_DELAY_HOURS = 72;

/** The standard event types with report columns of their own (TOTAL_CHECKOUT, TOTAL_ADD_TO_CART, …). */
export type EventKind = 'checkout' | 'add_to_cart' | 'signup' | 'lead' | 'page_visit';

export interface ConversionEvent {
  kind: EventKind;
  /** The event's value in account units (a checkout's order value; some sign-ups and leads carry one too). */
  value: number;
  /** Items: a checkout buys 1–3, any other event counts one. */
  quantity: number;
  /** Names the event within its ad-day, so a breakdown can hand it to one value: i, or 1000 + restatement. */
  tag: number;
}

export interface ConversionSink {
  /** An event credited at UTC hour `hour` (the ad action's or the conversion's, per conversion_report_time). */
  credit(hour: number, ev: ConversionEvent): void;
}

/** Non-checkout events by type; drawn on a salt of their own, so typing them changed none of the older figures. */
function otherKind(u: number): EventKind {
  return u < 0.3 ? 'add_to_cart' : u < 0.55 ? 'signup' : u < 0.75 ? 'lead' : 'page_visit';
}

/** A conversion lag in days: most the same day, a long tail to MAX_LAG_DAYS. */
export function lagDays(pick: number, s: number, key: number, d: number, salt: number): number {
  return pick < 0.45
    ? 0
    : pick < 0.7
      ? between4(1, 3, s, key, d, salt)
      : pick < 0.88
        ? between4(4, 14, s, key, d, salt)
        : pick < 0.96
          ? between4(15, 30, s, key, d, salt)
          : between4(31, MAX_LAG_DAYS, s, key, d, salt);
}

/**
 * Feeds `sink` the conversions of `ad` on UTC day `d` (its delivery `base`) visible at `asOfMs`: 0–10 events, each
 * a click (60%), engagement (15%) or view (25%) conversion that counts when its lag fits that kind's window; then
 * the late checkouts of restatements recorded before `restatements`. A zeroed ad-day has none of the former; a
 * later restatement may still credit it a late checkout.
 */
export function dayConversions(
  ledger: Ledger,
  acct: SandboxAccount,
  ad: SandboxAd,
  d: number,
  base: DayBase,
  attr: Attribution,
  asOfMs: number,
  restatements: number,
  zeroed: boolean,
  sink: ConversionSink,
): void {
  const s = ledger.seed;
  const byAction = attr.reportTime === 'TIME_OF_AD_ACTION';
  const events = zeroed
    ? 0
    : Math.min(
        10,
        Math.floor(base.clicks * 0.05 * (0.5 + unit4(s, ad.key, d, 6))) +
          (unit4(s, ad.key, d, 7) < 0.35 ? 1 : 0),
      );
  for (let i = 0; i < events; i++) {
    const u = unit4(s, ad.key, d, 100 + i);
    const lag = lagDays(unit4(s, ad.key, d, 200 + i), s, ad.key, d, 300 + i);
    const window = u < 0.6 ? attr.clickWindow : u < 0.75 ? attr.engagementWindow : attr.viewWindow;
    if (lag > window) continue;
    const actionHour = d * 24 + between4(0, 23, s, ad.key, d, 400 + i);
    const convHour = actionHour + lag * 24 + between4(0, 5, s, ad.key, d, 500 + i);
    const visibleHour = convHour + between4(0, MAX_VISIBILITY_DELAY_HOURS, s, ad.key, d, 600 + i);
    if (visibleHour * HOUR_MS > asOfMs) continue;
    const checkout = unit4(s, ad.key, d, 700 + i) < 0.6;
    const value = checkout
      ? between4(acct.orderValue[0], acct.orderValue[1], s, ad.key, d, 800 + i)
      : unit4(s, ad.key, d, 1000 + i) < 0.3
        ? between4(Math.floor(acct.orderValue[0] / 5), acct.orderValue[0], s, ad.key, d, 1100 + i)
        : 0;
    sink.credit(byAction ? actionHour : convHour, {
      kind: checkout ? 'checkout' : otherKind(unit4(s, ad.key, d, 1200 + i)),
      value,
      quantity: checkout ? between4(1, 3, s, ad.key, d, 900 + i) : 1,
      tag: i,
    });
  }
  // Restated late conversions: click-through checkouts at the day's first hour, visible from the restatement on
  // (unless a later restatement zeroed the day again).
  const list = ledger.restatements;
  for (let r = 0; r < Math.min(restatements, list.length); r++) {
    const rs = list[r]!;
    if (rs.atMs > asOfMs || d < rs.fromDay || d > rs.toDay) continue;
    if (unit(s, rs.salt, ad.key, d, 2) >= 0.25 || ledger.zeroedBy(ad, d, asOfMs, restatements, r + 1))
      continue;
    const value = between(acct.orderValue[0], acct.orderValue[1], s, rs.salt, ad.key, d, 3);
    sink.credit(d * 24, { kind: 'checkout', value, quantity: 1, tag: 1000 + r });
  }
}

/** Credits one conversion event at `hour`; values are in the account's units and become micro-units here. */
export function credit(
  out: Metrics[],
  bounds: number[],
  hour: number,
  ev: ConversionEvent,
  unitMicro: number,
) {
  const k = bucketOf(bounds, hour);
  if (k >= 0) creditTo(out[k]!, ev, unitMicro);
}

/** The bucket [bounds[k], bounds[k+1]) holding UTC hour `hour`, or -1 outside them all. */
export function bucketOf(bounds: number[], hour: number): number {
  if (hour < bounds[0]! || hour >= bounds[bounds.length - 1]!) return -1;
  let lo = 0;
  let hi = bounds.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (bounds[mid]! <= hour) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Adds one event to a bucket's metrics. */
export function creditTo(m: Metrics, ev: ConversionEvent, unitMicro: number) {
  const value = ev.value * unitMicro;
  m.totalConversions += 1;
  m.totalConversionsQuantity += ev.quantity;
  m.totalConversionsValue += value;
  switch (ev.kind) {
    case 'checkout':
      m.checkouts += 1;
      m.checkoutValue += value;
      break;
    case 'add_to_cart':
      m.addToCarts += 1;
      m.addToCartValue += value;
      break;
    case 'signup':
      m.signups += 1;
      m.signupValue += value;
      break;
    case 'lead':
      m.leads += 1;
      m.leadValue += value;
      break;
    default:
      m.pageVisits += 1;
      m.pageVisitValue += value;
  }
}
