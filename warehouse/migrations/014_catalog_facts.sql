-- The report catalog's fact tables (catalog/), the standard conversion events on the ad-level facts, and what each
-- load records about the days it pulled: the pull record (finality) and the restatement ledger (docs/warehouse.md).
-- Every fact row carries currency, time zone, the attribution windows and conversion_report_time; money is in
-- micro-units of the account currency, ids are text, and a window is replaced (deleted, then inserted) per account.

-- The standard conversion events besides checkout, so that `--conversion-event add_to_cart|signup|lead|page_visit`
-- stays as fresh as the hourly report. Nullable like 008's columns: rows loaded before were never asked for them,
-- and NULL says "not pulled" where 0 would claim "none happened". Counts are numeric, as conversions are (Pinterest
-- may model them).
ALTER TABLE pinterest_ads.ad_daily_metrics
  ADD COLUMN add_to_carts numeric CHECK (add_to_carts >= 0),
  ADD COLUMN add_to_cart_value_micro bigint CHECK (add_to_cart_value_micro >= 0),
  ADD COLUMN signups numeric CHECK (signups >= 0),
  ADD COLUMN signup_value_micro bigint CHECK (signup_value_micro >= 0),
  ADD COLUMN leads numeric CHECK (leads >= 0),
  ADD COLUMN lead_value_micro bigint CHECK (lead_value_micro >= 0),
  ADD COLUMN page_visits numeric CHECK (page_visits >= 0);

-- Ad-level daily metrics per targeting value (PIN_PROMOTION_TARGETING): one row per ad, day, targeting type
-- (COUNTRY, REGION, AGE_BUCKET, GENDER, APPTYPE, as Pinterest names them) and value, with the metric columns of
-- ad_daily_metrics. The rows of one type add up to the ad's day only where Pinterest attributes every impression.
CREATE TABLE pinterest_ads.ad_targeting_daily_metrics (
  ad_account_id text NOT NULL,
  ad_id text NOT NULL,
  date date NOT NULL,
  targeting_type text NOT NULL,
  targeting_value text NOT NULL,
  campaign_id text NOT NULL,
  ad_group_id text NOT NULL,
  currency text NOT NULL,
  time_zone text NOT NULL,
  spend_micro bigint NOT NULL DEFAULT 0 CHECK (spend_micro >= 0),
  impressions bigint NOT NULL DEFAULT 0 CHECK (impressions >= 0),
  clicks bigint NOT NULL DEFAULT 0 CHECK (clicks >= 0),
  outbound_clicks bigint NOT NULL DEFAULT 0 CHECK (outbound_clicks >= 0),
  conversions numeric NOT NULL DEFAULT 0 CHECK (conversions >= 0),
  conversion_value_micro bigint NOT NULL DEFAULT 0 CHECK (conversion_value_micro >= 0),
  total_conversions numeric NOT NULL DEFAULT 0 CHECK (total_conversions >= 0),
  impressions_earned bigint NOT NULL DEFAULT 0 CHECK (impressions_earned >= 0),
  clicks_earned bigint NOT NULL DEFAULT 0 CHECK (clicks_earned >= 0),
  total_conversions_quantity numeric NOT NULL DEFAULT 0 CHECK (total_conversions_quantity >= 0),
  total_conversions_value_micro bigint NOT NULL DEFAULT 0 CHECK (total_conversions_value_micro >= 0),
  add_to_carts numeric NOT NULL DEFAULT 0 CHECK (add_to_carts >= 0),
  add_to_cart_value_micro bigint NOT NULL DEFAULT 0 CHECK (add_to_cart_value_micro >= 0),
  signups numeric NOT NULL DEFAULT 0 CHECK (signups >= 0),
  signup_value_micro bigint NOT NULL DEFAULT 0 CHECK (signup_value_micro >= 0),
  leads numeric NOT NULL DEFAULT 0 CHECK (leads >= 0),
  lead_value_micro bigint NOT NULL DEFAULT 0 CHECK (lead_value_micro >= 0),
  page_visits numeric NOT NULL DEFAULT 0 CHECK (page_visits >= 0),
  click_window_days int NOT NULL,
  engagement_window_days int NOT NULL,
  view_window_days int NOT NULL,
  conversion_report_time text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ad_account_id, ad_id, date, targeting_type, targeting_value)
);
-- Window replacement and breakdown queries both read one account's date range.
CREATE INDEX ad_targeting_daily_metrics_account_date_idx
  ON pinterest_ads.ad_targeting_daily_metrics (ad_account_id, date);

