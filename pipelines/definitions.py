"""The code location: every asset and check, the ingest job, its daily schedule and the feed sensor, with
resources from the environment."""

import dagster as dg

from bilat.assets.checks import asset_checks
from bilat.pipelines.automation import daily_ingest, new_feed_items
from bilat.pipelines.jobs import all_assets, ingest_to_marts
from bilat.pipelines.resources import default_resources

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=asset_checks,
    jobs=[ingest_to_marts],
    schedules=[daily_ingest],
    sensors=[new_feed_items],
    resources=default_resources(),
    # Steps run in the run's own process: every step writes the one DuckDB file anyway, and a subprocess per
    # step costs about 2 s each.
    executor=dg.in_process_executor,
)
