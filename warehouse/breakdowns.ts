// The read queries behind `pinads report breakdown` and `pinads report keywords` (and the dashboard's breakdown and
// keyword panels): the daily targeting and keyword reports summed over a range, per targeting value or keyword.
// Every number is the text of a Postgres numeric, as in warehouse/reports.ts: money from micro-units exactly, each
// ratio divided once from the sums, NULL when its divisor is 0.
//
// Conversions follow the connection's standard conversion event (the event columns exist on these tables too). An
// advertiser-defined event (custom:NAME) has no breakdown in Pinterest's targeting and keyword reports, so there
// conversions, revenue, CPA and ROAS are NULL rather than some other event's numbers.
import type pg from 'pg';
import type { NumericText, ReportRange } from './reports.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** `--by` of `pinads report breakdown`, and the targeting type Pinterest names it. */
export const BREAKDOWN_TYPES = {
  country: 'COUNTRY',
  region: 'REGION',
  age: 'AGE_BUCKET',
  gender: 'GENDER',
  app_type: 'APPTYPE',
} as const;
export type BreakdownBy = keyof typeof BREAKDOWN_TYPES;
export const BREAKDOWN_BYS = Object.keys(BREAKDOWN_TYPES) as BreakdownBy[];

/** The catalog report each read comes from (its pull record says which days are loaded and final). */
export const BREAKDOWN_REPORT = 'ad_targeting_daily';
export const KEYWORD_REPORT = 'keyword_daily';

interface Measures {
  currency: string;
  spend: NumericText;
  impressions: NumericText;
  clicks: NumericText;
  ctr: NumericText;
  cpc: NumericText;
  conversions: NumericText;
  revenue: NumericText;
  cpa: NumericText;
  roas: NumericText;
  /** 'true' when every day of the row is final (pulled after Pinterest said it was ready), else 'false'. */
  is_final: 'true' | 'false';
}

export interface BreakdownRow extends Measures {
  /** The targeting value as Pinterest reports it (a country or region code, an age bucket, …), or 'TOTAL'. */
  value: string;
  /** The country or region name (pinterest_ads.geo_countries / geo_regions); NULL for the other types. */
  name: string | null;
}

export interface KeywordRow extends Measures {
  /** The keyword id, or 'TOTAL'. */
  keyword_id: string;
  keyword: string | null;
  match_type: string | null;
}

export interface ExtraResult<R> {
  rows: R[];
  totals: R[];
  /** The latest day of the range the daily report has pulled, or null when it pulled none. */
  pulledThrough: string | null;
}

/** The chosen standard event's count and value columns; NULL for custom events (not broken down). */
const eventColumns = `
  CASE $5::text WHEN 'checkout' THEN m.conversions WHEN 'add_to_cart' THEN m.add_to_carts
    WHEN 'signup' THEN m.signups WHEN 'lead' THEN m.leads WHEN 'page_visit' THEN m.page_visits END AS conversions,
  CASE $5::text WHEN 'checkout' THEN m.conversion_value_micro WHEN 'add_to_cart' THEN m.add_to_cart_value_micro
    WHEN 'signup' THEN m.signup_value_micro WHEN 'lead' THEN m.lead_value_micro END AS value_micro`;

const measures = (s: string) => `
  ${s}.currency,
  round(${s}.spend_micro::numeric / 1000000, 6)::text AS spend,
  ${s}.impressions::text, ${s}.clicks::text,
  (${s}.clicks::numeric / nullif(${s}.impressions, 0))::text AS ctr,
  (round(${s}.spend_micro::numeric / 1000000, 6) / nullif(${s}.clicks, 0))::text AS cpc,
  ${s}.conversions::text,
  round(${s}.value_micro::numeric / 1000000, 6)::text AS revenue,
  (round(${s}.spend_micro::numeric / 1000000, 6) / nullif(${s}.conversions, 0))::text AS cpa,
  (round(${s}.value_micro::numeric / 1000000, 6) / nullif(${s}.spend_micro::numeric / 1000000, 0))::text AS roas,
  CASE WHEN ${s}.is_final THEN 'true' ELSE 'false' END AS is_final`;

const sums = `sum(spend_micro) AS spend_micro, sum(impressions) AS impressions, sum(clicks) AS clicks,
  sum(conversions) AS conversions, sum(value_micro) AS value_micro, bool_and(is_final) AS is_final`;

/**
 * Per `key` (and currency), the range's sums with each day's finality from the report's pull record; `facts` selects
 * the table's rows of the range as `key…, date, currency, spend_micro, impressions, clicks, <eventColumns>`.
 * $1 account, $2 from, $3 to, $4 report id, $5 event.
 */
