// The read queries behind `pinads report` and `pinads tracking audit`. They read the contract views (docs/warehouse.md)
// and return every number as the text of a Postgres numeric, so no value ever passes through a float.
//
// Aggregates over a date range are recomputed from sums, never by averaging daily ratios: the views' `spend` and
// `revenue` are `micro/1e6` in numeric, which is exact, so Σspend equals Σspend_micro/1e6 and each ratio of the
// totals is divided once, with NULL when its divisor is 0 (as in the views).
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** A numeric as Postgres prints it, or null. */
export type NumericText = string | null;

export const CHANNEL_LEVELS = ['channel', 'campaign', 'ad_group', 'ad'] as const;
export type ChannelLevel = (typeof CHANNEL_LEVELS)[number];

export interface ReportRange {
  adAccountId: string;
  /** Inclusive calendar dates, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface OverviewRow {
  /** YYYY-MM-DD, or 'TOTAL' on a totals row. */
  date: string;
  currency: string;
  spend: NumericText;
  impressions: NumericText;
  clicks: NumericText;
  conversions: NumericText;
  revenue: NumericText;
  ctr: NumericText;
  cpc: NumericText;
  cpm: NumericText;
  cpa: NumericText;
  roas: NumericText;
  /** 'true' when the day is final (account_day_status; every day of the range on a totals row), else 'false'. */
  is_final: 'true' | 'false';
}

export interface ChannelsRow {
  /** The entity id ('pinterest' at level channel), or 'TOTAL' on a totals row. */
  entity_id: string;
  entity_name: string | null;
  currency: string;
  purchases: NumericText;
  revenue: NumericText;
  roas: NumericText;
  cpa: NumericText;
  spend: NumericText;
  /** 'true' when every day of the entity's rows in the range is final, else 'false'. */
  is_final: 'true' | 'false';
}

/** Rows plus one totals row per currency (an ad account has one currency, so normally exactly one). */
export interface ReportResult<R> {
  rows: R[];
  totals: R[];
}

const OVERVIEW_ROWS = `
  SELECT to_char(date, 'YYYY-MM-DD') AS date, currency,
         spend::text, impressions::text, clicks::text, conversions::text, revenue::text,
         ctr::text, cpc::text, cpm::text, cpa::text, roas::text,
         CASE WHEN is_final THEN 'true' ELSE 'false' END AS is_final
    FROM pinterest_ads.overview_daily
   WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date
   ORDER BY date, currency`;

/**
 * The spend of the days whose conversions (and whose revenue) are known. A custom event's conversions come from a
 * daily report, so the latest days have none yet (NULL), and page visits carry no value: a ratio of a range divides
 * only the spend of the days that have its numerator, never that of days still unknown.
 */
const KNOWN_SPEND = (count: string, value: string) =>
  `sum(spend) FILTER (WHERE ${count} IS NOT NULL) AS spend_counted,
           sum(spend) FILTER (WHERE ${value} IS NOT NULL) AS spend_valued`;

const OVERVIEW_TOTALS = `
  WITH t AS (
    SELECT currency, sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks,
           sum(conversions) AS conversions, sum(revenue) AS revenue, bool_and(is_final) AS is_final,
           ${KNOWN_SPEND('conversions', 'revenue')}
      FROM pinterest_ads.overview_daily
     WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date
     GROUP BY currency)
  SELECT 'TOTAL' AS date, currency,
         spend::text, impressions::text, clicks::text, conversions::text, revenue::text,
         (clicks::numeric / nullif(impressions, 0))::text AS ctr,
         (spend / nullif(clicks, 0))::text AS cpc,
         (spend * 1000 / nullif(impressions, 0))::text AS cpm,
         (spend_counted / nullif(conversions, 0))::text AS cpa,
         (revenue / nullif(spend_valued, 0))::text AS roas,
         CASE WHEN is_final THEN 'true' ELSE 'false' END AS is_final
    FROM t
   ORDER BY currency`;

/** The Overview: one row per date of the range that has data, and the totals of the range. */
export async function overviewReport(db: Queryable, range: ReportRange): Promise<ReportResult<OverviewRow>> {
  const params = [range.adAccountId, range.from, range.to];
  const rows = await db.query<OverviewRow>(OVERVIEW_ROWS, params);
  const totals = await db.query<OverviewRow>(OVERVIEW_TOTALS, params);
  return { rows: rows.rows, totals: totals.rows };
}

// Entities are grouped by id (and currency); the name is whatever the entity table says now.
const CHANNELS_BY_ENTITY = `
  WITH e AS (
    SELECT entity_id, max(entity_name) AS entity_name, currency,
           sum(purchases) AS purchases, sum(revenue) AS revenue, sum(spend) AS spend,
           bool_and(is_final) AS is_final, ${KNOWN_SPEND('purchases', 'revenue')}
      FROM pinterest_ads.channels_report
     WHERE level = $1 AND ad_account_id = $2 AND date BETWEEN $3::date AND $4::date
     GROUP BY entity_id, currency)
  SELECT entity_id, entity_name, currency,
         purchases::text, revenue::text,
         (revenue / nullif(spend_valued, 0))::text AS roas,
         (spend_counted / nullif(purchases, 0))::text AS cpa,
         spend::text,
         CASE WHEN is_final THEN 'true' ELSE 'false' END AS is_final
    FROM e
   ORDER BY e.spend DESC NULLS LAST, length(entity_id), entity_id`;

const CHANNELS_TOTALS = `
  WITH t AS (
    SELECT currency, sum(purchases) AS purchases, sum(revenue) AS revenue, sum(spend) AS spend,
           bool_and(is_final) AS is_final, ${KNOWN_SPEND('purchases', 'revenue')}
      FROM pinterest_ads.channels_report
     WHERE level = $1 AND ad_account_id = $2 AND date BETWEEN $3::date AND $4::date
     GROUP BY currency)
  SELECT 'TOTAL' AS entity_id, NULL AS entity_name, currency,
         purchases::text, revenue::text,
         (revenue / nullif(spend_valued, 0))::text AS roas,
         (spend_counted / nullif(purchases, 0))::text AS cpa,
         spend::text,
         CASE WHEN is_final THEN 'true' ELSE 'false' END AS is_final
    FROM t
   ORDER BY currency`;

/** The Channels report at one level: one row per entity aggregated over the range, by spend, and the totals. */
export async function channelsReport(
  db: Queryable,
  range: ReportRange,
  level: ChannelLevel,
): Promise<ReportResult<ChannelsRow>> {
  const params = [level, range.adAccountId, range.from, range.to];
  const rows = await db.query<ChannelsRow>(CHANNELS_BY_ENTITY, params);
  const totals = await db.query<ChannelsRow>(CHANNELS_TOTALS, params);
  return { rows: rows.rows, totals: totals.rows };
}

export interface AuditAd {
  id: string;
  status: string | null;
  name: string | null;
  campaign_id: string | null;
  destination_url: string | null;
}

/** Every ad of the ad account, whatever its status: a paused or archived ad can be resumed or copied, URL and all. */
export async function adsForAudit(db: Queryable, adAccountId: string): Promise<AuditAd[]> {
  const { rows } = await db.query<AuditAd>(
    `SELECT id, status, name, campaign_id, destination_url
       FROM pinterest_ads.ads
      WHERE ad_account_id = $1
      ORDER BY length(id), id`,
    [adAccountId],
  );
  return rows;
}
