-- Facts. Money stays in integer micro-units of the account currency; the views divide once.
-- currency and time_zone are stamped on every row so a row means the same thing on its own.

CREATE TABLE pinterest_ads.ad_daily_metrics (
  ad_account_id text NOT NULL,
  ad_id text NOT NULL,
  date date NOT NULL,
  campaign_id text NOT NULL,
  ad_group_id text NOT NULL,
  currency text NOT NULL,
  time_zone text NOT NULL,
  spend_micro bigint NOT NULL DEFAULT 0 CHECK (spend_micro >= 0),
  impressions bigint NOT NULL DEFAULT 0,
  clicks bigint NOT NULL DEFAULT 0,
  outbound_clicks bigint NOT NULL DEFAULT 0,
  conversions numeric NOT NULL DEFAULT 0,
  conversion_value_micro bigint NOT NULL DEFAULT 0,
  total_conversions numeric NOT NULL DEFAULT 0,
  click_window_days int NOT NULL,
  engagement_window_days int NOT NULL,
  view_window_days int NOT NULL,
  conversion_report_time text NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ad_account_id, ad_id, date)
);
-- Replace-window deletes and the views both scan one account's date range.
CREATE INDEX ad_daily_metrics_account_date_idx ON pinterest_ads.ad_daily_metrics (ad_account_id, date);

CREATE TABLE pinterest_ads.ad_hourly_spend (
  ad_account_id text NOT NULL,
  ad_id text NOT NULL,
  hour timestamptz NOT NULL,
  -- The reporting-zone day this hour belongs to, so a window is replaced by date exactly like the daily facts.
  date date NOT NULL,
  spend_micro bigint NOT NULL CHECK (spend_micro >= 0),
  method text NOT NULL DEFAULT 'uniform' CHECK (method IN ('uniform', 'reported')),
  PRIMARY KEY (ad_account_id, ad_id, hour)
);
-- Only one secondary index: this table is 24× the daily one, and every index is paid on each hourly insert.
CREATE INDEX ad_hourly_spend_account_date_idx ON pinterest_ads.ad_hourly_spend (ad_account_id, date);
