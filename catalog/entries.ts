// The catalog: every report pinads pulls, declared once. Adding a report is an entry here plus a migration for its
// table; the request, the row checks, the load and the pull record all follow from the entry.
import type { ReportColumn, ReportEntry } from './types.ts';

/**
 * The metric columns of ad_daily_metrics (docs/warehouse.md), warehouse name ← Pinterest column. A column absent
 * from a row means 0 (Pinterest omits empty cells and all-zero rows).
 */
export const METRICS: readonly ReportColumn[] = [
  { name: 'spend_micro', source: 'SPEND_IN_MICRO_DOLLAR', kind: 'micro' },
  { name: 'impressions', source: 'IMPRESSION_1', kind: 'count' },
  { name: 'clicks', source: 'CLICKTHROUGH_1', kind: 'count' },
  { name: 'outbound_clicks', source: 'OUTBOUND_CLICK_1', kind: 'count' },
  { name: 'conversions', source: 'TOTAL_CHECKOUT', kind: 'decimal' },
  { name: 'conversion_value_micro', source: 'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
  { name: 'total_conversions', source: 'TOTAL_CONVERSIONS', kind: 'decimal' },
  // What Fivetran's dbt packages sum (docs/warehouse.md, Coming from Fivetran): earned delivery, and all conversion types.
  { name: 'impressions_earned', source: 'IMPRESSION_2', kind: 'count' },
  { name: 'clicks_earned', source: 'CLICKTHROUGH_2', kind: 'count' },
  { name: 'total_conversions_quantity', source: 'TOTAL_CONVERSIONS_QUANTITY', kind: 'decimal' },
  { name: 'total_conversions_value_micro', source: 'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
  // The standard events `--conversion-event` can count instead of checkouts, hourly-fresh like them.
  { name: 'add_to_carts', source: 'TOTAL_ADD_TO_CART', kind: 'decimal' },
  { name: 'add_to_cart_value_micro', source: 'TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
  { name: 'signups', source: 'TOTAL_SIGNUP', kind: 'decimal' },
  { name: 'signup_value_micro', source: 'TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
  { name: 'leads', source: 'TOTAL_LEAD', kind: 'decimal' },
  { name: 'lead_value_micro', source: 'TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
  { name: 'page_visits', source: 'TOTAL_PAGE_VISIT', kind: 'decimal' },
];

const DATE: ReportColumn = { name: 'date', source: 'DATE', kind: 'date', required: true, requested: false };
const CAMPAIGN: ReportColumn = { name: 'campaign_id', source: 'CAMPAIGN_ID', kind: 'id', required: true };
const AD_GROUP: ReportColumn = { name: 'ad_group_id', source: 'AD_GROUP_ID', kind: 'id', required: true };
/** Requested so a file for another account shows; checked as an id, not stored (the load stamps its own account). */
const ACCOUNT_CHECK: ReportColumn = { name: null, source: 'AD_ACCOUNT_ID', kind: 'id' };
/** At level PIN_PROMOTION the row's ad is PIN_PROMOTION_ID; AD_ID is accepted when that is absent. */
const AD_ENTITY = { name: 'ad_id', sources: ['PIN_PROMOTION_ID', 'AD_ID'] } as const;

/** The four windows and report time, on every fact row. */
const HOURLY_AND_DAILY = { hourlyWindow: true, lookback: true, backfill: true };
const DAILY_ONLY = { hourlyWindow: false, lookback: true, backfill: true };

/** Today's ad-level report, the core of every hourly sync: nothing about it changes (names, exactness, speed). */
export const AD_DAILY: ReportEntry = {
  id: 'ad_daily',
  level: 'PIN_PROMOTION',
  granularity: 'DAY',
  cadence: 'hourly',
  window: HOURLY_AND_DAILY,
  table: 'pinterest_ads.ad_daily_metrics',
  key: ['ad_account_id', 'ad_id', 'date'],
  entity: AD_ENTITY,
  columns: [DATE, CAMPAIGN, AD_GROUP, ACCOUNT_CHECK, ...METRICS],
  deleteScope: 'account_dates',
  hourlySplit: true,
  restatements: true,
};

/** Spend and results by country, region, age, gender and app type, per ad and day (PIN_PROMOTION_TARGETING). */
export const AD_TARGETING_DAILY: ReportEntry = {
  id: 'ad_targeting_daily',
  level: 'PIN_PROMOTION_TARGETING',
  granularity: 'DAY',
  cadence: 'daily',
  window: DAILY_ONLY,
  table: 'pinterest_ads.ad_targeting_daily_metrics',
  key: ['ad_account_id', 'ad_id', 'date', 'targeting_type', 'targeting_value'],
  entity: AD_ENTITY,
  columns: [
    DATE,
    { name: 'targeting_type', source: 'TARGETING_TYPE', kind: 'text', required: true, requested: false },
    { name: 'targeting_value', source: 'TARGETING_VALUE', kind: 'text', required: true, requested: false },
    CAMPAIGN,
    AD_GROUP,
    ACCOUNT_CHECK,
    ...METRICS,
  ],
  targetingTypes: ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'],
  deleteScope: 'account_dates_targeting_types',
};

/** Keyword performance (level KEYWORD): per keyword and day, and per ad where the report names one. */
export const KEYWORD_DAILY: ReportEntry = {
  id: 'keyword_daily',
  level: 'KEYWORD',
  granularity: 'DAY',
  cadence: 'daily',
  window: DAILY_ONLY,
  table: 'pinterest_ads.keyword_daily_metrics',
  key: ['ad_account_id', 'keyword_id', 'date', 'ad_id'],
  entity: { name: 'keyword_id', sources: ['KEYWORD_ID'], requested: false },
  columns: [
    DATE,
    { name: 'ad_id', source: 'PIN_PROMOTION_ID', kind: 'id' },
    { name: 'campaign_id', source: 'CAMPAIGN_ID', kind: 'id' },
    { name: 'ad_group_id', source: 'AD_GROUP_ID', kind: 'id' },
    ACCOUNT_CHECK,
    ...METRICS,
  ],
  deleteScope: 'account_dates',
};

/** Per advertiser-defined event, each ad-day's conversions and value (custom_conversion_event_metrics). */
export const AD_CUSTOM_CONVERSIONS_DAILY: ReportEntry = {
  id: 'ad_custom_conversions_daily',
  level: 'PIN_PROMOTION',
  granularity: 'DAY',
  cadence: 'daily',
  window: DAILY_ONLY,
  table: 'pinterest_ads.ad_custom_conversions_daily',
  key: ['ad_account_id', 'ad_id', 'date', 'event_name'],
  entity: AD_ENTITY,
  columns: [DATE, CAMPAIGN, AD_GROUP, ACCOUNT_CHECK],
  perEvent: {
    name: 'event_name',
    metrics: [
      { name: 'conversions', metric: 'ADE_TOTAL_CONVERSIONS', kind: 'decimal' },
      { name: 'conversion_value_micro', metric: 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR', kind: 'micro' },
    ],
  },
  deleteScope: 'account_dates',
};

export const CATALOG: readonly ReportEntry[] = [
  AD_DAILY,
  AD_TARGETING_DAILY,
  KEYWORD_DAILY,
  AD_CUSTOM_CONVERSIONS_DAILY,
];
