-- Reporting views. Money is converted from micro-units exactly once, here, as numeric (never float).
-- round(…, 6) is exact: micro-units have six decimals. Every ratio is NULL when its divisor is 0.

CREATE VIEW pinterest_ads.overview_daily AS
WITH totals AS (
  SELECT
    ad_account_id,
    date,
    currency,
    round(sum(spend_micro)::numeric / 1000000, 6) AS spend,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks,
    sum(conversions) AS conversions,
    round(sum(conversion_value_micro)::numeric / 1000000, 6) AS revenue
  FROM pinterest_ads.ad_daily_metrics
  GROUP BY ad_account_id, date, currency
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
  revenue / NULLIF(spend, 0) AS roas
FROM totals;

-- One row per (level, entity, account, date, currency). Names come from the entity tables by LEFT JOIN, so
-- spend of an entity we have not synced (yet) still shows, with a NULL name.
CREATE VIEW pinterest_ads.channels_report AS
WITH by_level AS (
  SELECT 'channel'::text AS level, m.ad_account_id, 'pinterest'::text AS entity_id, m.date, m.currency,
         sum(m.conversions) AS purchases, sum(m.conversion_value_micro) AS value_micro, sum(m.spend_micro) AS spend_micro
  FROM pinterest_ads.ad_daily_metrics m
  GROUP BY m.ad_account_id, m.date, m.currency
  UNION ALL
  SELECT 'campaign', m.ad_account_id, m.campaign_id, m.date, m.currency,
         sum(m.conversions), sum(m.conversion_value_micro), sum(m.spend_micro)
  FROM pinterest_ads.ad_daily_metrics m
  GROUP BY m.ad_account_id, m.campaign_id, m.date, m.currency
  UNION ALL
  SELECT 'ad_group', m.ad_account_id, m.ad_group_id, m.date, m.currency,
         sum(m.conversions), sum(m.conversion_value_micro), sum(m.spend_micro)
  FROM pinterest_ads.ad_daily_metrics m
  GROUP BY m.ad_account_id, m.ad_group_id, m.date, m.currency
  UNION ALL
  SELECT 'ad', m.ad_account_id, m.ad_id, m.date, m.currency,
         sum(m.conversions), sum(m.conversion_value_micro), sum(m.spend_micro)
  FROM pinterest_ads.ad_daily_metrics m
  GROUP BY m.ad_account_id, m.ad_id, m.date, m.currency
),
money AS (
  SELECT b.*,
         round(b.value_micro::numeric / 1000000, 6) AS revenue,
         round(b.spend_micro::numeric / 1000000, 6) AS spend
  FROM by_level b
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
  x.spend
FROM money x
LEFT JOIN pinterest_ads.campaigns c ON x.level = 'campaign' AND c.id = x.entity_id
LEFT JOIN pinterest_ads.ad_groups g ON x.level = 'ad_group' AND g.id = x.entity_id
LEFT JOIN pinterest_ads.ads a ON x.level = 'ad' AND a.id = x.entity_id;
