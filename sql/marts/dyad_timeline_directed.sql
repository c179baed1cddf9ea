-- Interactions by who acted on whom, month by month: the directed view of each relationship
-- (marts.dyad_timeline is the undirected one).
-- source_id: Acting side (country code or organisation id).
-- target_id: Side acted upon.
-- month: First day of the month.
-- interactions: Interactions from source to target in the month.
-- cooperative: Those with a positive intensity.
-- conflictual: Those with a negative intensity.
-- balance: Mean intensity, -10 (hostile) to +10 (cooperative).
-- by_category: Interactions per PLOVER type.
-- articles: Distinct articles reporting them.
with interactions as (
    select * from staging.dyad_interactions
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
