-- Quantities claimed in articles, over time, with what they measure and who claimed them. The claimant is the
-- speaker of the quote or reported statement the figure appears in, when there is one.
-- published_at: Publication time of the article (NULL when undated).
-- value: The number, scaled.
-- unit: Normalised unit.
-- bound: exact | more_than | at_least | about | up_to | less_than.
-- direction: increase | decrease for stated changes.
-- measures: What is counted.
-- measure_key: measures lower-cased, for grouping the same measure across articles.
-- time_scope: The period the figure refers to, as written ("last year", "since mid-October"), when stated.
-- claimant_id: Entity id of the person who stated the figure, if it was quoted or reported speech.
-- claimant: Name of that person.
-- surface: The figure as written.
-- article_id: The article.
-- url: The article's URL.
-- outlet: The article's outlet.
with quantities as (
    select * from core.quantities
),

speech as (
    select article_id, speaker_id, start_char, end_char from core.quotes where speaker_id is not null
),

attributed as (
    select
        q.*,
        (select s.speaker_id from speech s
         where s.article_id = q.article_id and q.start_char >= s.start_char and q.end_char <= s.end_char
         order by s.end_char - s.start_char, s.start_char, s.speaker_id  -- the innermost quote, when they nest
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
        a.url,
        a.outlet
    from attributed q
    join core.articles a using (article_id)
    left join core.entities e on e.entity_id = q.claimant_id
)

select * from final
order by published_at nulls last, article_id
