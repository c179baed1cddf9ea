"""The code location: every asset, the ingest job and its daily schedule, with resources from the environment."""

from __future__ import annotations

import dagster as dg

from bilat.assets.checks import asset_checks
from bilat.assets.extraction import claims, entity_mentions, interactions
from bilat.assets.ingest import parsed_articles, raw_documents, raw_listings
from bilat.assets.models import sql_model_assets
from bilat.assets.publish import published_warehouse
from bilat.pipelines.resources import default_resources

python_assets = [raw_documents, parsed_articles, entity_mentions, claims, interactions]
all_assets = [raw_listings, *python_assets, *sql_model_assets, published_warehouse]

ingest_to_marts = dg.define_asset_job(
    "ingest_to_marts",
    selection=dg.AssetSelection.assets(*all_assets),
    description="Fetch, parse and extract a day's articles, load them, rebuild the marts and publish the warehouse.",
)

daily_ingest = dg.build_schedule_from_partitioned_job(
    ingest_to_marts, name="daily_ingest", default_status=dg.DefaultScheduleStatus.STOPPED
)

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=asset_checks,
    jobs=[ingest_to_marts],
    schedules=[daily_ingest],
    resources=default_resources(),
)
