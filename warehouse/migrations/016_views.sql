-- What analysts read, over the tables of 013 and 014 (docs/warehouse.md): the Overview and Channels views count the
-- conversion event each connection chose and say which days are final; the Fivetran views of the targeting and
-- keyword reports are filled. Column names are contract; new columns only ever go at the end of a view.

-- The conversion event each ad account's Overview counts (`--conversion-event`, stored in the connection's settings):
-- checkout, add_to_cart, signup, lead, page_visit, or custom:NAME for an advertiser-defined event. An account
-- without a connection (deleted; its data stays) counts checkouts, the meaning before the option existed.
CREATE VIEW pinads.account_conversion_events AS
SELECT c.ad_account_id,
       coalesce(c.settings->>'conversion_event', 'checkout') AS conversion_event,
       CASE WHEN c.settings->>'conversion_event' LIKE 'custom:%'
            THEN substr(c.settings->>'conversion_event', length('custom:') + 1) END AS custom_event
FROM pinads.connections c;

-- The Overview. conversions and revenue are the chosen event's count and value:
--   checkout      conversions, conversion_value_micro (TOTAL_CHECKOUT…), as before the option existed
--   add_to_cart   add_to_carts, add_to_cart_value_micro
--   signup        signups, signup_value_micro
--   lead          leads, lead_value_micro
--   page_visit    page_visits; the report pinads pulls has no page-visit value, so revenue and ROAS are NULL
--   custom:NAME   ad_custom_conversions_daily, a daily report: a day it has not pulled yet has NULL conversions
--                 (unknown, not 0); once pulled, a day without rows for the event had none.
-- The standard events are columns of the hourly ad-level facts; rows loaded before migration 014 hold NULL there
-- (not pulled) until a backfill restates them. A custom event's conversions can fall on a day its ad did not
-- deliver (by date of conversion), so its rows are added to the ad-level rows before summing, not joined to them.
-- is_final is account_day_status.is_final (the pull record of the ad-level report; a day never recorded is not
-- final), and with a custom event the daily report's pull of that day must be final too.
CREATE OR REPLACE VIEW pinterest_ads.overview_daily AS
WITH facts AS (
  SELECT m.ad_account_id, m.date, m.currency, m.spend_micro, m.impressions, m.clicks,
         CASE coalesce(e.conversion_event, 'checkout')
           WHEN 'checkout' THEN m.conversions
           WHEN 'add_to_cart' THEN m.add_to_carts
           WHEN 'signup' THEN m.signups
           WHEN 'lead' THEN m.leads
           WHEN 'page_visit' THEN m.page_visits
         END AS conversions,
         CASE coalesce(e.conversion_event, 'checkout')
           WHEN 'checkout' THEN m.conversion_value_micro
           WHEN 'add_to_cart' THEN m.add_to_cart_value_micro
           WHEN 'signup' THEN m.signup_value_micro
           WHEN 'lead' THEN m.lead_value_micro
         END AS value_micro
  FROM pinterest_ads.ad_daily_metrics m
  LEFT JOIN pinads.account_conversion_events e ON e.ad_account_id = m.ad_account_id
  UNION ALL
  SELECT x.ad_account_id, x.date, x.currency, 0, 0, 0, x.conversions, x.conversion_value_micro
  FROM pinterest_ads.ad_custom_conversions_daily x
  JOIN pinads.account_conversion_events e ON e.ad_account_id = x.ad_account_id AND e.custom_event = x.event_name
),
totals AS (
  SELECT ad_account_id, date, currency,
         sum(spend_micro) AS spend_micro, sum(impressions) AS impressions, sum(clicks) AS clicks,
         sum(conversions) AS conversions, sum(value_micro) AS value_micro
  FROM facts
  GROUP BY ad_account_id, date, currency
),
chosen AS (
  SELECT t.ad_account_id, t.date, t.currency,
         round(t.spend_micro::numeric / 1000000, 6) AS spend,
         t.impressions,
         t.clicks,
         CASE WHEN e.custom_event IS NULL THEN t.conversions
              WHEN cp.date IS NOT NULL THEN coalesce(t.conversions, 0) END AS conversions,
         round((CASE WHEN e.custom_event IS NULL THEN t.value_micro
                     WHEN cp.date IS NOT NULL THEN coalesce(t.value_micro, 0) END)::numeric / 1000000, 6) AS revenue,
         coalesce(f.is_final, false) AND (e.custom_event IS NULL OR coalesce(cp.is_final, false)) AS is_final,
         coalesce(e.conversion_event, 'checkout') AS conversion_event
  FROM totals t
  LEFT JOIN pinads.account_conversion_events e ON e.ad_account_id = t.ad_account_id
  LEFT JOIN pinads.day_pulls f ON f.ad_account_id = t.ad_account_id AND f.report = 'ad_daily' AND f.date = t.date
  LEFT JOIN pinads.day_pulls cp ON e.custom_event IS NOT NULL AND cp.ad_account_id = t.ad_account_id
        AND cp.report = 'ad_custom_conversions_daily' AND cp.date = t.date
)
SELECT
  ad_account_id,
  date,
  currency,
  spend,
  impressions,
  clicks,
  conversions,
  revenue,
  clicks / NULLIF(impressions, 0) AS ctr,
  spend / NULLIF(clicks, 0) AS cpc,
  spend * 1000 / NULLIF(impressions, 0) AS cpm,
  spend / NULLIF(conversions, 0) AS cpa,
  revenue / NULLIF(spend, 0) AS roas,
  is_final,
  conversion_event
