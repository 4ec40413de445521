-- Daily performance per ad group.
with report as (
    select * from {{ ref('stg_pinterest_ads__ad_group_report') }}
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
    report.advertiser_id,
    advertisers.advertiser_name,
    advertisers.currency_code,
    report.campaign_id,
    campaigns.campaign_name,
    report.ad_group_id,
    coalesce(ad_groups.ad_group_name, report.ad_group_name) as ad_group_name,
    coalesce(ad_groups.ad_group_status, report.ad_group_status) as ad_group_status,
    ad_groups.start_time,
    ad_groups.end_time,
    {{ sum_metrics() }}
from report
left join ad_groups on report.ad_group_id = ad_groups.ad_group_id
left join campaigns on report.campaign_id = campaigns.campaign_id
left join advertisers on report.advertiser_id = advertisers.advertiser_id
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
