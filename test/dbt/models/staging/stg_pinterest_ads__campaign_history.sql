select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('id') }} as campaign_id,
    {{ as_string('advertiser_id') }} as advertiser_id,
    name as campaign_name,
    status as campaign_status,
    objective_type,
    created_time,
    start_time,
    end_time,
    default_ad_group_budget_in_micro_currency,
    budget_spend_cap,
    lifetime_spend_cap,
    is_automated_campaign,
    is_campaign_budget_optimization,
    is_flexible_daily_budgets,
    {{ most_recent() }}
from {{ source('pinterest_ads', 'campaign_history') }}
