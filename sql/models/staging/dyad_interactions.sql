with interactions as (
    select * from {{ source('core', 'interactions') }}
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
    join {{ source('core', 'articles') }} as a using (article_id)
    -- a syndicated copy adds nothing of its own: only a story's first article counts
    where a.story_id is null or a.story_id = a.article_id
),

final as (
    select
        least(i.source_id, i.target_id) as actor_a,
        greatest(i.source_id, i.target_id) as actor_b,
        i.month,
        i.article_id,
        i.source_id,
        i.target_id,
        i.source_actor,
        i.target_actor,
        i.category,
        i.mode,
        i.intensity,
        i.cameo_code,
        i.occurred_on,
        i.date_precision,
        i.date_basis,
        i.cue,
        i.sentence_index,
        i.start_char,
        i.end_char,
        a.outlet,
        a.url,
        a.title,
        i.partition_date
    from placed as i
    join {{ source('core', 'articles') }} as a using (article_id)
    where i.month is not null
)

select * from final
