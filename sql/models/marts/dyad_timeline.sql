-- Incremental (sql/macros/incremental.sql): a dyad-month gathers the articles of any collection day, so it is
-- built again when a day it was built from is loaded again, a day loaded since covers it, or a speaker its
-- articles quote is renamed (core.entities is not loaded by day: raw.entity_changes says what a load changed).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_changed(['actor_a', 'actor_b', 'month'], ref('dyad_articles'),
                                also=quotes_a_changed_speaker(['actor_a', 'actor_b', 'month'], ref('dyad_articles'))) }}",
) }}

with interactions as (
    select actor_a, actor_b, month, category, intensity, article_id, outlet
    from {{ ref('dyad_interactions') }} as i
    where {{ not_built(['actor_a', 'actor_b', 'month'], 'i') }}
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
    from {{ ref('dyad_events') }} as e
    where {{ not_built(['actor_a', 'actor_b', 'month'], 'e') }}
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
    where {{ not_built(['actor_a', 'actor_b', 'month'], 'd') }}
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

built_from_days as (
    select c.actor_a, c.actor_b, c.month, list(distinct c.partition_date order by c.partition_date) as partition_dates,
        max(s.loaded_at) as loaded_at
    from central_articles c
    left join {{ day_stamps() }} s using (partition_date)
    group by all
),

built_from_speakers as (
    -- the newest change of a speaker the month's articles quote: a build takes it in (quotes_a_changed_speaker)
    select c.actor_a, c.actor_b, c.month, max(x.changed_at) as changed_at
    from central_articles c
    join {{ source('core', 'quotes') }} q using (article_id)
    join raw.entity_changes x on x.entity_id = q.speaker_id
    where q.kind = 'direct'
    group by all
),

provenance as (
    select d.actor_a, d.actor_b, d.month, d.partition_dates, greatest(d.loaded_at, sp.changed_at) as loaded_at
    from built_from_days d
    left join built_from_speakers sp using (actor_a, actor_b, month)
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
        coalesce(s.top_claims, []) as top_claims,
        p.partition_dates,
        p.loaded_at
    from monthly_coverage as c
    left join monthly_interactions as i using (actor_a, actor_b, month)
    left join monthly_categories as k using (actor_a, actor_b, month)
    left join monthly_events as e using (actor_a, actor_b, month)
    left join monthly_salient as s using (actor_a, actor_b, month)
    left join provenance as p using (actor_a, actor_b, month)
)

select * from final
order by actor_a, actor_b, month
