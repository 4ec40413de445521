select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('advertiser_id') }} as advertiser_id,
    {{ report_metrics() }}
from {{ source('pinterest_ads', 'advertiser_report') }}
