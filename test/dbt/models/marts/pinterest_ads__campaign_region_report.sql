-- Daily performance per campaign and region, from the targeting report. Empty until pinads pulls it.
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_targeting_report') }}
    where targeting_type = 'REGION'
),
regions as (
    select * from {{ ref('stg_pinterest_ads__targeting_geo_region') }}
)
select
    report.date_day,
    report.advertiser_id,
    report.campaign_id,
    report.targeting_value as region_id,
    regions.country_id,
    regions.region_name,
    {{ sum_metrics() }}
from report
left join regions on report.targeting_value = regions.region_id
group by 1, 2, 3, 4, 5, 6
