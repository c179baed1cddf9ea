"""The asset lists and the job that runs them for a partition."""

import dagster as dg

from bilat.assets.extraction import claims, entity_mentions, interactions
from bilat.assets.ingest import parsed_articles, raw_documents, raw_listings
from bilat.assets.catalog import catalogued
from bilat.assets.models import sql_model_assets, sql_models
from bilat.assets.publish import published_warehouse

# Column schema, table name, owners, tags and code references for the Python assets (the SQL models have theirs from dbt).
raw_listings, raw_documents, parsed_articles, entity_mentions, claims, interactions, published_warehouse = catalogued(
    [raw_listings, raw_documents, parsed_articles, entity_mentions, claims, interactions, published_warehouse],
    models=sql_models.specs)
python_assets = [raw_documents, parsed_articles, entity_mentions, claims, interactions]  # partitioned by day
all_assets = [raw_listings, *python_assets, *sql_model_assets, published_warehouse]

ingest_to_marts = dg.define_asset_job(
    "ingest_to_marts",
    selection=dg.AssetSelection.assets(*all_assets),
    description="Fetch, parse and extract a day's articles, load them, rebuild the marts, check and publish the warehouse.",
)
