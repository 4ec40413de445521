-- Daily performance per advertiser (ad account), in its currency.
with report as (
    select * from {{ ref('stg_pinterest_ads__advertiser_report') }}
),
advertisers as (
    select * from {{ ref('stg_pinterest_ads__advertiser_history') }} where is_most_recent_record
)
select
    report.date_day,
    report.advertiser_id,
    advertisers.advertiser_name,
    advertisers.currency_code,
    advertisers.country,
    advertisers.owner_username,
    advertisers.advertiser_permissions,
    {{ sum_metrics() }}
from report
left join advertisers on report.advertiser_id = advertisers.advertiser_id
group by 1, 2, 3, 4, 5, 6, 7
