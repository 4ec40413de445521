-- Daily performance per campaign.
with report as (
    select * from {{ ref('stg_pinterest_ads__campaign_report') }}
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
    coalesce(campaigns.campaign_name, report.campaign_name) as campaign_name,
    coalesce(campaigns.campaign_status, report.campaign_status) as campaign_status,
    campaigns.objective_type,
    campaigns.budget_spend_cap,
    campaigns.lifetime_spend_cap,
    {{ sum_metrics() }}
from report
left join campaigns on report.campaign_id = campaigns.campaign_id
left join advertisers on report.advertiser_id = advertisers.advertiser_id
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
