// Report columns: the spec's enums (vendored from OpenAPI 5.23 in spec-enums.json) and how the sandbox fills them.

import type { Metrics } from './ledger.ts';
import enums from './spec-enums.json' with { type: 'json' };

export const ASYNC_COLUMNS: ReadonlySet<string> = new Set(enums.asyncColumns);
export const SYNC_COLUMNS: ReadonlySet<string> = new Set(enums.syncColumns);
export const LEVELS: ReadonlySet<string> = new Set(enums.levels);
export const GRANULARITIES: ReadonlySet<string> = new Set(enums.granularities);
export const ADE_METRIC_TYPES: ReadonlySet<string> = new Set(enums.adeMetricTypes);
export const REPORT_TARGETING_TYPES: ReadonlySet<string> = new Set(enums.reportTargetingTypes);

/** Levels the sandbox can produce; the rest of MetricsReportingLevel is answered with a clear 400. */
export const SUPPORTED_LEVELS = [
  'ADVERTISER',
  'CAMPAIGN',
  'AD_GROUP',
  'PIN_PROMOTION',
  'ADVERTISER_TARGETING',
  'CAMPAIGN_TARGETING',
  'AD_GROUP_TARGETING',
  'PIN_PROMOTION_TARGETING',
  'KEYWORD',
] as const;
export type Level = (typeof SUPPORTED_LEVELS)[number];
/** The entity level a level's rows are keyed by (a targeting level by its base level's entity). */
export type BaseLevel = 'ADVERTISER' | 'CAMPAIGN' | 'AD_GROUP' | 'PIN_PROMOTION' | 'KEYWORD';
export const baseLevel = (l: Level): BaseLevel => l.replace(/_TARGETING$/, '') as BaseLevel;

/** Entity attributes a row can carry; how each is encoded follows Airbyte's observed schema (ids as numbers). */
export interface RowEntity {
  adAccountId: string;
  campaignId?: string;
  campaignName?: string;
  adGroupId?: string;
  adGroupName?: string;
  adId?: string;
  adName?: string;
  pinId?: string;
  /** KEYWORD level: the keyword the rows belong to (rows carry it as KEYWORD_ID, as the file is keyed by it). */
  keywordId?: string;
}

type Dim = { kind: 'number' | 'string'; get: (e: RowEntity) => string | undefined };

/** Dimension columns: never count as metrics, so they do not keep an all-zero row alive. */
export const DIMENSIONS: Record<string, Dim> = {
  AD_ACCOUNT_ID: { kind: 'string', get: (e) => e.adAccountId },
  ADVERTISER_ID: { kind: 'number', get: (e) => e.adAccountId },
  CAMPAIGN_ID: { kind: 'number', get: (e) => e.campaignId },
  CAMPAIGN_NAME: { kind: 'string', get: (e) => e.campaignName },
  AD_GROUP_ID: { kind: 'number', get: (e) => e.adGroupId },
  AD_GROUP_NAME: { kind: 'string', get: (e) => e.adGroupName },
  AD_ID: { kind: 'number', get: (e) => e.adId },
  PIN_PROMOTION_ID: { kind: 'number', get: (e) => e.adId },
  AD_NAME: { kind: 'string', get: (e) => e.adName },
  PIN_PROMOTION_NAME: { kind: 'string', get: (e) => e.adName },
  PIN_ID: { kind: 'number', get: (e) => e.pinId },
};

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Metric columns the model knows; any other valid column is a metric that is always 0 (so never written). */
export const METRICS: Record<string, (m: Metrics) => number> = {
  SPEND_IN_MICRO_DOLLAR: (m) => m.spend,
  SPEND_IN_DOLLAR: (m) => m.spend / 1e6,
  IMPRESSION_1: (m) => m.impressions,
  PAID_IMPRESSION: (m) => m.impressions,
  IMPRESSION_2: (m) => m.earnedImpressions,
  // The TOTAL_ columns are paid plus earned (docs/pinterest-api.md §4.5).
  TOTAL_IMPRESSION: (m) => m.impressions + m.earnedImpressions,
  CLICKTHROUGH_1: (m) => m.clicks,
  CLICKTHROUGH_2: (m) => m.earnedClicks,
  TOTAL_CLICKTHROUGH: (m) => m.clicks + m.earnedClicks,
  OUTBOUND_CLICK_1: (m) => m.outbound,
  TOTAL_CHECKOUT: (m) => m.checkouts,
  TOTAL_WEB_CHECKOUT: (m) => m.checkouts,
  TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: (m) => m.checkoutValue,
  TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR: (m) => m.checkoutValue,
  TOTAL_CONVERSIONS: (m) => m.totalConversions,
  TOTAL_CONVERSIONS_QUANTITY: (m) => m.totalConversionsQuantity,
  TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: (m) => m.totalConversionsValue,
  CTR: (m) => ratio(m.clicks, m.impressions),
  CPC_IN_MICRO_DOLLAR: (m) => ratio(m.spend, m.clicks),
  CPM_IN_MICRO_DOLLAR: (m) => ratio(m.spend * 1000, m.impressions),
  CHECKOUT_ROAS: (m) => ratio(m.checkoutValue, m.spend),
  // The other standard event types; every sandbox conversion is a web conversion, so TOTAL_WEB_* are the same.
  TOTAL_ADD_TO_CART: (m) => m.addToCarts,
  TOTAL_WEB_ADD_TO_CART: (m) => m.addToCarts,
  TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR: (m) => m.addToCartValue,
  TOTAL_WEB_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR: (m) => m.addToCartValue,
  TOTAL_SIGNUP: (m) => m.signups,
  TOTAL_WEB_SIGNUP: (m) => m.signups,
  TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR: (m) => m.signupValue,
  TOTAL_WEB_SIGNUP_VALUE_IN_MICRO_DOLLAR: (m) => m.signupValue,
  TOTAL_LEAD: (m) => m.leads,
  TOTAL_WEB_LEAD: (m) => m.leads,
  TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR: (m) => m.leadValue,
  TOTAL_WEB_LEAD_VALUE_IN_MICRO_DOLLAR: (m) => m.leadValue,
  TOTAL_PAGE_VISIT: (m) => m.pageVisits,
  TOTAL_WEB_PAGE_VISIT: (m) => m.pageVisits,
  TOTAL_WEB_PAGE_VISIT_VALUE_IN_MICRO_DOLLAR: (m) => m.pageVisitValue,
};

/** Conversion metrics: HOUR granularity does not provide them (spec, Granularity). */
export const CONVERSION_METRICS = new Set([
  'TOTAL_CHECKOUT',
  'TOTAL_WEB_CHECKOUT',
  'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_WEB_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_CONVERSIONS',
  'TOTAL_CONVERSIONS_QUANTITY',
  'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
  'CHECKOUT_ROAS',
  ...Object.keys(METRICS).filter((c) => /^TOTAL_(WEB_)?(ADD_TO_CART|SIGNUP|LEAD|PAGE_VISIT)/.test(c)),
]);

/** Number text for JSON: integers as plain digits, fractions as JS prints them. */
export function numberText(n: number): string {
  return String(n); // integers below 1e21 print as plain digits; metrics stay far below that
}
