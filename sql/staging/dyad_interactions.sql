-- Interactions between two distinct actors, with the undirected dyad (actor_a < actor_b) and the month they
-- happened in. Hypothetical interactions (would, could, plans to) are left out.
-- actor_a: First actor of the undirected dyad (alphabetically smaller id).
-- actor_b: Second actor of the undirected dyad.
-- month: First day of the month the interaction occurred in.
with interactions as (
    select * from core.interactions
    where not hypothetical and source_id <> target_id and occurred_on is not null
),

final as (
    select
        least(i.source_id, i.target_id) as actor_a,
        greatest(i.source_id, i.target_id) as actor_b,
        date_trunc('month', i.occurred_on)::date as month,
        i.*,
        a.outlet,
        a.url,
        a.title
    from interactions as i
    join core.articles as a using (article_id)
)

select * from final
