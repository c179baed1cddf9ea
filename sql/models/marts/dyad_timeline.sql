with interactions as (
    select actor_a, actor_b, month, category, intensity, article_id, outlet
    from {{ ref('dyad_interactions') }}
),

monthly_interactions as (
    select
        actor_a, actor_b, month,
        count(*) as interactions,
        count(*) filter (where intensity > 0) as cooperative,
        count(*) filter (where intensity < 0) as conflictual,
        round(avg(intensity), 2) as balance
    from interactions
    group by all
),

category_counts as (
    select actor_a, actor_b, month, category, count(*) as n
    from interactions
    group by all
),

monthly_categories as (
    select actor_a, actor_b, month, map(list(category order by category), list(n order by category)) as by_category
    from category_counts
    group by all
),

events as (
    select actor_a, actor_b, month, event_date, date_precision, description, article_id, outlet
    from {{ ref('dyad_events') }}
),

monthly_events as (
    select
        actor_a, actor_b, month,
        list_slice(list(milestone order by milestone), 1, 5) as milestones
    from (
        select distinct actor_a, actor_b, month,
            strftime(event_date, '%Y-%m-%d') || ' (' || date_precision || '): ' || description as milestone
        from events
    )
    group by all
),

central_articles as (
    select d.*, a.url from {{ ref('dyad_articles') }} d join {{ source('core', 'articles') }} a using (article_id)
),

ranked_quotes as (
    select
        c.actor_a, c.actor_b, c.month,
        e.name || ': “' || q.text || '” <' || c.url || '>' as quote,
        row_number() over (partition by c.actor_a, c.actor_b, c.month order by c.weight desc, q.article_id, q.start_char) as rank
    from central_articles c
    join {{ source('core', 'quotes') }} q using (article_id)
    join {{ source('core', 'entities') }} e on e.entity_id = q.speaker_id
    where q.kind = 'direct'
),

ranked_claims as (
    select
        c.actor_a, c.actor_b, c.month,
        q.surface || ' — ' || q.measures || ' <' || c.url || '>' as claim,
        row_number() over (partition by c.actor_a, c.actor_b, c.month order by c.weight desc, q.article_id, q.start_char) as rank
    from central_articles c
    join {{ source('core', 'quantities') }} q using (article_id)
    where q.unit not in ('days', 'months', 'years', 'hours')  -- durations are context, not claims
),

monthly_salient as (
    select
        actor_a, actor_b, month,
        (select list(quote order by rank) from ranked_quotes r
         where r.actor_a = m.actor_a and r.actor_b = m.actor_b and r.month = m.month and r.rank <= 3) as top_quotes,
        (select list(claim order by rank) from ranked_claims r
         where r.actor_a = m.actor_a and r.actor_b = m.actor_b and r.month = m.month and r.rank <= 3) as top_claims
    from (select distinct actor_a, actor_b, month from central_articles) m
),

coverage as (
    select actor_a, actor_b, month, article_id, outlet from interactions
    union
    select actor_a, actor_b, month, article_id, outlet from events
),

monthly_coverage as (
    select actor_a, actor_b, month, count(distinct article_id) as articles, count(distinct outlet) as outlets
    from coverage
    group by all
),

final as (
    select
        c.actor_a,
        c.actor_b,
        c.month,
        coalesce(i.interactions, 0) as interactions,
        coalesce(i.cooperative, 0) as cooperative,
        coalesce(i.conflictual, 0) as conflictual,
        i.balance,
        k.by_category,
        c.articles,
        c.outlets,
        coalesce(e.milestones, []) as milestones,
        coalesce(s.top_quotes, []) as top_quotes,
        coalesce(s.top_claims, []) as top_claims
    from monthly_coverage as c
    left join monthly_interactions as i using (actor_a, actor_b, month)
    left join monthly_categories as k using (actor_a, actor_b, month)
    left join monthly_events as e using (actor_a, actor_b, month)
    left join monthly_salient as s using (actor_a, actor_b, month)
)

select * from final
order by actor_a, actor_b, month
