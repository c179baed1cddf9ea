{#
  Incremental marts: how a build finds what the loads since the last build changed.

  Every load replaces whole collection days of core.* and stamps each day in raw.partition_loads, and each entity
  it adds or changes in raw.entity_changes (bilat/warehouse/load.py). Stamps only grow. An incremental mart keeps
  on each row the collection days of the core rows it was built from (partition_dates) and the latest stamp
  among them (loaded_at; for dyad_timeline also its quoted speakers' changes). A build (dbt's incremental
  materialization, strategy append) then
    1. forgets (`forget_changed`, a pre-hook: one DELETE), for the days loaded since the mart's newest row
       (a stamp > max(loaded_at); days no longer stamped count too), every row
       - built from such a day: rows whose core rows changed or were deleted go;
       - whose key such a day now feeds (joined on the mart's key through `fed_by`): a known event reported
         again, a known month with a new interaction;
       - that the model's own `also` query names: a row that copied an entity that has changed since;
    2. builds every key the mart does not have (`not_built`, in the model's inputs): the ones just forgotten and
       the new ones, from every day's core rows, as a full build would.
  Why that is exact: stamps only grow, so a day loaded after a build has a stamp later than every row the build
  left; after a build, every row is at least as new as its days. So the rows whose days were loaded again are
  the rows of the days newer than the mart's newest row, and every other row was built from exactly the core
  rows a full build would read for its key: the mart equals a full build (tests/test_models_incremental.py
  compares them). max(loaded_at) may be older than the last build's newest stamp (a day that fed nothing), so
  a build can look at a day again: that costs a little and changes nothing.
  Core rows written by hand, not through the loader, carry no stamp: rebuild with `dbt build --full-refresh`
  (in Dagster: run config `full_refresh: true` for sql_models).

  raw.partition_loads and raw.entity_changes are read by name, not as sources: they are bookkeeping of every
  loading asset, not the output of one, and a source would give them an asset of their own.
#}

{# The latest stamp of each collection day (any table: a day is as new as its newest load). #}
{% macro day_stamps() -%}
(select partition_date, max(loaded_at) as loaded_at from raw.partition_loads group by partition_date)
{%- endmacro %}

{% macro key_match(key, left, right) -%}
{%- for column in key %}{{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}{{ ' and ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{% macro key_columns(key, alias) -%}
{%- for column in key %}{{ alias }}.{{ column }}{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}

{# Step 1, as a pre-hook. fed_by: a relation with the mart's key and partition_date, a row per core row that feeds
   the key; also: a query of more keys to forget (of the mart's rows, `t`). One DELETE of the union of the keys
   (OR-ed correlated conditions would cost DuckDB a pass over fed_by each). #}
{% macro forget_changed(key, fed_by, also=none) -%}
{%- if is_incremental() -%}
-- a mart built as a table before it was incremental gets the columns, NULL: every row is built again
alter table {{ this }} add column if not exists partition_dates date[];
alter table {{ this }} add column if not exists loaded_at timestamptz;
delete from {{ this }} as t
using (
    with changed as (
        -- days loaded since the mart's newest row was built; and days no longer stamped at all
        select partition_date as day from {{ day_stamps() }} where loaded_at > (select max(loaded_at) from {{ this }})
        union
        select day from (select distinct unnest(partition_dates) as day from {{ this }})
        where day not in (select partition_date from raw.partition_loads)
    )
    -- rows built from such a day (after a build every row is at least as new as its days, so these are the rows
    -- whose days were loaded again), and rows with no bookkeeping
    select {{ key_columns(key, 't') }} from {{ this }} as t
    where t.loaded_at is null or t.partition_dates is null
       or list_has_any(t.partition_dates, (select list(day) from changed))
    union
    -- keys that such a day feeds now
    select {{ key_columns(key, 'f') }} from {{ fed_by }} as f
    where f.partition_date in (select day from changed)
    {%- if also %}
    union
    {{ also }}
    {%- endif %}
) as forget
where {{ key_match(key, 'forget', 't') }}
{%- endif -%}
{%- endmacro %}

{# Step 2, in the model's inputs: `true` in a full build; in an incremental one, the rows whose key the mart lacks. #}
{% macro not_built(key, alias) -%}
{%- if is_incremental() -%}
not exists (select 1 from {{ this }} as built where {{ key_match(key, 'built', alias) }})
{%- else -%}
true
{%- endif -%}
{%- endmacro %}

{# `also` for a mart that copies an entity's name: its rows whose entity is now named otherwise (or is gone). #}
{% macro entity_renamed(key, id_column, name_column) -%}
select {{ key_columns(key, 't') }} from {{ this }} as t
left join {{ source('core', 'entities') }} as e on e.entity_id = t.{{ id_column }}
where t.{{ id_column }} is not null and t.{{ name_column }} is distinct from e.name
{%- endmacro %}

{# `also` for dyad_timeline: keys whose articles (fed_by) quote directly a speaker a load added or changed since the
   mart's newest row. The row's loaded_at then takes in that change's stamp, so the next build does not find it
   again. #}
{% macro quotes_a_changed_speaker(key, fed_by) -%}
select {{ key_columns(key, 'f') }} from {{ fed_by }} as f
join {{ source('core', 'quotes') }} as q using (article_id)
where q.kind = 'direct' and q.speaker_id in (select entity_id from raw.entity_changes
                                             where changed_at > (select max(loaded_at) from {{ this }}))
{%- endmacro %}
