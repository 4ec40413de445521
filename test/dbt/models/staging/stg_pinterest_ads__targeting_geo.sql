select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('country_id') }} as country_id,
    country_name
from {{ source('pinterest_ads', 'targeting_geo') }}
