{# The expressions fivetran/dbt_pinterest applies to every report table (stg_pinterest_ads__*_report). #}
{% macro report_metrics() %}
    date_trunc('day', date) as date_day,
    coalesce(impression_1, 0) + coalesce(impression_2, 0) as impressions,
    coalesce(clickthrough_1, 0) + coalesce(clickthrough_2, 0) as clicks,
    spend_in_micro_dollar / 1000000.0 as spend,
    coalesce(total_conversions, 0) as total_conversions,
    coalesce(total_conversions_quantity, 0) as total_conversions_quantity,
    coalesce(total_conversions_value_in_micro_dollar, 0) / 1000000.0 as total_conversions_value
{% endmacro %}

{# Ids are compared as strings by the packages. #}
{% macro as_string(column) %}cast({{ column }} as {{ dbt.type_string() }}){% endmacro %}

{# History tables keep one row per id: the most recent by _fivetran_synced. #}
{% macro most_recent(id='id') %}
    row_number() over (partition by {{ id }} order by _fivetran_synced desc) = 1 as is_most_recent_record
{% endmacro %}

{# A query parameter of a URL, as dbt_utils.get_url_parameter extracts it (no package download needed). #}
{% macro url_parameter(field, name) %}
    nullif({{ dbt.split_part(dbt.split_part(field, "'" ~ name ~ "='", 2), "'&'", 1) }}, '')
{% endmacro %}

{# The metric sums of a mart. #}
{% macro sum_metrics(alias='report') %}
    sum({{ alias }}.spend) as spend,
    sum({{ alias }}.clicks) as clicks,
    sum({{ alias }}.impressions) as impressions,
    sum({{ alias }}.total_conversions) as total_conversions,
    sum({{ alias }}.total_conversions_quantity) as total_conversions_quantity,
    sum({{ alias }}.total_conversions_value) as total_conversions_value
{% endmacro %}
