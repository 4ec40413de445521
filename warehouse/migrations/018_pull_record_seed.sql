-- The pull record from before it existed, and fleet-wide chores (pipeline; issues 17, 18, 23 item 1).
--
-- The daily pass plans from pinads.day_pulls: a day that missed its last lookback read is read again. Without this
-- seed, every day an account loaded before 014 would look never pulled, and the first daily pass after the upgrade
-- would re-read up to 914 days of every account. sync_runs knows what was pulled: each succeeded window of the
-- ad-level report, per date, with when (no finality known: is_final false).
INSERT INTO pinads.day_pulls
  (ad_account_id, report, date, time_zone, first_pulled_at, last_pulled_at, last_run_id, rows, is_final)
SELECT pulled.ad_account_id, 'ad_daily', pulled.date,
       coalesce(facts.time_zone,
                CASE WHEN pulled.settings->>'reporting_time_zone' = 'account'
                     THEN coalesce(pulled.settings->>'account_time_zone', a.time_zone, 'UTC') ELSE 'UTC' END),
       pulled.first_pulled_at, pulled.last_pulled_at, pulled.last_run_id, coalesce(facts.n, 0), false
FROM (
  SELECT c.ad_account_id, d::date AS date, min(r.started_at) AS first_pulled_at, max(r.finished_at) AS last_pulled_at,
         (array_agg(r.id ORDER BY r.finished_at DESC, r.id DESC))[1] AS last_run_id,
         (array_agg(c.settings ORDER BY r.finished_at DESC, r.id DESC))[1] AS settings
  FROM pinads.sync_runs r
  JOIN pinads.connections c ON c.id = r.connection_id
  CROSS JOIN LATERAL generate_series(r.window_start, r.window_end, interval '1 day') AS d
  WHERE r.status = 'succeeded' AND r.report = 'ad_daily' AND r.window_start IS NOT NULL
  GROUP BY c.ad_account_id, d::date
) pulled
LEFT JOIN pinterest_ads.ad_accounts a ON a.id = pulled.ad_account_id
LEFT JOIN LATERAL (
  SELECT count(*)::int AS n, min(m.time_zone) AS time_zone FROM pinterest_ads.ad_daily_metrics m
  WHERE m.ad_account_id = pulled.ad_account_id AND m.date = pulled.date
) facts ON true
ON CONFLICT (ad_account_id, report, date) DO NOTHING;

-- Chores one sync does for the whole fleet, claimed in one statement (the geo names behind targeting values).
CREATE TABLE pinads.fleet_chores (
  chore text PRIMARY KEY,
  claimed_at timestamptz NOT NULL,
  done_at timestamptz
);
