select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('id') }} as ad_group_id,
    {{ as_string('campaign_id') }} as campaign_id,
    {{ as_string('ad_account_id') }} as advertiser_id,
    name as ad_group_name,
    status as ad_group_status,
    summary_status,
    pacing_delivery_type,
    placement_group,
    created_time,
    start_time,
    end_time,
    {{ most_recent() }}
from {{ source('pinterest_ads', 'ad_group_history') }}
