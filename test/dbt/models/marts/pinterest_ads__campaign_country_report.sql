-- Daily performance per campaign and country, from the targeting report. Empty until pinads pulls it.
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_targeting_report') }}
    where targeting_type = 'COUNTRY'
),
countries as (
    select * from {{ ref('stg_pinterest_ads__targeting_geo') }}
)
select
    report.date_day,
    report.advertiser_id,
    report.campaign_id,
    report.targeting_value as country_id,
    countries.country_name,
    {{ sum_metrics() }}
from report
left join countries on report.targeting_value = countries.country_id
group by 1, 2, 3, 4, 5
