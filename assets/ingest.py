"""Raw documents and parsed articles."""


import dagster as dg

from bilat.assets.metadata import results
from bilat import stages
from bilat.pipelines.partitions import daily_partitions, window
from bilat.pipelines.resources import WAREHOUSE_POOL, SourcesResource, WarehouseResource

PARTITIONED = dict(partitions_def=daily_partitions, backfill_policy=dg.BackfillPolicy.single_run(), pool=WAREHOUSE_POOL)


@dg.asset(key=["raw", "documents"], group_name="raw", kinds={"python", "duckdb"}, **PARTITIONED)
def raw_documents(context: dg.AssetExecutionContext, warehouse: WarehouseResource, sources: SourcesResource) -> dg.MaterializeResult:
    """Documents listed by the source for the partition's days, bytes kept in the content-addressed raw store."""
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.collect_raw(con, sources.archive(), sources.raw_store(), start, end)
    return results(stage)[0]


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
    yield from results(stage)
