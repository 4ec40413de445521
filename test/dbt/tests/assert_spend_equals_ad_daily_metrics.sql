-- sum(spend) of every report, at every level and day, equals ad_daily_metrics' spend_micro / 1e6 exactly.
-- Returns the rows that differ (or exist on one side only); any row fails the test.
{% set levels = [
    ('advertiser', 'ad_account_id', 'advertiser_id', 'pinterest_ads__advertiser_report'),
    ('campaign', 'campaign_id', 'campaign_id', 'pinterest_ads__campaign_report'),
    ('ad_group', 'ad_group_id', 'ad_group_id', 'pinterest_ads__ad_group_report'),
    ('ad', 'ad_id', 'pin_promotion_id', 'pinterest_ads__ad_report'),
] %}
{% for level, fact_column, model_column, model in levels %}
select '{{ level }}' as level, coalesce(f.id, m.id) as id, coalesce(f.day, m.day) as day,
       f.spend as expected, m.spend as actual
from (
    select {{ fact_column }} as id, date as day, sum(spend_micro) / 1000000.0 as spend
    from {{ source('pinads', 'ad_daily_metrics') }}
    group by 1, 2
) f
full outer join (
    select {{ model_column }} as id, cast(date_day as date) as day, sum(spend) as spend
    from {{ ref(model) }}
    group by 1, 2
) m on f.id = m.id and f.day = m.day
where f.spend is distinct from m.spend
{% if not loop.last %}union all{% endif %}
{% endfor %}
