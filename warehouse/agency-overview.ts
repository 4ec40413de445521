// The agency overview: every connection's last 7 days in one statement, each connection in its own reporting zone
// (the caller resolves the zones with core's rule and passes each connection's today). The numbers are read from
// pinterest_ads.overview_daily, the view `pinads report overview` reads, and summed in Postgres numeric exactly as
// its totals row is: so the overview shows, to the digit, what the report prints for the same days.
//
// Cost: one index probe per connection for freshness (sync_runs_hourly_ok_idx) and one for its open alert, and one
// range scan of the facts of the (at most 8) dates any connection's last 7 days cover, aggregated once; nothing
// reads sync_runs or the facts beyond that.
import type pg from 'pg';
import type { NumericText } from './reports.ts';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** A connection with its reporting zone and today in that zone (core/reporting-day.ts decides both). */
export interface OverviewSubject {
  id: string;
  zone: string;
  today: string;
}

export const OVERVIEW_STATUSES = ['active', 'paused', 'needs_reauth', 'alert'] as const;
export type OverviewStatus = (typeof OVERVIEW_STATUSES)[number];
export const OVERVIEW_SORTS = [
  'name',
  'status',
  'spend_today',
  'spend_yesterday',
  'spend_7d',
  'conversions_7d',
  'roas_7d',
  'freshness',
] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];

export interface OverviewQuery {
  /** 'alert': connections with an open alert, whatever their status. */
  status?: OverviewStatus;
  currency?: string;
  /** Part of the name, the connection id or the ad account id (case-insensitive). */
  text?: string;
  sort: OverviewSort;
  desc: boolean;
}

/** Money in the account currency and counts, as numeric text; one row per connection, or a per-currency total. */
export interface OverviewRow {
  /** The connection id, or 'TOTAL' on a per-currency totals row. */
  id: string;
  name: string | null;
  ad_account_id: string | null;
  account_name: string | null;
  status: string | null;
  status_reason: string | null;
  zone: string | null;
  today: string | null;
  currency: string | null;
  spend_today: NumericText;
  spend_yesterday: NumericText;
  /** Spend of each of the 7 days ending today, oldest first (0 for a day without facts). */
  trend: string[];
  spend_7d: NumericText;
  conversions_7d: NumericText;
  revenue_7d: NumericText;
  roas_7d: NumericText;
  /** When the last hourly window of the ad-level report committed (null: never). */
  last_window_at: Date | null;
  alert_kind: string | null;
  alert_since: Date | null;
  alert_reason: string | null;
  /** On totals rows: how many connections the total covers. */
  connections: number;
}

// Money sorts compare amounts within a currency: ¥100,000 is not more than $900. Qualified names: the output
// columns of the same names are text.
const ORDER: Record<OverviewSort, string> = {
  name: 'lower(e.name)',
  status: "CASE WHEN e.alert_kind IS NOT NULL THEN 0 WHEN e.status = 'active' THEN 2 ELSE 1 END",
  spend_today: 'e.currency, e.t6',
  spend_yesterday: 'e.currency, e.t5',
  spend_7d: 'e.currency, e.spend_7d',
  conversions_7d: 'e.conversions_7d',
  roas_7d: 'e.revenue_7d / nullif(e.spend_7d, 0)',
  freshness: 'e.last_window_at',
};

