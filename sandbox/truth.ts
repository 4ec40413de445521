// Ground truth (docs/sandbox.md): exactly the rows a report created right now would contain, in the warehouse's
// column names, every id and number as a decimal string so big values stay exact. `kind` picks the report:
// ad (PIN_PROMOTION, the default), targeting (PIN_PROMOTION_TARGETING, one targeting type), keyword (KEYWORD, per
// keyword and ad) or custom_conversions (custom_conversion_event_metrics, per ad, date and event).
import type { TargetingType } from './breakdowns.ts';
import { adeValue } from './custom-events.ts';
import type { SandboxAccount } from './data.ts';
import type { Attribution, Ledger, Metrics } from './ledger.ts';
import { reportGroups } from './report-groups.ts';
import type { ReportQuery } from './report-request.ts';

/** The metric columns of every kind but custom_conversions (ad_daily_metrics' names). */
export interface TruthMetrics {
  spend_micro: string;
  impressions: string;
  clicks: string;
  outbound_clicks: string;
  conversions: string;
  conversion_value_micro: string;
  total_conversions: string;
  impressions_earned: string;
  clicks_earned: string;
  total_conversions_quantity: string;
  total_conversions_value_micro: string;
  add_to_carts: string;
  add_to_cart_value_micro: string;
  signups: string;
  signup_value_micro: string;
  leads: string;
  lead_value_micro: string;
  page_visits: string;
}

export interface TruthRow extends TruthMetrics {
  ad_id: string;
  date: string;
  campaign_id: string;
  ad_group_id: string;
}
export interface TargetingTruthRow extends TruthRow {
  targeting_type: string;
  targeting_value: string;
}
export interface KeywordTruthRow extends TruthRow {
  keyword_id: string;
}
export interface CustomConversionTruthRow {
  ad_id: string;
  date: string;
  event_name: string;
  campaign_id: string;
  ad_group_id: string;
  conversions: string;
  conversion_value_micro: string;
}

export const TRUTH_KINDS = ['ad', 'targeting', 'keyword', 'custom_conversions'] as const;
export type TruthKind = (typeof TRUTH_KINDS)[number];

/**
 * The report columns behind the truth: the connector's ad_daily columns (schemas/report.ts) and the standard event
 * columns. A row is omitted when all of them are 0; every event counts in TOTAL_CONVERSIONS, so a report that asks
 * for the first eleven omits exactly the same rows.
 */
export const TRUTH_COLUMNS = [
  'SPEND_IN_MICRO_DOLLAR',
  'IMPRESSION_1',
  'CLICKTHROUGH_1',
  'OUTBOUND_CLICK_1',
  'TOTAL_CHECKOUT',
  'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_CONVERSIONS',
  'IMPRESSION_2',
  'CLICKTHROUGH_2',
  'TOTAL_CONVERSIONS_QUANTITY',
  'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_ADD_TO_CART',
  'TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_SIGNUP',
  'TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_LEAD',
  'TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR',
  'TOTAL_PAGE_VISIT',
];

function metrics(m: Metrics): TruthMetrics {
  return {
    spend_micro: String(m.spend),
    impressions: String(m.impressions),
    clicks: String(m.clicks),
    outbound_clicks: String(m.outbound),
    conversions: String(m.checkouts),
    conversion_value_micro: String(m.checkoutValue),
    total_conversions: String(m.totalConversions),
    impressions_earned: String(m.earnedImpressions),
    clicks_earned: String(m.earnedClicks),
    total_conversions_quantity: String(m.totalConversionsQuantity),
    total_conversions_value_micro: String(m.totalConversionsValue),
    add_to_carts: String(m.addToCarts),
    add_to_cart_value_micro: String(m.addToCartValue),
    signups: String(m.signups),
    signup_value_micro: String(m.signupValue),
    leads: String(m.leads),
    lead_value_micro: String(m.leadValue),
    page_visits: String(m.pageVisits),
  };
}

export interface TruthQuery {
  startDate: string;
  endDate: string;
  attr: Attribution;
  zone: string;
  kind?: TruthKind;
  targetingType?: TargetingType;
}

/** The truth of `acct` for one kind of report as of `asOfMs`, rows in the report's order. */
export function truthOf(ledger: Ledger, acct: SandboxAccount, t: TruthQuery, asOfMs: number) {
  const kind = t.kind ?? 'ad';
  const q: ReportQuery = {
    startDate: t.startDate,
    endDate: t.endDate,
    granularity: 'DAY',
    level:
      kind === 'targeting' ? 'PIN_PROMOTION_TARGETING' : kind === 'keyword' ? 'KEYWORD' : 'PIN_PROMOTION',
    columns:
      kind === 'keyword' ? ['AD_ID', ...TRUTH_COLUMNS] : kind === 'custom_conversions' ? [] : TRUTH_COLUMNS,
    format: 'JSON',
    primarySort: 'BY_ID',
    attr: t.attr,
    zone: t.zone,
    ...(kind === 'targeting' ? { targetingTypes: [t.targetingType ?? 'COUNTRY'] } : {}),
    ...(kind === 'custom_conversions'
      ? {
          events: acct.events,
          customMetrics: acct.events.flatMap((e, event) => [
            { type: 'ADE_TOTAL_CONVERSIONS', name: e.name, event },
            { type: 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR', name: e.name, event },
          ]),
        }
      : {}),
  };
  const rows: unknown[] = [];
  for (const g of reportGroups(ledger, acct, q, asOfMs)) {
    for (const r of g.rows) {
      const e = r.entity ?? g.entity;
      const ids = { ad_id: e.adId!, date: r.date!, campaign_id: e.campaignId!, ad_group_id: e.adGroupId! };
      if (kind === 'custom_conversions') {
        acct.events.forEach((ev, j) => {
          const m = r.events![j]!;
          const value = adeValue('ADE_TOTAL_VALUE_IN_MICRO_DOLLAR', m, 0);
          if (m.conversions === 0 && value === 0) return;
          rows.push({
            ad_id: ids.ad_id,
            date: ids.date,
            event_name: ev.name,
            campaign_id: ids.campaign_id,
            ad_group_id: ids.ad_group_id,
            conversions: String(m.conversions),
            conversion_value_micro: String(value),
          } satisfies CustomConversionTruthRow);
        });
      } else if (kind === 'targeting') {
        const [targeting_type, targeting_value] = r.targeting!;
        rows.push({ ...ids, targeting_type, targeting_value, ...metrics(r.m) } satisfies TargetingTruthRow);
      } else if (kind === 'keyword') {
        rows.push({ keyword_id: g.key, ...ids, ...metrics(r.m) } satisfies KeywordTruthRow);
      } else rows.push({ ...ids, ...metrics(r.m) } satisfies TruthRow);
    }
  }
  return rows;
}

/** Today's ad-level truth (kind=ad), as tests and benches have always read it. */
export function truthRows(
  ledger: Ledger,
  acct: SandboxAccount,
  startDate: string,
  endDate: string,
  attr: Attribution,
  zone: string,
  asOfMs: number,
): TruthRow[] {
  return truthOf(ledger, acct, { startDate, endDate, attr, zone }, asOfMs) as TruthRow[];
}
