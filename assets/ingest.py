"""Raw documents and parsed articles."""


import dagster as dg

from bilat.assets.metadata import results
from bilat import stages
from bilat.pipelines.partitions import collection_days, window
from bilat.pipelines.resources import WAREHOUSE_POOL, SourcesResource, WarehouseResource

PARTITIONED = dict(partitions_def=collection_days, pool=WAREHOUSE_POOL)


@dg.asset(key=["raw", "listings"], group_name="raw", kinds={"python", "duckdb"}, pool=WAREHOUSE_POOL)
def raw_listings(context: dg.AssetExecutionContext, warehouse: WarehouseResource, sources: SourcesResource) -> dg.MaterializeResult:
    """What every feed, sitemap and URL list in the sources lists now (unchanged listings are not downloaded)."""
    with warehouse.connect() as con:
        stage = stages.refresh_listings_stage(con, sources.specs(), sources.raw_store())
    for problem in stage.problems:
        context.log.warning(problem)
    return results(stage, {context.asset_key})[0]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "documents"], deps=[["raw", "listings"]], kinds={"python", "duckdb"},
                     description="Documents collected on the partition's day, bytes kept in the content-addressed raw store."),
        dg.AssetSpec(["raw", "discovered"], deps=[["raw", "listings"]], kinds={"duckdb"},
                     description="Every URL the sources listed for the partition and what became of it."),
    ],
    group_name="raw",
    **PARTITIONED,
)
def raw_documents(context: dg.AssetExecutionContext, warehouse: WarehouseResource, sources: SourcesResource):
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.collect_raw(con, sources.specs(), sources.raw_store(), start, end)
    for problem in stage.problems:
        context.log.warning(problem)
    yield from results(stage, set(context.selected_asset_keys))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["core", "articles"], deps=[["raw", "documents"]], description="Parsed articles: main text and metadata.", kinds={"python", "duckdb"}),
        dg.AssetSpec(["core", "document_outcomes"], deps=[["raw", "documents"]], description="Parsed, duplicate or quarantined, for every raw document.", kinds={"duckdb"}),
    ],
    group_name="parse",
    **PARTITIONED,
)
def parsed_articles(context: dg.AssetExecutionContext, warehouse: WarehouseResource, sources: SourcesResource):
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.parse_articles(con, sources.raw_store(), start, end)
    yield from results(stage, set(context.selected_asset_keys))
