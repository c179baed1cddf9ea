"""The code location: every asset and check, the ingest job, its daily schedule, the feed sensor and the
automation sensor, with resources from the environment."""

import dagster as dg

from bilat.assets.checks import asset_checks
from bilat.pipelines.automation import automation, daily_ingest, new_feed_items
from bilat.pipelines.jobs import all_assets, ingest_to_marts
from bilat.pipelines.resources import default_resources

#: As `dagster dev` names the code location ([tool.dagster] code_location_name in pyproject.toml): runs that
#: `bilat` launches carry it, so the UI finds their job and can re-execute them.
CODE_LOCATION = "bilat"

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=asset_checks,
    jobs=[ingest_to_marts],
    schedules=[daily_ingest],
    sensors=[new_feed_items, automation],
    resources=default_resources(),
    # Steps run in the run's own process: every step writes the one DuckDB file anyway, and a subprocess per
    # step costs about 2 s each.
    executor=dg.in_process_executor,
)
