-- A sync loaded data, so every report that pinads fills has rows: an empty one means a view lost its data.
{% set filled = ['pinterest_ads__ad_report', 'pinterest_ads__ad_group_report', 'pinterest_ads__campaign_report',
                 'pinterest_ads__advertiser_report', 'pinterest_ads__url_report',
                 'pinterest_ads__keyword_report', 'pinterest_ads__campaign_country_report',
                 'pinterest_ads__campaign_region_report'] %}
{% for model in filled %}
select '{{ model }}' as empty_model where not exists (select 1 from {{ ref(model) }})
{% if not loop.last %}union all{% endif %}
{% endfor %}
