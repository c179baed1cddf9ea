{# A model's schema is the one it configures (staging, marts), not dbt's "<target schema>_<schema>". #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
