select
    cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as _fivetran_synced,
    targeting_type,
    targeting_value,
    {{ as_string('pin_promotion_id') }} as pin_promotion_id,
    {{ as_string('ad_group_id') }} as ad_group_id,
    {{ as_string('campaign_id') }} as campaign_id,
    {{ as_string('advertiser_id') }} as advertiser_id,
    {{ report_metrics() }}
from {{ source('pinterest_ads', 'pin_promotion_targeting_report') }}
