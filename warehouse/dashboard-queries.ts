// The dashboard's own read queries: what `pinads report` has no command for (connection summaries, recent runs,
// the hourly spend of one day, the channel → campaign → ad group → ad tree). The Overview and Channels numbers come
// from warehouse/reports.ts and nowhere else. Money is numeric text, as there: never a float.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface ConnectionSummary {
  id: string;
  name: string;
  ad_account_id: string;
  status: 'active' | 'paused' | 'needs_reauth';
  status_reason: string | null;
  reporting_time_zone: 'utc' | 'account';
  /** The account's zone as resolved when account time was chosen (settings.account_time_zone). */
  account_time_zone: string | null;
  /** What the Overview counts as a conversion (settings.conversion_event; checkout when unset). */
  conversion_event: string;
  account_name: string | null;
  currency: string | null;
  time_zone: string | null;
  last_run_at: Date | null;
  last_run_status: string | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  /** The open alert (pinads.alerts), if any: needs_reauth, paused, config_error or stale. */
  alert_kind: string | null;
  alert_since: Date | null;
  alert_reason: string | null;
}

// One connection's summary for its page: the same fields as runSummary, in one statement. (The home page, for every
// connection at once, is warehouse/agency-overview.ts.)
const SUMMARIES = `
  SELECT c.id, c.name, c.ad_account_id, c.status, c.status_reason,
         coalesce(c.settings->>'reporting_time_zone', 'utc') AS reporting_time_zone,
         c.settings->>'account_time_zone' AS account_time_zone,
         coalesce(c.settings->>'conversion_event', 'checkout') AS conversion_event,
         a.name AS account_name, a.currency, a.time_zone,
         last.started_at AS last_run_at, last.status AS last_run_status,
         ok.finished_at AS last_success_at, err.error AS last_error, err.started_at AS last_error_at,
         al.kind AS alert_kind, al.since AS alert_since, al.reason AS alert_reason
    FROM pinads.connections c
    LEFT JOIN pinterest_ads.ad_accounts a ON a.id = c.ad_account_id
    LEFT JOIN pinads.alerts al ON al.connection_id = c.id AND al.resolved_at IS NULL
    LEFT JOIN LATERAL (SELECT started_at, status FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id ORDER BY started_at DESC LIMIT 1) last ON true
    LEFT JOIN LATERAL (SELECT max(finished_at) AS finished_at FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id AND r.status = 'succeeded') ok ON true
    LEFT JOIN LATERAL (SELECT error, started_at FROM pinads.sync_runs r
                        WHERE r.connection_id = c.id AND r.status = 'failed'
                        ORDER BY started_at DESC LIMIT 1) err ON true`;

export async function connectionSummary(db: Queryable, id: string): Promise<ConnectionSummary | undefined> {
  const { rows } = await db.query<ConnectionSummary>(`${SUMMARIES} WHERE c.id = $1`, [id]);
  return rows[0];
}

export interface RunRow {
  id: string;
  kind: string;
  /** The catalog report the window pulled (ad_daily for the ad-level report). */
  report: string;
  /** null on a run that failed before its first window (token, entities, planning). */
  window_start: string | null;
  window_end: string | null;
  status: 'running' | 'succeeded' | 'failed';
  rows_loaded: string;
  api_calls: number;
  duration_ms: string | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** The connection's latest sync runs, newest first. */
export async function recentRuns(db: Queryable, connectionId: string, limit = 15): Promise<RunRow[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT id::text, kind, report, window_start, window_end, status, rows_loaded::text, api_calls, duration_ms::text,
            error, started_at, finished_at
       FROM pinads.sync_runs WHERE connection_id = $1
      ORDER BY started_at DESC, id DESC LIMIT $2`,
    [connectionId, limit],
  );
  return rows;
}

export interface HourPoint {
  /** Start of the hour, ISO 8601 UTC. */
  hour: string;
  /** The hour's local start, HH:MM in the day's reporting zone (a DST day repeats or skips one). */
  label: string;
  /** Spend of the hour in the account currency, numeric text. */
  spend: string;
}

/**
 * Spend per hour of one reporting day: every hour of that day in its zone (23, 24 or 25), up to the current hour
 * when the day is still open, with 0 for hours without spend. The zone is the one stamped on the day's facts, or
 * `fallbackZone` when the day has none. Reads ad_hourly_spend by its contract columns only.
 */
export async function hourlySpend(
  db: Queryable,
  adAccountId: string,
  day: string,
  fallbackZone: string,
): Promise<{ timeZone: string; hours: HourPoint[] }> {
  const { rows } = await db.query<HourPoint & { zone: string }>(
    `WITH z AS (
       SELECT coalesce((SELECT time_zone FROM pinterest_ads.ad_daily_metrics
                         WHERE ad_account_id = $1 AND date = $2::date LIMIT 1), $3::text) AS zone),
     b AS (
       SELECT zone, $2::date::timestamp AT TIME ZONE zone AS day_start,
              least(($2::date + 1)::timestamp AT TIME ZONE zone, date_trunc('hour', now()) + interval '1 hour') AS day_end
         FROM z),
     hours AS (
       SELECT b.zone, h AS hour FROM b, generate_series(b.day_start, b.day_end - interval '1 hour', interval '1 hour') h),
     spend AS (
       SELECT hour, sum(spend_micro) AS spend_micro FROM pinterest_ads.ad_hourly_spend
        WHERE ad_account_id = $1 AND date = $2::date GROUP BY hour)
     SELECT hours.zone, to_char(hours.hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS hour,
            to_char(hours.hour AT TIME ZONE hours.zone, 'HH24:MI') AS label,
            round(coalesce(spend.spend_micro, 0)::numeric / 1000000, 6)::text AS spend
       FROM hours LEFT JOIN spend ON spend.hour = hours.hour
      ORDER BY hours.hour`,
    [adAccountId, day, fallbackZone],
  );
  return {
    timeZone: rows[0]?.zone ?? fallbackZone,
    hours: rows.map(({ hour, label, spend }) => ({ hour, label, spend })),
  };
}

export interface TreeLink {
  ad_id: string;
  ad_group_id: string;
  campaign_id: string;
}

/** Which ad group and campaign each ad with facts in the range belongs to, as the facts say (names may be missing). */
export async function entityTree(
  db: Queryable,
  adAccountId: string,
  from: string,
  to: string,
): Promise<TreeLink[]> {
  const { rows } = await db.query<TreeLink>(
    `SELECT DISTINCT ON (ad_id) ad_id, ad_group_id, campaign_id
       FROM pinterest_ads.ad_daily_metrics
      WHERE ad_account_id = $1 AND date BETWEEN $2::date AND $3::date
      ORDER BY ad_id, date DESC`,
    [adAccountId, from, to],
  );
  return rows;
}
