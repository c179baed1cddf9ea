{#
  Incremental marts: how a build finds what the loads since the last build changed.

  Every load replaces whole collection days of core.* and stamps each day in raw.partition_loads, and each entity
  it adds or changes in raw.entity_changes (bilat/warehouse/load.py). Stamps only grow. An incremental mart keeps
  on each row the collection days of the core rows it was built from (partition_dates) and the latest stamp
  among them (loaded_at; for dyad_timeline also its quoted speakers' changes). A build (dbt's incremental
  materialization, strategy append) then
    1. forgets (`forget_changed`, a pre-hook: one DELETE) every row
       - one of whose days was loaded again since the row was built, or has no stamp (a stamp > its loaded_at):
         rows whose core rows changed or were deleted go;
       - whose key a day loaded since the mart's newest row now feeds (a stamp > max(loaded_at), joined on the
         mart's key through `fed_by`): a known event reported again, a known month with a new interaction;
       - that the model's own `also` condition names: a row that copied an entity that has changed since;
    2. builds every key the mart does not have (`not_built`, in the model's inputs): the ones just forgotten and
       the new ones, from every day's core rows, as a full build would.
  Each row kept was built from exactly the core rows a full build reads for its key, so the mart equals a full
  build (tests/test_models_incremental.py compares them). max(loaded_at) may be older than the last build's
  newest stamp, so a build can look at a day again: that costs a little and changes nothing.
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

{# Step 1, as a pre-hook. fed_by: a relation with the mart's key and partition_date, one row per core row that
   feeds the key; also: a condition on the mart's row `t`. #}
{% macro forget_changed(key, fed_by, also='false') -%}
{%- if is_incremental() -%}
-- a mart built as a table before it was incremental gets the columns, NULL: every row is built again
alter table {{ this }} add column if not exists partition_dates date[];
alter table {{ this }} add column if not exists loaded_at timestamptz;
delete from {{ this }} as t
where t.loaded_at is null
   or exists (select 1 from unnest(t.partition_dates) as d(day) left join {{ day_stamps() }} as s on s.partition_date = d.day
              where s.loaded_at is null or s.loaded_at > t.loaded_at)
   or exists (select 1 from {{ fed_by }} as f
              where f.partition_date in (select partition_date from {{ day_stamps() }}
                                         where loaded_at > (select max(loaded_at) from {{ this }}))
                and {{ key_match(key, 'f', 't') }})
   or ({{ also }})
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

{# An `also` condition: the row copied an entity's name, and the entity is now named otherwise (or gone). #}
{% macro entity_renamed(id_column, name_column) -%}
t.{{ id_column }} is not null and t.{{ name_column }} is distinct from
    (select e.name from {{ source('core', 'entities') }} as e where e.entity_id = t.{{ id_column }})
{%- endmacro %}

{# An `also` condition: an article feeding the row's key (fed_by) quotes directly a speaker that a load added or
   changed since the mart's newest row. The row's loaded_at then takes in that change's stamp too, so the next
   build does not find it again. #}
{% macro quotes_a_changed_speaker(key, fed_by) -%}
exists (select 1 from {{ fed_by }} as f join {{ source('core', 'quotes') }} as q using (article_id)
        where {{ key_match(key, 'f', 't') }} and q.kind = 'direct'
          and q.speaker_id in (select entity_id from raw.entity_changes
                               where changed_at > (select max(loaded_at) from {{ this }})))
{%- endmacro %}
