-- Daily performance per keyword, as dbt_pinterest's pinterest_ads__keyword_report builds it: the report's rows of a
-- keyword and day summed (every ad it ran with), named through keyword_history and the keyword's ad group, campaign
-- and advertiser (the package joins them in that order).
with report as (
    select * from {{ ref('stg_pinterest_ads__keyword_report') }}
),
keywords as (
    select * from {{ ref('stg_pinterest_ads__keyword_history') }} where is_most_recent_record
),
ad_groups as (
    select * from {{ ref('stg_pinterest_ads__ad_group_history') }} where is_most_recent_record
),
campaigns as (
    select * from {{ ref('stg_pinterest_ads__campaign_history') }} where is_most_recent_record
),
advertisers as (
    select * from {{ ref('stg_pinterest_ads__advertiser_history') }} where is_most_recent_record
)
select
    report.date_day,
    advertisers.advertiser_name,
    advertisers.advertiser_id,
    campaigns.campaign_name,
    campaigns.campaign_id,
    ad_groups.ad_group_name,
    ad_groups.ad_group_id,
    report.keyword_id,
    keywords.match_type,
    keywords.parent_type,
    keywords.keyword_value,
    {{ sum_metrics() }}
from report
left join keywords on report.keyword_id = keywords.keyword_id
left join ad_groups on keywords.ad_group_id = ad_groups.ad_group_id
left join campaigns on ad_groups.campaign_id = campaigns.campaign_id
left join advertisers on campaigns.advertiser_id = advertisers.advertiser_id
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
