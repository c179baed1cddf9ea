"""Entities and mentions, claims, interactions: the extraction layers, read in one pass over a day's articles
(one step: its tasks run in worker processes or on a cluster, see bilat.workers)."""


import dagster as dg

from bilat import stages
from bilat.assets.ingest import PARTITIONED
from bilat.assets.metadata import results
from bilat.pipelines.partitions import window
from bilat.pipelines.resources import WarehouseResource


def _spec(table: str, deps: list[str], group: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(table.split("."), deps=[d.split(".") for d in deps], group_name=group, description=description,
                        kinds={"python", "duckdb"})


@dg.multi_asset(
    specs=[
        _spec("core.mentions", ["core.articles"], "entities", "Each place an entity is named in an article."),
        _spec("core.roles", ["core.articles"], "entities", "Offices people are said to hold, as observed in an article."),
        _spec("core.entities", ["core.articles"], "entities", "Resolved entities: people, organisations, countries, armed groups, places."),
        _spec("core.entity_aliases", ["core.articles"], "entities", "Names and spellings that resolve to each entity."),
        _spec("core.quotes", ["core.articles"], "claims", "Direct and reported quotes with their speaker."),
        _spec("core.quantities", ["core.articles"], "claims", "Quantities with unit, bound and what they measure."),
        _spec("core.events", ["core.articles"], "claims", "Dated references normalised against the publication date."),
        _spec("core.interactions", ["core.articles"], "interactions", "Dyadic interactions coded in PLOVER, with intensity and the date they happened."),
    ],
    **PARTITIONED,
)
def extraction(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.extract_window(con, start, end)
    for problem in stage.problems:
        context.log.warning(problem)
    yield from results(stage, set(context.selected_asset_keys))
