-- Interactions between two distinct actors, with the undirected dyad (actor_a < actor_b) and the month they
-- happened in. Hypothetical interactions (would, could, plans to) are left out, and so are those dated only
-- to a year other than the article's: they cannot be placed in a month. A syndicated copy of a story adds no
-- interactions of its own: only the story's first article is counted.
-- actor_a: First actor of the undirected dyad (alphabetically smaller id).
-- actor_b: Second actor of the undirected dyad.
-- month: First day of the month the interaction occurred in.
with interactions as (
    select * from core.interactions
    where not hypothetical and source_id <> target_id and occurred_on is not null
),

placed as (
    select
        i.*,
        case
            when i.date_precision <> 'year' then date_trunc('month', i.occurred_on)
            when year(a.published_at) = year(i.occurred_on) then date_trunc('month', a.published_at)
        end::date as month
    from interactions as i
    join core.articles as a using (article_id)
    where a.story_id is null or a.story_id = a.article_id
),

final as (
    select
        least(i.source_id, i.target_id) as actor_a,
        greatest(i.source_id, i.target_id) as actor_b,
        i.*,
        a.outlet,
        a.url,
        a.title
    from placed as i
    join core.articles as a using (article_id)
    where i.month is not null
)

select * from final
