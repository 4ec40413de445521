-- Daily performance per ad (pin promotion), with the names and statuses of its ad group, campaign and advertiser.
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_report') }}
),
pins as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_history') }} where is_most_recent_record
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
    campaigns.campaign_status,
    report.ad_group_id,
    ad_groups.ad_group_name,
    ad_groups.ad_group_status,
    report.pin_promotion_id,
    pins.pin_name,
    pins.pin_status,
    pins.creative_type,
    {{ sum_metrics() }}
from report
left join pins on report.pin_promotion_id = pins.pin_promotion_id
left join ad_groups on report.ad_group_id = ad_groups.ad_group_id
left join campaigns on report.campaign_id = campaigns.campaign_id
left join advertisers on report.advertiser_id = advertisers.advertiser_id
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
