with articles as (
    select coalesce(story_id, article_id) as story_id, article_id, title, outlet, url, published_at
    from {{ source('core', 'articles') }}
),

final as (
    select
        story_id,
        any_value(title) filter (where article_id = story_id) as title,
        min(published_at) as first_published,
        count(*) as articles,
        count(distinct outlet) as outlets,
        list(url order by published_at nulls last, url) as urls
    from articles
    group by story_id
)

select * from final
order by articles desc, first_published
