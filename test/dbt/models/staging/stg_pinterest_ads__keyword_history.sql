select
    _fivetran_id,
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('id') }} as keyword_id,
    {{ as_string('ad_group_id') }} as ad_group_id,
    {{ as_string('campaign_id') }} as campaign_id,
    {{ as_string('advertiser_id') }} as advertiser_id,
    archived,
    bid,
    match_type,
    parent_type,
    value as keyword_value,
    {{ most_recent() }}
from {{ source('pinterest_ads', 'keyword_history') }}
