"""The asset lists and the job that runs them for a collection day."""

import dagster as dg

from bilat.assets.extraction import extraction
from bilat.assets.ingest import parsed_articles, raw_documents, raw_listings
from bilat.assets.catalog import catalogued
from bilat.assets.models import sql_model_assets, sql_models
from bilat.assets.publish import published_warehouse

# Column schema, table name, owners, tags and code references for the Python assets (the SQL models have theirs from dbt).
raw_listings, raw_documents, parsed_articles, extraction, published_warehouse = catalogued(
    [raw_listings, raw_documents, parsed_articles, extraction, published_warehouse],
    models=sql_models.specs)
python_assets = [raw_documents, parsed_articles, extraction]  # partitioned by collection day
# The snapshot follows the marts it copies: when automation rebuilds them, it is published too (its own step
# re-runs every check first, so nothing failing is published).
published = published_warehouse.map_asset_specs(lambda spec: spec.replace_attributes(automation_condition=dg.AutomationCondition.eager()))
all_assets = [raw_listings, *python_assets, *sql_model_assets, published]

ingest_to_marts = dg.define_asset_job(
    "ingest_to_marts",
    selection=dg.AssetSelection.assets(*all_assets),
    description="Read the listings, fetch, parse and extract a collection day's documents, load them, rebuild the marts, check and publish the warehouse.",
)
