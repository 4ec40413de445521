select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('campaign_id') }} as campaign_id,
    campaign_name,
    campaign_status,
    {{ as_string('advertiser_id') }} as advertiser_id,
    {{ report_metrics() }}
from {{ source('pinterest_ads', 'campaign_report') }}
