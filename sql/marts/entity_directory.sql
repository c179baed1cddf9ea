-- Every resolved entity with its kind, country, known aliases and how often and where it is mentioned.
-- entity_id: Stable entity id (alpha-3 code for countries).
-- kind: person | organization | country | armed_group | place.
-- name: Canonical name.
-- country_code: ISO alpha-3 code of the entity's country, if any.
-- aliases: Names and spellings that resolve to the entity.
-- mentions: Number of mentions across all articles.
-- articles: Number of articles mentioning it.
with aliases as (
    select entity_id, list(distinct alias order by alias) as aliases
    from core.entity_aliases
    group by entity_id
),

mention_counts as (
    select entity_id, count(*) as mentions, count(distinct article_id) as articles
    from core.mentions
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
    from core.entities as e
    left join aliases as a using (entity_id)
    left join mention_counts as m using (entity_id)
)

select * from final
order by mentions desc, entity_id
