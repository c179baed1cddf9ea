"""Schedules, sensors and declarative automation: the daily run of today's collection day, a sensor that
notices new feed items, and the sensor that evaluates the assets' automation conditions.

All three are on when `dagster dev` starts; each can be stopped in the UI (Automation) or with
`dagster schedule stop daily_ingest` / `dagster sensor stop new_feed_items` / `dagster sensor stop automation`.
"""

import hashlib
from datetime import datetime, timezone

import dagster as dg

from bilat.pipelines.jobs import ingest_to_marts
from bilat.pipelines.partitions import collection_days
from bilat.pipelines.resources import SourcesResource
from bilat.watch import new_items


@dg.schedule(job=ingest_to_marts, cron_schedule="30 23 * * *", execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every evening at 23:30 UTC, that day: read the listings, fetch, parse, extract, load, rebuild the marts, check and publish.")
def daily_ingest(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = context.scheduled_execution_time.astimezone(timezone.utc).date().isoformat()
    # Schedules cannot return dynamic-partition requests (sensors can): the day is added here, before the run.
    if not context.instance.has_dynamic_partition(collection_days.name, day):
        context.instance.add_dynamic_partitions(collection_days.name, [day])
    return dg.RunRequest(run_key=day, partition_key=day)


@dg.sensor(job=ingest_to_marts, minimum_interval_seconds=15 * 60, default_status=dg.DefaultSensorStatus.RUNNING)
def new_feed_items(context: dg.SensorEvaluationContext, sources: SourcesResource) -> dg.SensorResult:
    """Lists the configured feeds, sitemaps and URL lists (conditionally) and, when they list URLs it has not
    seen before, requests a run of today's collection day (where the run files them). The cursor remembers
    the URLs and the listings' ETags."""
    days, cursor, problems = new_items(sources.specs(), context.cursor)
    for problem in problems:
        context.log.warning(problem)
    if not days:
        return dg.SensorResult(run_requests=[], cursor=cursor)
    today = datetime.now(timezone.utc).date().isoformat()
    tick = hashlib.sha1(cursor.encode()).hexdigest()[:12]  # the same new items never request a run twice
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"{today}:{tick}", partition_key=today, tags={"bilat/new_items": str(sum(days.values()))})],
        dynamic_partitions_requests=[collection_days.build_add_request([today])],
        cursor=cursor,
    )


# The SQL models and the published snapshot are `eager`: rebuilt when what they read changes (a partition
# materialized from the UI, say). Dagster's default automation sensor starts stopped; this one starts running.
automation = dg.AutomationConditionSensorDefinition(
    "automation", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=30,
    description="Evaluates every asset's automation condition (the SQL models and the snapshot are eager).",
)
