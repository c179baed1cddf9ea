with interaction_refs as (
    select actor_a, actor_b, month, article_id, partition_date from {{ ref('dyad_interactions') }}
),

event_refs as (
    select actor_a, actor_b, month, article_id, partition_date from {{ ref('dyad_events') }}
),

final as (
    select actor_a, actor_b, month, article_id, partition_date, count(*) as weight
    from (select * from interaction_refs union all select * from event_refs)
    group by all
)

select * from final