-- KEYWORD-level daily metrics. The report names an ad on some rows (a keyword's delivery through one ad) and not on
-- others, so the key is the keyword and day plus the ad where there is one: a unique index over coalesce(ad_id, '')
-- keeps ad_id NULL (not a made-up value) where the report names none.
CREATE TABLE pinterest_ads.keyword_daily_metrics (
  ad_account_id text NOT NULL,
  keyword_id text NOT NULL,
  date date NOT NULL,
  ad_id text,
  campaign_id text,
  ad_group_id text,
  currency text NOT NULL,
  time_zone text NOT NULL,
  spend_micro bigint NOT NULL DEFAULT 0 CHECK (spend_micro >= 0),
  impressions bigint NOT NULL DEFAULT 0 CHECK (impressions >= 0),
  clicks bigint NOT NULL DEFAULT 0 CHECK (clicks >= 0),
  outbound_clicks bigint NOT NULL DEFAULT 0 CHECK (outbound_clicks >= 0),
  conversions numeric NOT NULL DEFAULT 0 CHECK (conversions >= 0),
  conversion_value_micro bigint NOT NULL DEFAULT 0 CHECK (conversion_value_micro >= 0),
  total_conversions numeric NOT NULL DEFAULT 0 CHECK (total_conversions >= 0),
  impressions_earned bigint NOT NULL DEFAULT 0 CHECK (impressions_earned >= 0),
  clicks_earned bigint NOT NULL DEFAULT 0 CHECK (clicks_earned >= 0),
  total_conversions_quantity numeric NOT NULL DEFAULT 0 CHECK (total_conversions_quantity >= 0),
  total_conversions_value_micro bigint NOT NULL DEFAULT 0 CHECK (total_conversions_value_micro >= 0),
  add_to_carts numeric NOT NULL DEFAULT 0 CHECK (add_to_carts >= 0),
  add_to_cart_value_micro bigint NOT NULL DEFAULT 0 CHECK (add_to_cart_value_micro >= 0),
  signups numeric NOT NULL DEFAULT 0 CHECK (signups >= 0),
  signup_value_micro bigint NOT NULL DEFAULT 0 CHECK (signup_value_micro >= 0),
  leads numeric NOT NULL DEFAULT 0 CHECK (leads >= 0),
  lead_value_micro bigint NOT NULL DEFAULT 0 CHECK (lead_value_micro >= 0),
  page_visits numeric NOT NULL DEFAULT 0 CHECK (page_visits >= 0),
  click_window_days int NOT NULL,
  engagement_window_days int NOT NULL,
  view_window_days int NOT NULL,
  conversion_report_time text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX keyword_daily_metrics_key
  ON pinterest_ads.keyword_daily_metrics (ad_account_id, keyword_id, date, (coalesce(ad_id, '')));
CREATE INDEX keyword_daily_metrics_account_date_idx ON pinterest_ads.keyword_daily_metrics (ad_account_id, date);

-- Per advertiser-defined event (custom_conversion_event_metrics), each ad-day's conversions and their value.
CREATE TABLE pinterest_ads.ad_custom_conversions_daily (
  ad_account_id text NOT NULL,
  ad_id text NOT NULL,
  date date NOT NULL,
  event_name text NOT NULL,
  campaign_id text NOT NULL,
  ad_group_id text NOT NULL,
  currency text NOT NULL,
  time_zone text NOT NULL,
  conversions numeric NOT NULL DEFAULT 0 CHECK (conversions >= 0),
  conversion_value_micro bigint NOT NULL DEFAULT 0 CHECK (conversion_value_micro >= 0),
  click_window_days int NOT NULL,
  engagement_window_days int NOT NULL,
  view_window_days int NOT NULL,
  conversion_report_time text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ad_account_id, ad_id, date, event_name)
);
CREATE INDEX ad_custom_conversions_daily_account_date_idx
  ON pinterest_ads.ad_custom_conversions_daily (ad_account_id, date);

-- Pinterest's metrics_ready_state answers, per UTC date (the answer is per date, not per account): when pinads
-- first saw each kind of metric ready. NULL: not ready when last asked (checked_at). Filled by the pipeline.
CREATE TABLE pinads.metrics_ready (
  date date PRIMARY KEY,
  non_conversion_ready_at timestamptz,
  conversion_ready_at timestamptz,
  checked_at timestamptz NOT NULL
);

-- The UTC dates a reporting-zone day overlaps: one in UTC, two in any other zone (a day starting at local midnight
-- ends at the next one). Readiness is per UTC date, so a zone's day is ready when all of them are.
CREATE FUNCTION pinads.utc_dates_of(d date, zone text) RETURNS SETOF date
LANGUAGE sql STABLE STRICT AS $$
  SELECT generate_series(
    ((d::timestamp AT TIME ZONE zone) AT TIME ZONE 'UTC')::date,
    ((((d + 1)::timestamp AT TIME ZONE zone) - interval '1 microsecond') AT TIME ZONE 'UTC')::date,
    interval '1 day'
  )::date
$$;

-- The pull record: one row per account, catalog entry (report id) and date ever pulled, written by every window
-- load for every date of its window (rows or not), in the load's transaction. last_pulled_at is the load's clock
-- (the report's request time when the pipeline passes it). is_final is decided at load time: every UTC date the day
-- overlaps had both kinds of metrics ready before the pull, and for TIME_OF_AD_ACTION the longest attribution window
-- after the day had also passed (Pinterest's "ready" does not cover conversions still to come by ad action).
CREATE TABLE pinads.day_pulls (
  ad_account_id text NOT NULL,
  report text NOT NULL,
  date date NOT NULL,
  -- The reporting zone the date is a day of.
  time_zone text NOT NULL,
  first_pulled_at timestamptz NOT NULL,
  last_pulled_at timestamptz NOT NULL,
  -- pinads.sync_runs.id of the run that last pulled it (NULL: a load outside a recorded run).
  last_run_id bigint,
  -- Rows the date holds after the last pull (0: Pinterest reported nothing for it).
  rows integer NOT NULL,
  is_final boolean NOT NULL,
  -- When a pull first found the day final.
  final_at timestamptz,
  PRIMARY KEY (ad_account_id, report, date)
);

-- Finality of each account-day of the ad-level report, as the views and the dashboard show it. Readiness follows
-- metrics_ready live; is_final is the one decided when the day was last pulled (numbers pulled earlier may still
-- move, whatever Pinterest says now).
CREATE VIEW pinterest_ads.account_day_status AS
SELECT p.ad_account_id,
       p.date,
       r.non_conversion_ready_at,
       r.conversion_ready_at,
       p.last_pulled_at,
       p.is_final
FROM pinads.day_pulls p
CROSS JOIN LATERAL (
  SELECT CASE WHEN bool_and(m.non_conversion_ready_at IS NOT NULL) THEN max(m.non_conversion_ready_at) END
           AS non_conversion_ready_at,
         CASE WHEN bool_and(m.conversion_ready_at IS NOT NULL) THEN max(m.conversion_ready_at) END
           AS conversion_ready_at
  FROM pinads.utc_dates_of(p.date, p.time_zone) AS u(date)
  LEFT JOIN pinads.metrics_ready m ON m.date = u.date
) r
WHERE p.report = 'ad_daily';

-- The restatement ledger: per account-day whose spend, conversions or conversion value moved when a window of the
-- ad-level report was replaced, the day's totals before and after, and the run that moved them. A day pulled for
-- the first time is no restatement; a day pulled before with no rows counts as zeros.
CREATE TABLE pinterest_ads.restatements (
  ad_account_id text NOT NULL,
  date date NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now(),
  run_id bigint,
  currency text NOT NULL,
  spend_micro_before bigint NOT NULL,
  spend_micro_after bigint NOT NULL,
  conversions_before numeric NOT NULL,
  conversions_after numeric NOT NULL,
  conversion_value_micro_before bigint NOT NULL,
  conversion_value_micro_after bigint NOT NULL,
  PRIMARY KEY (ad_account_id, date, detected_at)
);
-- "The recent restatements of a connection" (the dashboard) and "what did this run change".
CREATE INDEX restatements_account_detected_idx ON pinterest_ads.restatements (ad_account_id, detected_at DESC);
CREATE INDEX restatements_run_idx ON pinterest_ads.restatements (run_id);
