-- Daily performance per campaign and region, as dbt_pinterest builds it: the targeting report's region rows
-- (targeting_type compared lower-cased), named by targeting_geo_region on targeting_value = region_id, and the
-- region's country by targeting_geo.
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_targeting_report') }}
    where lower(targeting_type) = 'region'
),
regions as (
    select * from {{ ref('stg_pinterest_ads__targeting_geo_region') }}
),
countries as (
    select * from {{ ref('stg_pinterest_ads__targeting_geo') }}
),
fields as (
    select
        report.date_day,
        regions.region_name,
        regions.region_id,
        report.campaign_id,
        regions.country_id,
        {{ sum_metrics() }}
    from report
    left join regions on report.targeting_value = regions.region_id
    group by 1, 2, 3, 4, 5
)
select fields.*, countries.country_name
from fields
left join countries on fields.country_id = countries.country_id
