-- Fivetran-compatible views (docs/warehouse.md, Coming from Fivetran): the tables fivetran/dbt_pinterest and dbt_ad_reporting read from
-- schema pinterest_ads, named and typed as their column macros declare, so a team that leaves Fivetran keeps every
-- model unchanged. They read ad_daily_metrics and the entity tables only.
--
-- Types, as the packages cast them on Postgres: string → text (every id, even where a macro says int, because
-- Pinterest ids reach 19 digits and the package compares ids as strings), timestamp → timestamp without time zone
-- in UTC (so date_trunc('day', date) does not depend on the session zone), int → bigint (a day's spend in micro-units
-- passes 2^31 at about 2,148 units of currency), numeric → numeric, boolean → boolean.
-- _fivetran_synced is our load time (synced_at). The history views hold one row per entity, its current state:
-- "latest row by _fivetran_synced" picks it.

-- Ad level: one row per ad and report date. NULL in the *_2 and total_conversions_* columns means the row was
-- loaded before migration 008 and not restated since (the packages coalesce NULL to 0).
CREATE VIEW pinterest_ads.pin_promotion_report AS
SELECT
  (m.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  m.ad_group_id::text AS ad_group_id,
  m.ad_account_id::text AS advertiser_id,
  m.campaign_id::text AS campaign_id,
  m.clicks::numeric AS clickthrough_1,
  m.clicks_earned::numeric AS clickthrough_2,
  m.date::timestamp AS date,
  m.impressions::numeric AS impression_1,
  m.impressions_earned::numeric AS impression_2,
  m.ad_id::text AS pin_promotion_id,
  m.spend_micro::numeric AS spend_in_micro_dollar,
  round(m.total_conversions)::bigint AS total_conversions,
  round(m.total_conversions_quantity)::bigint AS total_conversions_quantity,
  m.total_conversions_value_micro::bigint AS total_conversions_value_in_micro_dollar
FROM pinterest_ads.ad_daily_metrics m;

-- The higher levels are exact sums of the ad-level facts (bigint sums are exact numerics, cast back). Names and
-- statuses are the entity's current ones; an entity we have not synced yet still shows, without a name.
CREATE VIEW pinterest_ads.ad_group_report AS
WITH s AS (
  SELECT ad_account_id, campaign_id, ad_group_id, date, max(synced_at) AS synced_at,
         sum(clicks) AS clicks, sum(clicks_earned) AS clicks_earned,
         sum(impressions) AS impressions, sum(impressions_earned) AS impressions_earned,
         sum(spend_micro) AS spend_micro, sum(total_conversions) AS total_conversions,
         sum(total_conversions_quantity) AS total_conversions_quantity,
         sum(total_conversions_value_micro) AS total_conversions_value_micro
  FROM pinterest_ads.ad_daily_metrics
  GROUP BY ad_account_id, campaign_id, ad_group_id, date
)
SELECT
  (s.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  s.ad_group_id::text AS ad_group_id,
  g.name::text AS ad_group_name,
  g.status::text AS ad_group_status,
  s.ad_account_id::text AS advertiser_id,
  s.campaign_id::text AS campaign_id,
  s.clicks::bigint AS clickthrough_1,
  s.clicks_earned::bigint AS clickthrough_2,
  s.date::timestamp AS date,
  s.impressions::bigint AS impression_1,
  s.impressions_earned::bigint AS impression_2,
  s.spend_micro::bigint AS spend_in_micro_dollar,
  round(s.total_conversions)::bigint AS total_conversions,
  round(s.total_conversions_quantity)::bigint AS total_conversions_quantity,
  s.total_conversions_value_micro::bigint AS total_conversions_value_in_micro_dollar
FROM s
LEFT JOIN pinterest_ads.ad_groups g ON g.id = s.ad_group_id;

CREATE VIEW pinterest_ads.campaign_report AS
WITH s AS (
  SELECT ad_account_id, campaign_id, date, max(synced_at) AS synced_at,
         sum(clicks) AS clicks, sum(clicks_earned) AS clicks_earned,
         sum(impressions) AS impressions, sum(impressions_earned) AS impressions_earned,
         sum(spend_micro) AS spend_micro, sum(total_conversions) AS total_conversions,
         sum(total_conversions_quantity) AS total_conversions_quantity,
         sum(total_conversions_value_micro) AS total_conversions_value_micro
  FROM pinterest_ads.ad_daily_metrics
  GROUP BY ad_account_id, campaign_id, date
)
SELECT
  (s.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  s.ad_account_id::text AS advertiser_id,
  s.campaign_id::text AS campaign_id,
  c.name::text AS campaign_name,
  c.status::text AS campaign_status,
  s.clicks::bigint AS clickthrough_1,
  s.clicks_earned::bigint AS clickthrough_2,
  s.date::timestamp AS date,
  s.impressions::bigint AS impression_1,
  s.impressions_earned::bigint AS impression_2,
  s.spend_micro::bigint AS spend_in_micro_dollar,
  round(s.total_conversions)::bigint AS total_conversions,
  round(s.total_conversions_quantity)::bigint AS total_conversions_quantity,
  s.total_conversions_value_micro::bigint AS total_conversions_value_in_micro_dollar
FROM s
LEFT JOIN pinterest_ads.campaigns c ON c.id = s.campaign_id;

CREATE VIEW pinterest_ads.advertiser_report AS
SELECT
  (max(synced_at) AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  ad_account_id::text AS advertiser_id,
  sum(clicks)::bigint AS clickthrough_1,
  sum(clicks_earned)::bigint AS clickthrough_2,
  date::timestamp AS date,
  sum(impressions)::bigint AS impression_1,
  sum(impressions_earned)::bigint AS impression_2,
  sum(spend_micro)::bigint AS spend_in_micro_dollar,
  round(sum(total_conversions))::bigint AS total_conversions,
  round(sum(total_conversions_quantity))::bigint AS total_conversions_quantity,
  sum(total_conversions_value_micro)::bigint AS total_conversions_value_in_micro_dollar
FROM pinterest_ads.ad_daily_metrics
GROUP BY ad_account_id, date;

-- History views: typed columns where we keep them, the rest read from raw (the API object as synced). A raw field
-- of an unexpected JSON type reads as NULL instead of failing every query of the view.
CREATE VIEW pinterest_ads.pin_promotion_history AS
SELECT
  (a.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  a.ad_group_id::text AS ad_group_id,
  a.ad_account_id::text AS ad_account_id,
  (a.raw->>'android_deep_link')::text AS android_deep_link,
  (a.raw->>'click_tracking_url')::text AS click_tracking_url,
  (a.created_time AT TIME ZONE 'UTC')::timestamp AS created_time,
  a.creative_type::text AS creative_type,
  a.destination_url::text AS destination_url,
  a.id::text AS id,
  (a.raw->>'ios_deep_link')::text AS ios_deep_link,
  CASE WHEN jsonb_typeof(a.raw->'is_pin_deleted') = 'boolean' THEN (a.raw->>'is_pin_deleted')::boolean END
    AS is_pin_deleted,
  CASE WHEN jsonb_typeof(a.raw->'is_removable') = 'boolean' THEN (a.raw->>'is_removable')::boolean END
    AS is_removable,
  a.name::text AS name,
  a.pin_id::text AS pin_id,
  a.review_status::text AS review_status,
  a.status::text AS status,
  (a.updated_time AT TIME ZONE 'UTC')::timestamp AS updated_time,
  (a.raw->>'view_tracking_url')::text AS view_tracking_url
FROM pinterest_ads.ads a;

CREATE VIEW pinterest_ads.ad_group_history AS
SELECT
  (g.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  g.campaign_id::text AS campaign_id,
  (g.created_time AT TIME ZONE 'UTC')::timestamp AS created_time,
  (g.end_time AT TIME ZONE 'UTC')::timestamp AS end_time,
  g.id::text AS id,
  g.ad_account_id::text AS ad_account_id,
  g.name::text AS name,
  (g.raw->>'pacing_delivery_type')::text AS pacing_delivery_type,
  (g.raw->>'placement_group')::text AS placement_group,
  (g.start_time AT TIME ZONE 'UTC')::timestamp AS start_time,
  g.status::text AS status,
  g.summary_status::text AS summary_status
FROM pinterest_ads.ad_groups g;

-- budget_spend_cap is the campaign's daily spend cap (Pinterest's daily_spend_cap), like lifetime_spend_cap in
-- micro-units of the account currency.
CREATE VIEW pinterest_ads.campaign_history AS
SELECT
  (c.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  (c.created_time AT TIME ZONE 'UTC')::timestamp AS created_time,
  CASE WHEN c.raw->>'default_ad_group_budget_in_micro_currency' ~ '^-?\d+$'
    THEN (c.raw->>'default_ad_group_budget_in_micro_currency')::bigint END
    AS default_ad_group_budget_in_micro_currency,
  CASE WHEN jsonb_typeof(c.raw->'is_automated_campaign') = 'boolean'
    THEN (c.raw->>'is_automated_campaign')::boolean END AS is_automated_campaign,
  CASE WHEN jsonb_typeof(c.raw->'is_campaign_budget_optimization') = 'boolean'
    THEN (c.raw->>'is_campaign_budget_optimization')::boolean END AS is_campaign_budget_optimization,
  CASE WHEN jsonb_typeof(c.raw->'is_flexible_daily_budgets') = 'boolean'
    THEN (c.raw->>'is_flexible_daily_budgets')::boolean END AS is_flexible_daily_budgets,
  c.id::text AS id,
  c.ad_account_id::text AS advertiser_id,
  c.name::text AS name,
  c.status::text AS status,
  (c.start_time AT TIME ZONE 'UTC')::timestamp AS start_time,
  (c.end_time AT TIME ZONE 'UTC')::timestamp AS end_time,
  c.daily_spend_cap_micro::bigint AS budget_spend_cap,
  c.lifetime_spend_cap_micro::bigint AS lifetime_spend_cap,
  c.objective_type::text AS objective_type
FROM pinterest_ads.campaigns c;

-- currency is the account currency every spend figure is in; permissions is the API's JSON array as text.
CREATE VIEW pinterest_ads.advertiser_history AS
SELECT
  (a.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  a.country::text AS country,
  (a.created_time AT TIME ZONE 'UTC')::timestamp AS created_time,
  a.currency::text AS currency,
  a.id::text AS id,
  (a.raw->'owner'->>'id')::text AS owner_user_id,
  a.owner_username::text AS owner_username,
  a.name::text AS name,
  (a.raw->'permissions')::text AS permissions,
  (a.updated_time AT TIME ZONE 'UTC')::timestamp AS updated_time
FROM pinterest_ads.ad_accounts a;

-- Keyword and targeting reports are not pulled yet: the views exist with the right columns and no rows, so the
-- packages' models build (empty) instead of failing on a missing relation.
CREATE VIEW pinterest_ads.keyword_report AS
SELECT NULL::timestamp AS _fivetran_synced, NULL::text AS ad_group_id, NULL::text AS ad_group_name,
       NULL::text AS ad_group_status, NULL::text AS advertiser_id, NULL::text AS campaign_id,
       NULL::bigint AS clickthrough_1, NULL::bigint AS clickthrough_2, NULL::timestamp AS date,
       NULL::bigint AS impression_1, NULL::bigint AS impression_2, NULL::text AS keyword_id,
       NULL::text AS pin_promotion_id, NULL::bigint AS spend_in_micro_dollar, NULL::bigint AS total_conversions,
       NULL::bigint AS total_conversions_quantity, NULL::bigint AS total_conversions_value_in_micro_dollar
WHERE false;

CREATE VIEW pinterest_ads.keyword_history AS
SELECT NULL::text AS _fivetran_id, NULL::timestamp AS _fivetran_synced, NULL::text AS ad_group_id,
       NULL::text AS advertiser_id, NULL::boolean AS archived, NULL::bigint AS bid, NULL::text AS campaign_id,
       NULL::text AS id, NULL::text AS match_type, NULL::text AS parent_type, NULL::text AS value
WHERE false;

CREATE VIEW pinterest_ads.pin_promotion_targeting_report AS
SELECT NULL::timestamp AS _fivetran_synced, NULL::timestamp AS date, NULL::text AS targeting_type,
       NULL::text AS targeting_value, NULL::text AS ad_group_id, NULL::text AS advertiser_id,
       NULL::text AS campaign_id, NULL::text AS pin_promotion_id, NULL::numeric AS clickthrough_1,
       NULL::numeric AS clickthrough_2, NULL::numeric AS impression_1, NULL::numeric AS impression_2,
       NULL::numeric AS spend_in_micro_dollar, NULL::bigint AS total_conversions,
       NULL::bigint AS total_conversions_quantity, NULL::bigint AS total_conversions_value_in_micro_dollar
WHERE false;

CREATE VIEW pinterest_ads.targeting_geo AS
SELECT NULL::text AS country_id, NULL::text AS country_name, NULL::timestamp AS _fivetran_synced
WHERE false;

CREATE VIEW pinterest_ads.targeting_geo_region AS
SELECT NULL::timestamp AS _fivetran_synced, NULL::text AS country_id, NULL::text AS region_id,
       NULL::text AS region_name
WHERE false;
