-- Incremental (sql/macros/incremental.sql): an event gathers the reports of any collection day, so it is built
-- again when a day it was built from is loaded again or a day loaded since reports it.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_changed(['actor_a', 'actor_b', 'event_date', 'date_precision'], ref('dyad_events')) }}",
) }}

with reports as (
    select r.*, s.loaded_at
    from {{ ref('dyad_events') }} as r
    left join {{ day_stamps() }} as s using (partition_date)
    where {{ not_built(['actor_a', 'actor_b', 'event_date', 'date_precision'], 'r') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by actor_a, actor_b, event_date, date_precision
            order by published_at nulls last, length(description), description, article_id
        ) as report_rank,
        -- an article may date the same event twice: each URL once, at its first report
        row_number() over (
            partition by actor_a, actor_b, event_date, date_precision, url order by published_at nulls last
        ) as url_rank
    from reports
),

final as (
    select
        actor_a,
        actor_b,
        event_date,
        date_precision,
        any_value(description) filter (where report_rank = 1) as description,
        count(distinct article_id) as sources,
        count(distinct outlet) as outlets,
        min(published_at) as first_reported,
        max(published_at) as last_reported,
        list(url order by published_at nulls last, url) filter (where url_rank = 1) as urls,
        list(distinct partition_date order by partition_date) as partition_dates,
        max(loaded_at) as loaded_at
    from ranked
    group by actor_a, actor_b, event_date, date_precision
)

select * from final
order by actor_a, actor_b, event_date, date_precision
