select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    {{ as_string('ad_group_id') }} as ad_group_id,
    ad_group_name,
    ad_group_status,
    {{ as_string('campaign_id') }} as campaign_id,
    {{ as_string('advertiser_id') }} as advertiser_id,
    {{ report_metrics() }}
from {{ source('pinterest_ads', 'ad_group_report') }}
