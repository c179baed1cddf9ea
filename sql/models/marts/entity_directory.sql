with aliases as (
    select entity_id, list(distinct alias order by alias) as aliases
    from {{ source('core', 'entity_aliases') }}
    group by entity_id
),

mention_counts as (
    select entity_id, count(*) as mentions, count(distinct article_id) as articles
    from {{ source('core', 'mentions') }}
    group by entity_id
),

final as (
    select
        e.entity_id,
        e.kind,
        e.name,
        e.country_code,
        coalesce(a.aliases, []) as aliases,
        coalesce(m.mentions, 0) as mentions,
        coalesce(m.articles, 0) as articles
    from {{ source('core', 'entities') }} as e
    left join aliases as a using (entity_id)
    left join mention_counts as m using (entity_id)
)

select * from final
order by mentions desc, entity_id
