with events as (
    select * from {{ source('core', 'events') }}
    where event_date is not null and date_precision in ('day', 'week', 'month') and len(actor_ids) >= 2
),

pairs as (
    -- every ordered pair of the sentence's actors (a list, not a lateral join of two unnests: DuckDB can then
    -- push a filter on the event's columns, such as an incremental build's days, below it; 10x faster besides)
    select e.*, unnest(list_filter(flatten([[{'actor_a': x, 'actor_b': y} for y in e.actor_ids] for x in e.actor_ids]),
                                   lambda p: p.actor_a < p.actor_b), recursive := true)
    from events as e
),

final as (
    select
        p.actor_a,
        p.actor_b,
        date_trunc('month', p.event_date)::date as month,
        p.article_id,
        p.event_date,
        p.date_precision,
        p.date_text,
        p.description,
        p.start_char,
        p.end_char,
        p.date_start_char,
        a.url,
        a.outlet,
        a.published_at,
        p.partition_date
    from pairs as p
    join {{ source('core', 'articles') }} as a using (article_id)
)

select * from final
