// Read queries about finality and restatements (docs/warehouse.md, Finality and restatements): the recent
// restatements of an ad account for the dashboard, and the count of provisional account-days for the Prometheus
// gauge. Money stays numeric text, as everywhere.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface RestatementRow {
  date: string;
  detected_at: Date;
  run_id: string | null;
  currency: string;
  spend_before: string;
  spend_after: string;
  conversions_before: string;
  conversions_after: string;
  revenue_before: string;
  revenue_after: string;
}

/** The latest restatements of an ad account's ad-level report, newest first. */
export async function recentRestatements(
  db: Queryable,
  adAccountId: string,
  limit = 10,
): Promise<RestatementRow[]> {
  const { rows } = await db.query<RestatementRow>(
    `SELECT date::text, detected_at, run_id::text, currency,
            round(spend_micro_before::numeric / 1000000, 6)::text AS spend_before,
            round(spend_micro_after::numeric / 1000000, 6)::text AS spend_after,
            conversions_before::text, conversions_after::text,
            round(conversion_value_micro_before::numeric / 1000000, 6)::text AS revenue_before,
            round(conversion_value_micro_after::numeric / 1000000, 6)::text AS revenue_after
       FROM pinterest_ads.restatements
      WHERE ad_account_id = $1
      ORDER BY detected_at DESC, date DESC
      LIMIT $2`,
    [adAccountId, limit],
  );
  return rows;
}

/**
 * Days within Pinterest's longest attribution window (60 days, the farthest a late conversion can land) whose
 * ad-level numbers are not final yet, over the ad accounts that have a connection. Older days that were never
 * pulled after finality (e.g. loaded before finality was recorded) are left out: they are no longer expected to move.
 */
export const PROVISIONAL_HORIZON_DAYS = 60;

export async function provisionalDays(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    // Driven by the connections, one primary-key range of day_pulls each: cheap at every scrape, however much
    // history day_pulls holds.
    `SELECT coalesce(sum(x.n), 0)::int AS n
       FROM pinads.connections c
       CROSS JOIN LATERAL (
         SELECT count(*) AS n FROM pinads.day_pulls p
          WHERE p.ad_account_id = c.ad_account_id AND p.report = 'ad_daily'
            AND p.date >= current_date - $1::int AND NOT p.is_final) x`,
    [PROVISIONAL_HORIZON_DAYS],
  );
  return rows[0]?.n ?? 0;
}
