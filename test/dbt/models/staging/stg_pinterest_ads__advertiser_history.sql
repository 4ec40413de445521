select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('id') }} as advertiser_id,
    name as advertiser_name,
    country,
    currency as currency_code,
    {{ as_string('owner_user_id') }} as owner_user_id,
    owner_username,
    {{ adapter.quote('permissions') }} as advertiser_permissions,
    created_time,
    updated_time,
    {{ most_recent() }}
from {{ source('pinterest_ads', 'advertiser_history') }}
