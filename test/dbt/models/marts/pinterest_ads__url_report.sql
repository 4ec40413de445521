-- Daily performance per ad with its landing page and UTM parameters (ads without a destination URL are left out).
with report as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_report') }}
),
pins as (
    select * from {{ ref('stg_pinterest_ads__pin_promotion_history') }} where is_most_recent_record
),
advertisers as (
    select * from {{ ref('stg_pinterest_ads__advertiser_history') }} where is_most_recent_record
)
select
    report.date_day,
    report.advertiser_id,
    advertisers.currency_code,
    report.campaign_id,
    report.ad_group_id,
    report.pin_promotion_id,
    pins.destination_url,
    pins.base_url,
    pins.utm_source,
    pins.utm_medium,
    pins.utm_campaign,
    pins.utm_content,
    pins.utm_term,
    {{ sum_metrics() }}
from report
join pins on report.pin_promotion_id = pins.pin_promotion_id
left join advertisers on report.advertiser_id = advertisers.advertiser_id
where pins.destination_url is not null
group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