FROM chosen;

-- Channels: the same choice per ad row, summed per level (channel, campaign, ad group, ad). `purchases` keeps its
-- contract name whatever event it counts (conversion_event says which). A custom event's rows carry their own
-- campaign, ad group and ad ids, so they land on the right entity even on a day the ad did not deliver.
CREATE OR REPLACE VIEW pinterest_ads.channels_report AS
WITH f AS NOT MATERIALIZED (
  SELECT m.ad_account_id, m.campaign_id, m.ad_group_id, m.ad_id, m.date, m.currency, m.spend_micro,
         CASE coalesce(e.conversion_event, 'checkout')
           WHEN 'checkout' THEN m.conversions
           WHEN 'add_to_cart' THEN m.add_to_carts
           WHEN 'signup' THEN m.signups
           WHEN 'lead' THEN m.leads
           WHEN 'page_visit' THEN m.page_visits
         END AS conversions,
         CASE coalesce(e.conversion_event, 'checkout')
           WHEN 'checkout' THEN m.conversion_value_micro
           WHEN 'add_to_cart' THEN m.add_to_cart_value_micro
           WHEN 'signup' THEN m.signup_value_micro
           WHEN 'lead' THEN m.lead_value_micro
         END AS value_micro
  FROM pinterest_ads.ad_daily_metrics m
  LEFT JOIN pinads.account_conversion_events e ON e.ad_account_id = m.ad_account_id
  UNION ALL
  SELECT x.ad_account_id, x.campaign_id, x.ad_group_id, x.ad_id, x.date, x.currency, 0,
         x.conversions, x.conversion_value_micro
  FROM pinterest_ads.ad_custom_conversions_daily x
  JOIN pinads.account_conversion_events e ON e.ad_account_id = x.ad_account_id AND e.custom_event = x.event_name
),
by_level AS (
  SELECT 'channel'::text AS level, ad_account_id, 'pinterest'::text AS entity_id, date, currency,
         sum(conversions) AS purchases, sum(value_micro) AS value_micro, sum(spend_micro) AS spend_micro
  FROM f GROUP BY ad_account_id, date, currency
  UNION ALL
  SELECT 'campaign', ad_account_id, campaign_id, date, currency, sum(conversions), sum(value_micro), sum(spend_micro)
  FROM f GROUP BY ad_account_id, campaign_id, date, currency
  UNION ALL
  SELECT 'ad_group', ad_account_id, ad_group_id, date, currency, sum(conversions), sum(value_micro), sum(spend_micro)
  FROM f GROUP BY ad_account_id, ad_group_id, date, currency
  UNION ALL
  SELECT 'ad', ad_account_id, ad_id, date, currency, sum(conversions), sum(value_micro), sum(spend_micro)
  FROM f GROUP BY ad_account_id, ad_id, date, currency
),
money AS (
  SELECT b.level, b.ad_account_id, b.entity_id, b.date, b.currency,
         coalesce(e.conversion_event, 'checkout') AS conversion_event,
         CASE WHEN e.custom_event IS NULL THEN b.purchases
              WHEN cp.date IS NOT NULL THEN coalesce(b.purchases, 0) END AS purchases,
         round((CASE WHEN e.custom_event IS NULL THEN b.value_micro
                     WHEN cp.date IS NOT NULL THEN coalesce(b.value_micro, 0) END)::numeric / 1000000, 6) AS revenue,
         round(b.spend_micro::numeric / 1000000, 6) AS spend,
         coalesce(fp.is_final, false) AND (e.custom_event IS NULL OR coalesce(cp.is_final, false)) AS is_final
  FROM by_level b
  LEFT JOIN pinads.account_conversion_events e ON e.ad_account_id = b.ad_account_id
  LEFT JOIN pinads.day_pulls fp ON fp.ad_account_id = b.ad_account_id AND fp.report = 'ad_daily' AND fp.date = b.date
  LEFT JOIN pinads.day_pulls cp ON e.custom_event IS NOT NULL AND cp.ad_account_id = b.ad_account_id
        AND cp.report = 'ad_custom_conversions_daily' AND cp.date = b.date
)
SELECT
  x.level,
  x.ad_account_id,
  x.entity_id,
  CASE x.level
    WHEN 'channel' THEN 'Pinterest'
    WHEN 'campaign' THEN c.name
    WHEN 'ad_group' THEN g.name
    WHEN 'ad' THEN a.name
  END AS entity_name,
  x.date,
  x.currency,
  x.purchases,
  x.revenue,
  x.revenue / NULLIF(x.spend, 0) AS roas,
  x.spend / NULLIF(x.purchases, 0) AS cpa,
  x.spend,
  x.is_final,
  x.conversion_event
