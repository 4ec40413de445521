// What we pull, declared once: the report columns, their normalized names, and the row schemas on both sides.
import { z } from 'zod';
// A real calendar day: "2026-02-30" or "2026-11-00" would pass the window check by string order, then fail in SQL.
import { isIsoDate } from '../common/dates.ts';

/** Normalized metric column → Pinterest async-report column (docs/warehouse.md). A column absent from a row means 0. */
export const METRIC_COLUMNS = {
  spend_micro: 'SPEND_IN_MICRO_DOLLAR',
  impressions: 'IMPRESSION_1',
  clicks: 'CLICKTHROUGH_1',
  outbound_clicks: 'OUTBOUND_CLICK_1',
  conversions: 'TOTAL_CHECKOUT',
  conversion_value_micro: 'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
  total_conversions: 'TOTAL_CONVERSIONS',
  // What Fivetran's dbt packages sum (docs/warehouse.md, Coming from Fivetran): earned delivery, and the quantity and value of every
  // conversion type, not only checkouts.
  impressions_earned: 'IMPRESSION_2',
  clicks_earned: 'CLICKTHROUGH_2',
  total_conversions_quantity: 'TOTAL_CONVERSIONS_QUANTITY',
  total_conversions_value_micro: 'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
} as const;

/** Entity id columns requested alongside the metrics; at level PIN_PROMOTION the row's ad is PIN_PROMOTION_ID. */
export const ID_COLUMNS = [
  'AD_ACCOUNT_ID',
  'CAMPAIGN_ID',
  'AD_GROUP_ID',
  'AD_ID',
  'PIN_PROMOTION_ID',
] as const;

export const REPORT_COLUMNS = [...ID_COLUMNS, ...Object.values(METRIC_COLUMNS)] as const;
export const REPORT_LEVEL = 'PIN_PROMOTION';
export const REPORT_GRANULARITY = 'DAY' as const;

/** Integer-valued metrics (counts and micro-units) and fractional ones (conversions can be modelled). */
const INTEGER_METRICS = [
  'spend_micro',
  'impressions',
  'clicks',
  'outbound_clicks',
  'conversion_value_micro',
  'impressions_earned',
  'clicks_earned',
  'total_conversions_value_micro',
] as const;
const DECIMAL_METRICS = ['conversions', 'total_conversions', 'total_conversions_quantity'] as const;

/**
 * A report row as the streaming parser yields it: JSON numbers arrive as their source text (never a float), JSON
 * strings as strings. IDs may be either.
 */
const ID_RE = /^\d{1,20}$/;
const INT_RE = /^-?\d+(\.0+)?$/;
const DEC_RE = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const idText = z.string().regex(ID_RE, 'must be a numeric id');
const intText = z.string().regex(INT_RE, 'must be an integer');
const decText = z.string().regex(DEC_RE, 'must be a number');
const dateText = z
  .string()
  .regex(DATE_RE, 'must be YYYY-MM-DD')
  .refine(isIsoDate, 'must be a calendar date (YYYY-MM-DD)');

export const RawReportRow = z
  .object({
    DATE: dateText,
    CAMPAIGN_ID: idText,
    AD_GROUP_ID: idText,
    AD_ID: idText.optional(),
    PIN_PROMOTION_ID: idText.optional(),
    AD_ACCOUNT_ID: idText.optional(),
    SPEND_IN_MICRO_DOLLAR: intText.optional(),
    IMPRESSION_1: intText.optional(),
    CLICKTHROUGH_1: intText.optional(),
    OUTBOUND_CLICK_1: intText.optional(),
    TOTAL_CHECKOUT: decText.optional(),
    TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR: intText.optional(),
    TOTAL_CONVERSIONS: decText.optional(),
    IMPRESSION_2: intText.optional(),
    CLICKTHROUGH_2: intText.optional(),
    TOTAL_CONVERSIONS_QUANTITY: decText.optional(),
    TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR: intText.optional(),
  })
  .passthrough()
  .refine((r) => r.PIN_PROMOTION_ID !== undefined || r.AD_ID !== undefined, {
    message: 'row has neither PIN_PROMOTION_ID nor AD_ID',
  });
export type RawReportRow = z.infer<typeof RawReportRow>;

/**
 * RawReportRow's checks as plain tests, for the common case of a good row: zod's per-row cost was two thirds of the
 * connector's CPU per report row. Same patterns, so a row that passes here passes RawReportRow; any other row is
 * left to zod, which names the failing field (test/unit/report-row-fast-path.test.ts holds the two together).
 */
const FAST_FIELDS: readonly (readonly [string, RegExp, boolean])[] = [
  ['CAMPAIGN_ID', ID_RE, true],
  ['AD_GROUP_ID', ID_RE, true],
  ['AD_ID', ID_RE, false],
  ['PIN_PROMOTION_ID', ID_RE, false],
  ['AD_ACCOUNT_ID', ID_RE, false],
  ['SPEND_IN_MICRO_DOLLAR', INT_RE, false],
  ['IMPRESSION_1', INT_RE, false],
  ['CLICKTHROUGH_1', INT_RE, false],
  ['OUTBOUND_CLICK_1', INT_RE, false],
  ['TOTAL_CHECKOUT', DEC_RE, false],
  ['TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR', INT_RE, false],
  ['TOTAL_CONVERSIONS', DEC_RE, false],
  ['IMPRESSION_2', INT_RE, false],
  ['CLICKTHROUGH_2', INT_RE, false],
  ['TOTAL_CONVERSIONS_QUANTITY', DEC_RE, false],
  ['TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR', INT_RE, false],
];

