{# Every combination of the given columns in another model has a row here (a composite relationships test). #}
{% test covers(model, source_model, columns) %}
select {{ columns | join(', ') }} from {{ source_model }}
except
select {{ columns | join(', ') }} from {{ model }}
{% endtest %}
