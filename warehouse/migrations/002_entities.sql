-- Entities as the API describes them, upserted by id. IDs are text because Pinterest IDs reach 19 digits.
-- Typed columns hold what reports and audits read; raw keeps the whole API object so nothing is lost.

CREATE TABLE pinterest_ads.ad_accounts (
  id text PRIMARY KEY,
  name text,
  currency text NOT NULL,
  country text,
  time_zone text,
  owner_username text,
  created_time timestamptz,
  updated_time timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);

CREATE TABLE pinterest_ads.campaigns (
  id text PRIMARY KEY,
  ad_account_id text NOT NULL,
  name text,
  status text,
  summary_status text,
  objective_type text,
  -- Spend caps are micro-units of the account currency, like every *_micro column.
  daily_spend_cap_micro bigint,
  lifetime_spend_cap_micro bigint,
  start_time timestamptz,
  end_time timestamptz,
  created_time timestamptz,
  updated_time timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);
CREATE INDEX campaigns_ad_account_idx ON pinterest_ads.campaigns (ad_account_id);

CREATE TABLE pinterest_ads.ad_groups (
  id text PRIMARY KEY,
  ad_account_id text NOT NULL,
  campaign_id text,
  name text,
  status text,
  summary_status text,
  budget_type text,
  budget_micro bigint,
  bid_micro bigint,
  billable_event text,
  start_time timestamptz,
  end_time timestamptz,
  created_time timestamptz,
  updated_time timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);
CREATE INDEX ad_groups_ad_account_idx ON pinterest_ads.ad_groups (ad_account_id);

CREATE TABLE pinterest_ads.ads (
  id text PRIMARY KEY,
  ad_account_id text NOT NULL,
  campaign_id text,
  ad_group_id text,
  pin_id text,
  name text,
  status text,
  summary_status text,
  review_status text,
  creative_type text,
  destination_url text,
  created_time timestamptz,
  updated_time timestamptz,
  synced_at timestamptz NOT NULL DEFAULT now(),
  raw jsonb NOT NULL
);
CREATE INDEX ads_ad_account_idx ON pinterest_ads.ads (ad_account_id);
