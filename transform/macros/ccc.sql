{# Portable pieces the models share; each says why it is not plain SQL. #}

{# Unix seconds to a UTC timestamp without time zone; 0 and null (CCC's "never") become null.
   Interval arithmetic reads the same in DuckDB and PostgreSQL, unlike to_timestamp's time zones. #}
{% macro unix_to_timestamp(column) -%}
  case when {{ column }} > 0 then timestamp '1970-01-01 00:00:00' + {{ column }} * interval '1 second' end
{%- endmacro %}

{# The label CCC documents for a code (seed ccc_code_labels), null for a code it does not document. #}
{% macro code_label(field, column) -%}
  (select l.label from {{ ref('ccc_code_labels') }} as l where l.field = '{{ field }}' and l.code = {{ column }})
{%- endmacro %}

{# One row per element of an array column, each a JSON value; used in a select list. #}
{% macro json_array_elements(column) -%}
  {{ return(adapter.dispatch('json_array_elements', 'tap_ccc_campaign')(column)) }}
{%- endmacro %}

{% macro default__json_array_elements(column) -%}
  unnest(cast({{ column }} as json[]))
{%- endmacro %}

{# target-postgres loads a JSON array of objects as jsonb[]: a native array. #}
{% macro postgres__json_array_elements(column) -%}
  unnest({{ column }})
{%- endmacro %}

{# A share in percent with two decimals; null when the denominator is 0. #}
{% macro percent(numerator, denominator) -%}
  cast(100.0 * ({{ numerator }}) / nullif({{ denominator }}, 0) as numeric(9, 2))
{%- endmacro %}

{# The key analysts join campaigns on: one text column instead of (SdkAppId, CampaignId). #}
{% macro campaign_key(app, campaign) -%}
  cast({{ app }} as varchar) || ':' || cast({{ campaign }} as varchar)
{%- endmacro %}

{# How many elements an array column holds (0 for null). #}
{% macro array_length(column) -%}
  {{ return(adapter.dispatch('array_length', 'tap_ccc_campaign')(column)) }}
{%- endmacro %}

{% macro default__array_length(column) -%}
  coalesce(json_array_length(cast({{ column }} as json)), 0)
{%- endmacro %}

{# target-postgres loads a JSON array as a native array. #}
{% macro postgres__array_length(column) -%}
  coalesce(cardinality({{ column }}), 0)
{%- endmacro %}

{# Whether every stream named was loaded (var ccc_streams): models over a stream not loaded are
   disabled, so the project builds with any selection of the tap's streams. #}
{% macro loaded(streams) -%}
  {{ return(streams | reject('in', var('ccc_streams')) | list | length == 0) }}
{%- endmacro %}
