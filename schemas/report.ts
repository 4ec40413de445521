// The ad-level report's names as the rest of the code has known them, now derived from the catalog's `ad_daily`
// entry (catalog/entries.ts), which declares them once.
import {
  AD_DAILY,
  passesFastChecks as entryFastChecks,
  type NormalizedRow,
  normalizeRow,
  type RowContext,
  rawRowSchema,
} from '../catalog/index.ts';
import { requestedColumns } from '../catalog/request.ts';

export { ReportRowError } from '../catalog/normalize.ts';

/** Normalized metric column → Pinterest async-report column (docs/warehouse.md). A column absent from a row means 0. */
export const METRIC_COLUMNS: Readonly<Record<string, string>> = Object.fromEntries(
  AD_DAILY.columns
    .filter((c) => c.name !== null && ['count', 'micro', 'decimal'].includes(c.kind))
    .map((c) => [c.name, c.source]),
);

export const REPORT_COLUMNS: readonly string[] = requestedColumns(AD_DAILY);
export const REPORT_LEVEL = AD_DAILY.level;
export const REPORT_GRANULARITY = AD_DAILY.granularity;

/** A report row as the streaming parser yields it, checked (numbers as their JSON text). */
export const RawReportRow = rawRowSchema(AD_DAILY);

export function passesFastChecks(raw: unknown): boolean {
  return entryFastChecks(AD_DAILY, raw);
}

/** A normalized ad-level daily fact, before currency, zone and attribution settings are stamped on at load time. */
export interface DailyFactRow {
  ad_id: string;
  date: string;
  campaign_id: string;
  ad_group_id: string;
  spend_micro: bigint;
  impressions: bigint;
  clicks: bigint;
  outbound_clicks: bigint;
  /** numeric, kept as decimal text so nothing rounds through a float */
  conversions: string;
  conversion_value_micro: bigint;
  total_conversions: string;
  impressions_earned: bigint;
  clicks_earned: bigint;
  total_conversions_quantity: string;
  total_conversions_value_micro: bigint;
  add_to_carts: string;
  add_to_cart_value_micro: bigint;
  signups: string;
  signup_value_micro: bigint;
  leads: string;
  lead_value_micro: bigint;
  page_visits: string;
}

const entry = AD_DAILY;
const normalize = normalizeRow;

/** Validates one ad-level report row and maps it to normalized columns; errors name the row and the field. */
export function normalizeReportRow(raw: unknown, ctx: RowContext): DailyFactRow {
  const out: NormalizedRow[] = [];
  normalize(entry, raw, ctx, out);
  return out[0] as unknown as DailyFactRow;
}
