with roles as (
    select * from {{ source('core', 'roles') }} where observed_on is not null
),

final as (
    select
        r.person_id,
        e.name as person,
        r.title,
        r.country_code,
        min(r.observed_on) as first_seen,
        max(r.observed_on) as last_seen,
        count(distinct r.article_id) as articles
    from roles as r
    join {{ source('core', 'entities') }} as e on e.entity_id = r.person_id
    group by all
)

select * from final
order by country_code, title, first_seen
