with events as (
    select * from {{ source('core', 'events') }}
    where event_date is not null and date_precision in ('day', 'month') and len(actor_ids) >= 2
),

pairs as (
    select e.*, a1.actor as actor_a, a2.actor as actor_b
    from events as e,
        unnest(e.actor_ids) as a1(actor),
        unnest(e.actor_ids) as a2(actor)
    where a1.actor < a2.actor
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
