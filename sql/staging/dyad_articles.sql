-- Which articles cover which dyad in which month: an article covers a dyad when it codes an interaction
-- between the two or dates an event naming both. The bridge from a dyad-month to its articles.
-- actor_a: First actor of the undirected dyad (alphabetically smaller id).
-- actor_b: Second actor of the undirected dyad.
-- month: First day of the month.
-- article_id: An article covering the dyad that month.
-- weight: Interactions plus events of the dyad in that article and month (how central the article is).
with interaction_refs as (
    select actor_a, actor_b, month, article_id from staging.dyad_interactions
),

event_refs as (
    select actor_a, actor_b, month, article_id from staging.dyad_events
),

final as (
    select actor_a, actor_b, month, article_id, count(*) as weight
    from (select * from interaction_refs union all select * from event_refs)
    group by all
)

select * from final
