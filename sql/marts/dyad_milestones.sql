-- Dated events about a dyad, clustered across articles: one event reported by ten outlets is one row with
-- ten sources. Events cluster on the dyad, the event date and its precision; report counts are kept apart
-- from the event itself, and the event date apart from publication dates.
-- actor_a: First actor of the undirected dyad.
-- actor_b: Second actor of the undirected dyad.
-- event_date: First day of the period the event is dated to.
-- date_precision: day | month.
-- description: The report of the event from the earliest article that dated it (dateline removed).
-- sources: Number of distinct articles reporting the event.
-- outlets: Number of distinct outlets among them.
-- first_reported: Earliest publication time among the reports (NULL when all are undated).
-- last_reported: Latest publication time among the reports.
-- urls: The reporting articles, earliest first.
with reports as (
    select * from staging.dyad_events
),

ranked as (
    select
        *,
        row_number() over (
            partition by actor_a, actor_b, event_date, date_precision
            order by published_at nulls last, length(description), description, article_id
        ) as report_rank
    from reports
),

final as (
    select
        actor_a,
        actor_b,
        event_date,
        date_precision,
        any_value(description) filter (where report_rank = 1) as description,
        count(distinct article_id) as sources,
        count(distinct outlet) as outlets,
        min(published_at) as first_reported,
        max(published_at) as last_reported,
        list(distinct url order by url) as urls
    from ranked
    group by actor_a, actor_b, event_date, date_precision
)

select * from final
order by actor_a, actor_b, event_date
