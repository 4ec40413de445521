-- The four metrics Fivetran's dbt packages sum besides ours (docs/warehouse.md, Coming from Fivetran): earned impressions and clicks
-- (IMPRESSION_2, CLICKTHROUGH_2) and the quantity and value of all conversions, not only checkouts.
-- Nullable on purpose: rows loaded before this migration were never asked for them, and NULL says "not pulled"
-- where 0 would claim "none happened". A sync or backfill that replaces a window fills them in.
ALTER TABLE pinterest_ads.ad_daily_metrics
  ADD COLUMN impressions_earned bigint CHECK (impressions_earned >= 0),
  ADD COLUMN clicks_earned bigint CHECK (clicks_earned >= 0),
  ADD COLUMN total_conversions_quantity numeric CHECK (total_conversions_quantity >= 0),
  ADD COLUMN total_conversions_value_micro bigint CHECK (total_conversions_value_micro >= 0);
