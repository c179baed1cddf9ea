-- Incremental (sql/macros/incremental.sql): one row per quantity, all from its own article, so a row is built
-- again when its collection day is loaded again or its claimant is renamed.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_changed(['article_id', 'start_char', 'end_char'], source('core', 'quantities'),
                                also=entity_renamed(['article_id', 'start_char', 'end_char'], 'claimant_id', 'claimant')) }}",
) }}

with quantities as (
    select * from {{ source('core', 'quantities') }} as q
    where {{ not_built(['article_id', 'start_char', 'end_char'], 'q') }}
),

speech as (
    select article_id, speaker_id, start_char, end_char from {{ source('core', 'quotes') }} where speaker_id is not null
),

attributed as (
    select
        q.*,
        (select s.speaker_id from speech s
         where s.article_id = q.article_id and q.start_char >= s.start_char and q.end_char <= s.end_char
         order by s.start_char desc, s.end_char
         limit 1) as claimant_id
    from quantities q
),

final as (
    select
        a.published_at,
        q.value,
        q.unit,
        q.bound,
        q.direction,
        q.measures,
        lower(trim(q.measures)) as measure_key,
        q.time_scope,
        q.claimant_id,
        e.name as claimant,
        q.surface,
        q.article_id,
        q.start_char,
        q.end_char,
        a.url,
        a.outlet,
        [q.partition_date] as partition_dates,
        s.loaded_at
    from attributed q
    join {{ source('core', 'articles') }} a using (article_id)
    left join {{ source('core', 'entities') }} e on e.entity_id = q.claimant_id
    left join {{ day_stamps() }} s on s.partition_date = q.partition_date
)

select * from final
order by published_at nulls last, article_id, start_char
