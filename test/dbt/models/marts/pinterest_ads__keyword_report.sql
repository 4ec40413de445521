-- Daily performance per keyword. pinads does not pull keyword reports yet: this builds, empty.
with report as (
    select * from {{ ref('stg_pinterest_ads__keyword_report') }}
),
keywords as (
    select * from {{ ref('stg_pinterest_ads__keyword_history') }} where is_most_recent_record
)
select
    report.date_day,
    report.advertiser_id,
    report.campaign_id,
    report.ad_group_id,
    report.keyword_id,
    keywords.match_type,
    keywords.keyword_value,
    {{ sum_metrics() }}
from report
left join keywords on report.keyword_id = keywords.keyword_id
group by 1, 2, 3, 4, 5, 6, 7
