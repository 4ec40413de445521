select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('country_id') }} as country_id,
    {{ as_string('region_id') }} as region_id,
    region_name
from {{ source('pinterest_ads', 'targeting_geo_region') }}
