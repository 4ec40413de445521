// Ground truth: exactly the rows an ad-level DAY report created right now would contain, in the warehouse's normalized
// names, every id and number as a decimal string so big values stay exact.
import type { SandboxAccount } from './data.ts';
import type { Attribution, Ledger } from './ledger.ts';
import { reportGroups } from './report-writer.ts';

export interface TruthRow {
  ad_id: string;
  date: string;
  campaign_id: string;
  ad_group_id: string;
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
}

/** The report columns the connector requests (schemas/report.ts METRIC_COLUMNS), used to decide row omission. */
const TRUTH_COLUMNS = [
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
];

export function truthRows(
  ledger: Ledger,
  acct: SandboxAccount,
  startDate: string,
  endDate: string,
  attr: Attribution,
  zone: string,
  asOfMs: number,
): TruthRow[] {
  const rows: TruthRow[] = [];
  const query = {
    startDate,
    endDate,
    granularity: 'DAY' as const,
    level: 'PIN_PROMOTION' as const,
    columns: TRUTH_COLUMNS,
    format: 'JSON' as const,
    primarySort: 'BY_ID' as const,
    attr,
    zone,
  };
  for (const g of reportGroups(ledger, acct, query, asOfMs)) {
    for (const r of g.rows) {
      rows.push({
        ad_id: g.key,
        date: r.date!,
        campaign_id: g.entity.campaignId!,
        ad_group_id: g.entity.adGroupId!,
        spend_micro: String(r.m.spend),
        impressions: String(r.m.impressions),
        clicks: String(r.m.clicks),
        outbound_clicks: String(r.m.outbound),
        conversions: String(r.m.checkouts),
        conversion_value_micro: String(r.m.checkoutValue),
        total_conversions: String(r.m.totalConversions),
        impressions_earned: String(r.m.earnedImpressions),
        clicks_earned: String(r.m.earnedClicks),
        total_conversions_quantity: String(r.m.totalConversionsQuantity),
        total_conversions_value_micro: String(r.m.totalConversionsValue),
      });
    }
  }
  return rows;
}
