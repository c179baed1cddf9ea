{#
  References are written without the database (catalog) name: DuckDB names the catalog after the file, and the
  published snapshot is a copy under another name, so a view over "bilat.work".core.articles would break there.
#}
{% macro ref() %}
    {% do return(builtins.ref(*varargs, **kwargs).include(database=false)) %}
{% endmacro %}

{% macro source() %}
    {% do return(builtins.source(*varargs, **kwargs).include(database=false)) %}
{% endmacro %}
