// Conversions of advertiser-defined events (GET …/advertiser_defined_events), reported through
// `custom_conversion_event_metrics`. Each event has its own stream per ad-day, drawn like the standard events (a
// click or view conversion, a lag, a delay before it is visible, the attribution windows and report time), on the
// days the ad delivers and was not zeroed by a restatement; a restatement can add late ones. They are not part of
// TOTAL_CONVERSIONS (an assumption: Pinterest documents no relation), so the standard columns are unaffected.

import { bucketOf, lagDays, MAX_LAG_DAYS, MAX_VISIBILITY_DELAY_HOURS } from './conversions.ts';
import type { SandboxAccount, SandboxAd } from './data.ts';
import type { SandboxEvent } from './extras.ts';
import { between, between4, unit, unit4 } from './hash.ts';
import type { Attribution, Ledger } from './ledger.ts';
import { HOUR_MS } from './time.ts';

/** One event's conversions in one bucket; values in micro-units of the account currency. */
export interface EventMetrics {
  conversions: number;
  value: number;
  clicks: number;
  clickValue: number;
  views: number;
  viewValue: number;
}

const zero = (): EventMetrics => ({
  conversions: 0,
  value: 0,
  clicks: 0,
  clickValue: 0,
  views: 0,
  viewValue: 0,
});

/** `events`' conversions of `ad` per bucket: `[bucket][event]`. */
export function eventSeries(
  ledger: Ledger,
  acct: SandboxAccount,
  ad: SandboxAd,
  bounds: number[],
  attr: Attribution,
  asOfMs: number,
  restatements: number,
  events: SandboxEvent[],
): EventMetrics[][] {
  const n = bounds.length - 1;
  const out = Array.from({ length: n }, () => events.map(zero));
  const end = Math.min(bounds[n]!, Math.floor(asOfMs / HOUR_MS) + 1);
  if (end <= bounds[0]! || ad.fromDay >= 1e9 || events.length === 0) return out;
  const s = ledger.seed;
  const byAction = attr.reportTime === 'TIME_OF_AD_ACTION';
  const firstDay = Math.floor(bounds[0]! / 24);
  const scanFrom = byAction ? firstDay : firstDay - MAX_LAG_DAYS - 1;
  const add = (hour: number, j: number, value: number, click: boolean) => {
    const k = bucketOf(bounds, hour);
    if (k < 0) return;
    const m = out[k]![j]!;
    m.conversions += 1;
    m.value += value;
    if (click) {
      m.clicks += 1;
      m.clickValue += value;
    } else {
      m.views += 1;
      m.viewValue += value;
    }
  };
  for (let d = Math.max(scanFrom, ad.fromDay); d <= Math.min(Math.floor((end - 1) / 24), ad.toDay); d++) {
    const base = ledger.rawBase(acct, ad, d);
    if (!base) continue;
    const zeroed = ledger.zeroedBy(ad, d, asOfMs, restatements);
    events.forEach((e, j) => {
      const key = ad.key ^ e.salt;
      const count = zeroed
        ? 0
        : Math.min(5, Math.floor(base.clicks * 0.02 * unit4(s, key, d, 1))) +
          (unit4(s, key, d, 2) < 0.2 ? 1 : 0);
      for (let i = 0; i < count; i++) {
        const click = unit4(s, key, d, 10 + i) < 0.7;
        const lag = lagDays(unit4(s, key, d, 20 + i), s, key, d, 30 + i);
        if (lag > (click ? attr.clickWindow : attr.viewWindow)) continue;
        const actionHour = d * 24 + between4(0, 23, s, key, d, 40 + i);
        const convHour = actionHour + lag * 24 + between4(0, 5, s, key, d, 50 + i);
        if ((convHour + between4(0, MAX_VISIBILITY_DELAY_HOURS, s, key, d, 60 + i)) * HOUR_MS > asOfMs)
          continue;
        const value = e.valued
          ? between4(
              Math.floor(acct.orderValue[0] / 10),
              Math.floor(acct.orderValue[1] / 2),
              s,
              key,
              d,
              70 + i,
            )
          : 0;
        add(byAction ? actionHour : convHour, j, value * acct.unitMicro, click);
      }
      // A restatement's late conversions of this event, at the day's first hour (click-through); never on a day a
      // restatement zeroed, so a zeroed ad-day leaves the custom report with the ad report.
      const list = ledger.restatements;
      for (let r = 0; r < Math.min(restatements, list.length); r++) {
        const rs = list[r]!;
        if (rs.atMs > asOfMs || d < rs.fromDay || d > rs.toDay) continue;
        if (zeroed || unit(s, rs.salt, key, d, 4) >= 0.2) continue;
        const value = e.valued
          ? between(Math.floor(acct.orderValue[0] / 10), acct.orderValue[0], s, rs.salt, key, d, 5)
          : 0;
        add(d * 24, j, value * acct.unitMicro, true);
      }
    });
  }
  return out;
}

/** The value of an ADE_* metric for one event in one row; `spend` in micro-units, for CPA and ROAS. */
export function adeValue(type: string, m: EventMetrics, spend: number): number {
  switch (type) {
    case 'ADE_TOTAL_CONVERSIONS':
    case 'ADE_TOTAL_WEB_CONVERSIONS':
      return m.conversions;
    case 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR':
    case 'ADE_TOTAL_WEB_VALUE_IN_MICRO_DOLLAR':
      return m.value;
    case 'ADE_TOTAL_CLICK':
    case 'ADE_TOTAL_WEB_CLICK':
      return m.clicks;
    case 'ADE_TOTAL_CLICK_VALUE_IN_MICRO_DOLLAR':
    case 'ADE_TOTAL_WEB_CLICK_VALUE_IN_MICRO_DOLLAR':
      return m.clickValue;
    case 'ADE_TOTAL_VIEW':
    case 'ADE_TOTAL_WEB_VIEW':
      return m.views;
    case 'ADE_TOTAL_VIEW_VALUE_IN_MICRO_DOLLAR':
    case 'ADE_TOTAL_WEB_VIEW_VALUE_IN_MICRO_DOLLAR':
      return m.viewValue;
    case 'ADE_AVERAGE_VALUE_IN_MICRO_DOLLAR':
      return m.conversions === 0 ? 0 : m.value / m.conversions;
    case 'ADE_COST_PER_ACTION':
    case 'ADE_WEB_COST_PER_ACTION':
      return m.conversions === 0 ? 0 : spend / m.conversions;
    case 'ADE_ROAS':
    case 'ADE_WEB_ROAS':
      return spend === 0 ? 0 : m.value / spend;
    default:
      // In-app, offline and product metrics: the sandbox's events are all web conversions without products.
      return 0;
  }
}
