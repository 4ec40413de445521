-- Daily performance per campaign and country, as dbt_pinterest builds it: the targeting report's country rows
-- (targeting_type compared lower-cased), named by targeting_geo on targeting_value = country_id.
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_targeting_report') }}
    where lower(targeting_type) = 'country'
),
countries as (
    select * from {{ ref('stg_pinterest_ads__targeting_geo') }}
)
select
    report.date_day,
    countries.country_name,
    countries.country_id,
    report.campaign_id,
    {{ sum_metrics() }}
from report
left join countries on report.targeting_value = countries.country_id
group by 1, 2, 3, 4