FROM money x
LEFT JOIN pinterest_ads.campaigns c ON x.level = 'campaign' AND c.id = x.entity_id
LEFT JOIN pinterest_ads.ad_groups g ON x.level = 'ad_group' AND g.id = x.entity_id
LEFT JOIN pinterest_ads.ads a ON x.level = 'ad' AND a.id = x.entity_id;

-- The Fivetran views of 009 that were empty until the targeting and keyword reports were pulled: same names, columns
-- and types as there (docs/warehouse.md, Coming from Fivetran), now over the tables of 013 and 014.

-- Ad level per targeting value: targeting_type as Pinterest names it (COUNTRY, REGION, AGE_BUCKET, GENDER,
-- APPTYPE), which the packages compare lower-cased; COUNTRY and REGION values are the codes of targeting_geo(_region).
CREATE OR REPLACE VIEW pinterest_ads.pin_promotion_targeting_report AS
SELECT
  (m.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  m.date::timestamp AS date,
  m.targeting_type::text AS targeting_type,
  m.targeting_value::text AS targeting_value,
  m.ad_group_id::text AS ad_group_id,
  m.ad_account_id::text AS advertiser_id,
  m.campaign_id::text AS campaign_id,
  m.ad_id::text AS pin_promotion_id,
  m.clicks::numeric AS clickthrough_1,
  m.clicks_earned::numeric AS clickthrough_2,
  m.impressions::numeric AS impression_1,
  m.impressions_earned::numeric AS impression_2,
  m.spend_micro::numeric AS spend_in_micro_dollar,
  round(m.total_conversions)::bigint AS total_conversions,
  round(m.total_conversions_quantity)::bigint AS total_conversions_quantity,
  m.total_conversions_value_micro::bigint AS total_conversions_value_in_micro_dollar
FROM pinterest_ads.ad_targeting_daily_metrics m;

-- Keyword level, per ad where the report names one (pin_promotion_id NULL where it does not). The packages sum the
-- rows of a keyword and day, so each delivery is counted once.
CREATE OR REPLACE VIEW pinterest_ads.keyword_report AS
SELECT
  (m.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  m.ad_group_id::text AS ad_group_id,
  g.name::text AS ad_group_name,
  g.status::text AS ad_group_status,
  m.ad_account_id::text AS advertiser_id,
  m.campaign_id::text AS campaign_id,
  m.clicks::bigint AS clickthrough_1,
  m.clicks_earned::bigint AS clickthrough_2,
  m.date::timestamp AS date,
  m.impressions::bigint AS impression_1,
  m.impressions_earned::bigint AS impression_2,
  m.keyword_id::text AS keyword_id,
  m.ad_id::text AS pin_promotion_id,
  m.spend_micro::bigint AS spend_in_micro_dollar,
  round(m.total_conversions)::bigint AS total_conversions,
  round(m.total_conversions_quantity)::bigint AS total_conversions_quantity,
  m.total_conversions_value_micro::bigint AS total_conversions_value_in_micro_dollar
FROM pinterest_ads.keyword_daily_metrics m
LEFT JOIN pinterest_ads.ad_groups g ON g.id = m.ad_group_id;

-- One row per keyword, its current state (so "latest by _fivetran_synced" picks it); _fivetran_id is the keyword id.
-- bid: Pinterest deprecated keyword bids (always null today); kept from raw when an integer is there.
CREATE OR REPLACE VIEW pinterest_ads.keyword_history AS
SELECT
  k.id::text AS _fivetran_id,
  (k.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced,
  k.ad_group_id::text AS ad_group_id,
  k.ad_account_id::text AS advertiser_id,
  k.archived AS archived,
  CASE WHEN k.raw->>'bid' ~ '^-?\d{1,18}$' THEN (k.raw->>'bid')::bigint END AS bid,
  k.campaign_id::text AS campaign_id,
  k.id::text AS id,
  k.match_type::text AS match_type,
  k.parent_type::text AS parent_type,
  k.value::text AS value
FROM pinterest_ads.keywords k;

CREATE OR REPLACE VIEW pinterest_ads.targeting_geo AS
SELECT c.country_id::text AS country_id, c.country_name::text AS country_name,
       (c.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced
FROM pinterest_ads.geo_countries c;

CREATE OR REPLACE VIEW pinterest_ads.targeting_geo_region AS
SELECT (r.synced_at AT TIME ZONE 'UTC')::timestamp AS _fivetran_synced, r.country_id::text AS country_id,
       r.region_id::text AS region_id, r.region_name::text AS region_name
FROM pinterest_ads.geo_regions r;