function perKey(facts: string, key: string[]): string {
  const k = key.join(', ');
  return `
  WITH f AS (${facts}),
  days AS (
    SELECT ${k}, f.date, f.currency, sum(f.spend_micro) AS spend_micro, sum(f.impressions) AS impressions,
           sum(f.clicks) AS clicks, sum(f.conversions) AS conversions, sum(f.value_micro) AS value_micro,
           coalesce(bool_and(p.is_final), false) AS is_final
      FROM f LEFT JOIN pinads.day_pulls p ON p.ad_account_id = $1 AND p.report = $4 AND p.date = f.date
     GROUP BY ${k}, f.date, f.currency)`;
}

async function pulledThrough(db: Queryable, range: ReportRange, report: string): Promise<string | null> {
  const { rows } = await db.query<{ d: string | null }>(
    `SELECT max(date)::text AS d FROM pinads.day_pulls
      WHERE ad_account_id = $1 AND report = $2 AND date BETWEEN $3::date AND $4::date`,
    [range.adAccountId, report, range.from, range.to],
  );
  return rows[0]?.d ?? null;
}

/** Splits one statement's answer into its rows and its per-currency totals (the `total` column, then dropped). */
function split<R>(answer: (R & { total: boolean })[], pulled: string | null): ExtraResult<R> {
  const strip = ({ total: _, ...r }: R & { total: boolean }) => r as unknown as R;
  return {
    rows: answer.filter((r) => !r.total).map(strip),
    totals: answer.filter((r) => r.total).map(strip),
    pulledThrough: pulled,
  };
}

/**
 * Spend and results per targeting value of one type over the range, by spend, and the totals per currency: one
 * statement, the rows and the totals as two grouping sets of the same per-day sums.
 */
export async function breakdownReport(
  db: Queryable,
  range: ReportRange,
  by: BreakdownBy,
  event: string,
): Promise<ExtraResult<BreakdownRow>> {
  const facts = `SELECT m.targeting_value, m.date, m.currency, m.spend_micro, m.impressions, m.clicks, ${eventColumns}
      FROM pinterest_ads.ad_targeting_daily_metrics m
     WHERE m.ad_account_id = $1 AND m.date BETWEEN $2::date AND $3::date AND m.targeting_type = $6`;
  const [answer, pulled] = await Promise.all([
    db.query<BreakdownRow & { total: boolean }>(
      `${perKey(facts, ['f.targeting_value'])},
       v AS (SELECT targeting_value, currency, grouping(targeting_value) = 1 AS total, ${sums}
               FROM days GROUP BY GROUPING SETS ((targeting_value, currency), (currency)))
       SELECT CASE WHEN v.total THEN 'TOTAL' ELSE v.targeting_value END AS value,
              coalesce(gc.country_name, gr.region_name) AS name, ${measures('v')}, v.total
         FROM v
         LEFT JOIN pinterest_ads.geo_countries gc ON $6 = 'COUNTRY' AND gc.country_id = v.targeting_value
         LEFT JOIN pinterest_ads.geo_regions gr ON $6 = 'REGION' AND gr.region_id = v.targeting_value
        ORDER BY v.total, CASE WHEN v.total THEN v.currency END, v.spend_micro DESC, v.targeting_value`,
      [range.adAccountId, range.from, range.to, BREAKDOWN_REPORT, event, BREAKDOWN_TYPES[by]],
    ),
    pulledThrough(db, range, BREAKDOWN_REPORT),
  ]);
  return split(answer.rows, pulled);
}

/** Spend and results per keyword over the range (every ad it ran with summed), by spend, and the totals. */
export async function keywordsReport(
  db: Queryable,
  range: ReportRange,
  event: string,
): Promise<ExtraResult<KeywordRow>> {
  const facts = `SELECT m.keyword_id, m.date, m.currency, m.spend_micro, m.impressions, m.clicks, ${eventColumns}
      FROM pinterest_ads.keyword_daily_metrics m
     WHERE m.ad_account_id = $1 AND m.date BETWEEN $2::date AND $3::date`;
  const [answer, pulled] = await Promise.all([
    db.query<KeywordRow & { total: boolean }>(
      `${perKey(facts, ['f.keyword_id'])},
       v AS (SELECT keyword_id, currency, grouping(keyword_id) = 1 AS total, ${sums}
               FROM days GROUP BY GROUPING SETS ((keyword_id, currency), (currency)))
       SELECT CASE WHEN v.total THEN 'TOTAL' ELSE v.keyword_id END AS keyword_id, k.value AS keyword, k.match_type,
              ${measures('v')}, v.total
         FROM v LEFT JOIN pinterest_ads.keywords k ON NOT v.total AND k.id = v.keyword_id
        ORDER BY v.total, CASE WHEN v.total THEN v.currency END, v.spend_micro DESC, length(v.keyword_id),
                 v.keyword_id`,
      [range.adAccountId, range.from, range.to, KEYWORD_REPORT, event],
    ),
    pulledThrough(db, range, KEYWORD_REPORT),
  ]);
  return split(answer.rows, pulled);
}