const days = [0, 1, 2, 3, 4, 5, 6];
const SQL = (order: string) => `
  WITH p AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) AS p(id, zone, today)
  ),
  c AS (
    SELECT c.id, c.name, c.ad_account_id, c.status, c.status_reason, p.zone, p.today,
           a.name AS account_name, a.currency, ok.at AS last_window_at,
           al.kind AS alert_kind, al.since AS alert_since, al.reason AS alert_reason
      FROM p JOIN pinads.connections c ON c.id = p.id
      LEFT JOIN pinterest_ads.ad_accounts a ON a.id = c.ad_account_id
      LEFT JOIN LATERAL (
        SELECT max(r.finished_at) AS at FROM pinads.sync_runs r
         WHERE r.connection_id = c.id AND r.status = 'succeeded' AND r.kind IN ('hourly', 'manual')
           AND r.report = 'ad_daily') ok ON true
      LEFT JOIN pinads.alerts al ON al.connection_id = c.id AND al.resolved_at IS NULL
     WHERE ($4::text IS NULL OR CASE WHEN $4 = 'alert' THEN al.id IS NOT NULL ELSE c.status = $4 END)
       AND ($5::text IS NULL OR a.currency = $5)
       AND ($6::text IS NULL OR strpos(lower(c.name || ' ' || c.id || ' ' || c.ad_account_id), lower($6)) > 0)
  ),
  -- One range scan of the days any connection's 7 days can touch (the view's dates are grouping keys, so the range
  -- reaches ad_daily_metrics' date index), aggregated once, then matched to each connection's own 7 days.
  f AS (
    SELECT o.ad_account_id, o.currency, o.date, o.spend, o.conversions, o.revenue
      FROM pinterest_ads.overview_daily o
     WHERE o.date BETWEEN (SELECT min(today) - 6 FROM p) AND (SELECT max(today) FROM p)
  ),
  agg AS (
    SELECT c.id, ${days.map((i) => `sum(f.spend) FILTER (WHERE f.date = c.today - ${6 - i}) AS t${i}`).join(', ')},
           sum(f.spend) AS spend_7d, sum(f.conversions) AS conversions_7d, sum(f.revenue) AS revenue_7d
      FROM c JOIN f ON f.ad_account_id = c.ad_account_id AND f.currency = c.currency
                   AND f.date BETWEEN c.today - 6 AND c.today
     GROUP BY c.id
  ),
  m AS (
    SELECT c.*, ${days.map((i) => `coalesce(agg.t${i}, 0) AS t${i}`).join(', ')},
           agg.spend_7d, agg.conversions_7d, agg.revenue_7d
      FROM c LEFT JOIN agg ON agg.id = c.id
  ),
  rows AS (
    SELECT 0 AS part, id, name, ad_account_id, account_name, status, status_reason, zone, today::text AS today,
           currency, ${days.map((i) => `t${i}`).join(', ')}, coalesce(spend_7d, 0) AS spend_7d,
           coalesce(conversions_7d, 0) AS conversions_7d, coalesce(revenue_7d, 0) AS revenue_7d,
           last_window_at, alert_kind, alert_since, alert_reason, 1 AS connections
      FROM m
  ),
  totals AS (
    SELECT 1 AS part, 'TOTAL' AS id, NULL AS name, NULL AS ad_account_id, NULL AS account_name, NULL AS status,
           NULL AS status_reason, NULL AS zone, NULL AS today, currency,
           ${days.map((i) => `sum(t${i}) AS t${i}`).join(', ')}, sum(spend_7d) AS spend_7d,
           sum(conversions_7d) AS conversions_7d, sum(revenue_7d) AS revenue_7d, max(last_window_at) AS last_window_at,
           NULL AS alert_kind, NULL::timestamptz AS alert_since, NULL AS alert_reason, count(*)::int AS connections
      FROM rows WHERE currency IS NOT NULL GROUP BY currency
  ),
  everything AS (SELECT * FROM rows UNION ALL SELECT * FROM totals)
  SELECT part, id, name, ad_account_id, account_name, status, status_reason, zone, today, currency,
         CASE WHEN currency IS NULL THEN NULL ELSE t6::text END AS spend_today,
         CASE WHEN currency IS NULL THEN NULL ELSE t5::text END AS spend_yesterday,
         CASE WHEN currency IS NULL THEN ARRAY[]::text[] ELSE ARRAY[${days.map((i) => `t${i}::text`).join(', ')}] END AS trend,
         CASE WHEN currency IS NULL THEN NULL ELSE spend_7d::text END AS spend_7d,
         CASE WHEN currency IS NULL THEN NULL ELSE conversions_7d::text END AS conversions_7d,
         CASE WHEN currency IS NULL THEN NULL ELSE revenue_7d::text END AS revenue_7d,
         (revenue_7d / nullif(spend_7d, 0))::text AS roas_7d,
         last_window_at, alert_kind, alert_since, alert_reason, connections
    FROM everything e
   ORDER BY e.part, ${order}, lower(e.name), e.currency, e.id`;

/** The overview rows (filtered and sorted) followed by one totals row per currency of the rows shown. */
export async function agencyOverview(
  db: Queryable,
  subjects: readonly OverviewSubject[],
  q: OverviewQuery,
): Promise<{ rows: OverviewRow[]; totals: OverviewRow[] }> {
  const dir = q.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST';
  const order = ORDER[q.sort]
    .split(', ')
    .map((e, i, all) => (i === all.length - 1 ? `${e} ${dir}` : e))
    .join(', ');
  const { rows } = await db.query<OverviewRow & { part: number }>(SQL(order), [
    subjects.map((s) => s.id),
    subjects.map((s) => s.zone),
    subjects.map((s) => s.today),
    q.status ?? null,
    q.currency ?? null,
    q.text?.trim() || null,
  ]);
  return {
    rows: rows.filter((r) => r.part === 0),
    totals: rows.filter((r) => r.part === 1),
  };
}

/** What the overview needs to resolve each connection's zone (by core's rule) before the query. */
export interface ZoneFacts {
  id: string;
  ad_account_id: string;
  reporting_time_zone: 'utc' | 'account';
  account_time_zone: string | null;
  /** The synced ad account's zone. */
  time_zone: string | null;
}

export async function connectionZoneFacts(db: Queryable): Promise<ZoneFacts[]> {
  const { rows } = await db.query<ZoneFacts>(
    `SELECT c.id, c.ad_account_id, coalesce(c.settings->>'reporting_time_zone', 'utc') AS reporting_time_zone,
            c.settings->>'account_time_zone' AS account_time_zone, a.time_zone
       FROM pinads.connections c LEFT JOIN pinterest_ads.ad_accounts a ON a.id = c.ad_account_id`,
  );
  return rows;
}

/** Every currency of a connected, synced account (the currency filter's choices). */
export async function overviewCurrencies(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ currency: string }>(
    `SELECT DISTINCT a.currency FROM pinads.connections c JOIN pinterest_ads.ad_accounts a ON a.id = c.ad_account_id
      ORDER BY a.currency`,
  );
  return rows.map((r) => r.currency);
}
