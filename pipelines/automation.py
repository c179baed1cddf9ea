"""Schedules and sensors: the daily run of the newest partition, and a sensor that notices new feed items."""

import hashlib

import dagster as dg

from bilat.pipelines.jobs import ingest_to_marts
from bilat.pipelines.resources import SourcesResource
from bilat.watch import new_items

# On by default; turn it off in the UI (Automation -> daily_ingest) or with `dagster schedule stop daily_ingest`.
daily_ingest = dg.build_schedule_from_partitioned_job(
    ingest_to_marts, name="daily_ingest", hour_of_day=23, minute_of_hour=30, default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every evening at 23:30 UTC, that day: fetch, parse, extract, load, rebuild the marts, check and publish.",
)


@dg.sensor(job=ingest_to_marts, minimum_interval_seconds=15 * 60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_feed_items(context: dg.SensorEvaluationContext, sources: SourcesResource) -> dg.SensorResult:
    """Lists the configured feeds, sitemaps and URL lists (conditionally) and requests a run for each day that
    has URLs it has not seen before. The cursor remembers the URLs and the listings' ETags."""
    days, cursor, problems = new_items(sources.specs(), context.cursor)
    for problem in problems:
        context.log.warning(problem)
    tick = hashlib.sha1(cursor.encode()).hexdigest()[:12]  # the same new items never request a day twice
    requests = [
        dg.RunRequest(run_key=f"{day.isoformat()}:{tick}", partition_key=day.isoformat(), tags={"bilat/new_items": str(n)})
        for day, n in sorted(days.items())
    ]
    return dg.SensorResult(run_requests=requests, cursor=cursor)
