-- overview_daily and channels_report as 016 made them (same columns, same numbers: docs/warehouse.md), with the rows
-- of an advertiser-defined event read per connection that chose one, through the key of ad_custom_conversions_daily,
-- instead of joining the whole table to the connections. A read over every account (the agency overview's last days)
-- then reads only the chosen events' rows, by key, instead of every row of the dates asked for.

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
  FROM pinads.connections c
  CROSS JOIN LATERAL (
    SELECT * FROM pinterest_ads.ad_custom_conversions_daily x
     WHERE x.ad_account_id = c.ad_account_id
       AND x.event_name = substr(c.settings->>'conversion_event', length('custom:') + 1)) x
  -- Written as a LIKE on the setting (not account_conversion_events.custom_event IS NOT NULL) so the planner can
  -- estimate how few connections chose a custom event and read their rows by key.
  WHERE c.settings->>'conversion_event' LIKE 'custom:%'
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
  FROM pinads.connections c
  CROSS JOIN LATERAL (
    SELECT * FROM pinterest_ads.ad_custom_conversions_daily x
     WHERE x.ad_account_id = c.ad_account_id
       AND x.event_name = substr(c.settings->>'conversion_event', length('custom:') + 1)) x
  -- Written as a LIKE on the setting (not account_conversion_events.custom_event IS NOT NULL) so the planner can
  -- estimate how few connections chose a custom event and read their rows by key.
  WHERE c.settings->>'conversion_event' LIKE 'custom:%'
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