/** Calendar dates already proven valid: a report has at most 186 distinct ones, each seen on thousands of rows. */
const validDates = new Set<string>();

export function passesFastChecks(raw: unknown): raw is RawReportRow {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  const date = r.DATE;
  if (typeof date !== 'string') return false;
  if (!validDates.has(date)) {
    if (!DATE_RE.test(date) || !isIsoDate(date)) return false;
    if (validDates.size >= 10_000) validDates.clear();
    validDates.add(date);
  }
  for (const [key, re, required] of FAST_FIELDS) {
    const v = r[key];
    if (v === undefined) {
      if (required) return false;
    } else if (typeof v !== 'string' || !re.test(v)) return false;
  }
  return r.PIN_PROMOTION_ID !== undefined || r.AD_ID !== undefined;
}

/** A normalized daily fact, before currency/time zone/attribution settings are stamped on at load time. */
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
  /** numeric like the other conversion counts (Pinterest may model them) */
  total_conversions_quantity: string;
  total_conversions_value_micro: bigint;
}

const MAX_BIGINT = 2n ** 63n - 1n;

export class ReportRowError extends Error {
  override name = 'ReportRowError';
}

function toBigInt(text: string | undefined): bigint {
  if (text === undefined) return 0n;
  // "12.0" is an integer too (INT_RE); only such a text carries a point.
  return BigInt(text.includes('.') ? text.replace(/\.0+$/, '') : text);
}

function toDecimal(text: string | undefined): string {
  if (text === undefined) return '0';
  if (!/[eE]/.test(text)) return text;
  // Exponent form is legal JSON; expand it without going through a float's rounding for ordinary magnitudes.
  return Number(text).toString();
}

/**
 * Validates one report row and maps it to normalized columns. `entityKey` is the top-level key the row was found
 * under (the ad id); `window` bounds the dates we asked for. Errors name the row and the field.
 */
export function normalizeReportRow(
  raw: unknown,
  ctx: { entityKey: string; index: number; window: { start: string; end: string } },
): DailyFactRow {
  const where = `report row ${ctx.index} (ad ${ctx.entityKey})`;
  let r: RawReportRow;
  if (passesFastChecks(raw)) r = raw;
  else {
    const parsed = RawReportRow.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ReportRowError(`${where}: ${issue.path.join('.') || 'row'} ${issue.message}`);
    }
    r = parsed.data;
  }
  const adId = r.PIN_PROMOTION_ID ?? r.AD_ID!;
  if (adId !== ctx.entityKey)
    throw new ReportRowError(`${where}: PIN_PROMOTION_ID ${adId} differs from its key ${ctx.entityKey}`);
  if (r.DATE < ctx.window.start || r.DATE > ctx.window.end) {
    throw new ReportRowError(
      `${where}: DATE ${r.DATE} is outside the requested window ${ctx.window.start}..${ctx.window.end}`,
    );
  }
  const row: DailyFactRow = {
    ad_id: adId,
    date: r.DATE,
    campaign_id: r.CAMPAIGN_ID,
    ad_group_id: r.AD_GROUP_ID,
    spend_micro: toBigInt(r.SPEND_IN_MICRO_DOLLAR),
    impressions: toBigInt(r.IMPRESSION_1),
    clicks: toBigInt(r.CLICKTHROUGH_1),
    outbound_clicks: toBigInt(r.OUTBOUND_CLICK_1),
    conversions: toDecimal(r.TOTAL_CHECKOUT),
    conversion_value_micro: toBigInt(r.TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR),
    total_conversions: toDecimal(r.TOTAL_CONVERSIONS),
    impressions_earned: toBigInt(r.IMPRESSION_2),
    clicks_earned: toBigInt(r.CLICKTHROUGH_2),
    total_conversions_quantity: toDecimal(r.TOTAL_CONVERSIONS_QUANTITY),
    total_conversions_value_micro: toBigInt(r.TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR),
  };
  for (const k of INTEGER_METRICS) {
    if (row[k] < 0n) throw new ReportRowError(`${where}: ${METRIC_COLUMNS[k]} is negative`);
    // A bigint column cannot hold it; caught here, it is a clear non-retryable error instead of a failing COPY.
    if (row[k] > MAX_BIGINT)
      throw new ReportRowError(`${where}: ${METRIC_COLUMNS[k]} ${row[k]} is out of range (above 2^63-1)`);
  }
  for (const k of DECIMAL_METRICS) {
    if (row[k].startsWith('-')) throw new ReportRowError(`${where}: ${METRIC_COLUMNS[k]} is negative`);
    // An exponent beyond a double's range expands to "Infinity", which numeric would store as is.
    if (!Number.isFinite(Number(row[k])))
      throw new ReportRowError(`${where}: ${METRIC_COLUMNS[k]} is not a finite number`);
  }
  return row;
}
