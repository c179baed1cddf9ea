-- Who held which office, for which country, as the articles report it: first and last day an article
-- observed the person in the office.
-- person_id: core.entities id of the person.
-- person: Canonical name.
-- title: Office as stated (normalised).
-- country_code: ISO alpha-3 code of the state whose office it is.
-- first_seen: Earliest publication day of an article naming the person in this office.
-- last_seen: Latest such day.
-- articles: Number of articles that name the person in this office.
with roles as (
    select * from core.roles where observed_on is not null
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
    join core.entities as e on e.entity_id = r.person_id
    group by all
)

select * from final
order by country_code, title, first_seen
