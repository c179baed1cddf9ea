with interactions as (
    select * from {{ ref('dyad_interactions') }}
),

category_counts as (
    select source_id, target_id, month, category, count(*) as n
    from interactions
    group by all
),

final as (
    select
        i.source_id,
        i.target_id,
        i.month,
        count(*) as interactions,
        count(*) filter (where i.intensity > 0) as cooperative,
        count(*) filter (where i.intensity < 0) as conflictual,
        round(avg(i.intensity), 2) as balance,
        any_value(k.by_category) as by_category,
        count(distinct i.article_id) as articles
    from interactions i
    join (
        select source_id, target_id, month, map(list(category order by category), list(n order by category)) as by_category
        from category_counts group by all
    ) k using (source_id, target_id, month)
    group by all
)

select * from final
order by source_id, target_id, month
