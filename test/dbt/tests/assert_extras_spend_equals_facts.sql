-- The keyword, country and region models sum spend exactly as pinads' fact tables hold it, per row of their grain:
-- keyword_daily_metrics per keyword and day, ad_targeting_daily_metrics per campaign, value and day. Returns the
-- rows that differ (or exist on one side only); any row fails the test.
{% set reports = [
    ('keyword', "keyword_id", "keyword_daily_metrics", "true",
     "keyword_id", 'pinterest_ads__keyword_report'),
    ('country', "campaign_id || ':' || targeting_value", "ad_targeting_daily_metrics", "targeting_type = 'COUNTRY'",
     "campaign_id || ':' || country_id", 'pinterest_ads__campaign_country_report'),
    ('region', "campaign_id || ':' || targeting_value", "ad_targeting_daily_metrics", "targeting_type = 'REGION'",
     "campaign_id || ':' || region_id", 'pinterest_ads__campaign_region_report'),
] %}
{% for name, fact_key, table, filter, model_key, model in reports %}
select '{{ name }}' as report, coalesce(f.id, m.id) as id, coalesce(f.day, m.day) as day,
       f.spend as expected, m.spend as actual
from (
    select {{ fact_key }} as id, date as day, sum(spend_micro) / 1000000.0 as spend
    from {{ source('pinads', table) }}
    where {{ filter }}
    group by 1, 2
) f
full outer join (
    select {{ model_key }} as id, cast(date_day as date) as day, sum(spend) as spend
    from {{ ref(model) }}
    group by 1, 2
) m on f.id = m.id and f.day = m.day
where f.spend is distinct from m.spend
{% if not loop.last %}union all{% endif %}
{% endfor %}
