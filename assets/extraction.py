"""Entities and mentions, claims, interactions: the extraction layers."""


import dagster as dg

from bilat import stages
from bilat.assets.ingest import PARTITIONED
from bilat.assets.metadata import results
from bilat.pipelines.partitions import window
from bilat.pipelines.resources import WarehouseResource


def _spec(table: str, deps: list[str], description: str) -> dg.AssetSpec:
    return dg.AssetSpec(table.split("."), deps=[d.split(".") for d in deps], description=description, kinds={"python", "duckdb"})


@dg.multi_asset(
    specs=[
        _spec("core.mentions", ["core.articles"], "Each place an entity is named in an article."),
        _spec("core.roles", ["core.articles"], "Offices people are said to hold, as observed in an article."),
        _spec("core.entities", ["core.articles"], "Resolved entities: people, organisations, countries, armed groups, places."),
        _spec("core.entity_aliases", ["core.articles"], "Names and spellings that resolve to each entity."),
    ],
    group_name="entities",
    **PARTITIONED,
)
def entity_mentions(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.extract_entity_mentions(con, start, end)
    yield from results(stage, set(context.selected_asset_keys))


@dg.multi_asset(
    specs=[
        _spec("core.quotes", ["core.mentions"], "Direct and reported quotes with their speaker."),
        _spec("core.quantities", ["core.articles"], "Quantities with unit, bound and what they measure."),
        _spec("core.events", ["core.mentions"], "Dated references normalised against the publication date."),
    ],
    group_name="claims",
    **PARTITIONED,
)
def claims(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.extract_claims_stage(con, start, end)
    yield from results(stage, set(context.selected_asset_keys))


@dg.asset(key=["core", "interactions"], deps=[["core", "mentions"], ["core", "events"]], group_name="interactions", kinds={"python", "duckdb"}, **PARTITIONED)
def interactions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Dyadic interactions coded in PLOVER, with intensity and the date they happened."""
    start, end = window(context)
    with warehouse.connect() as con:
        stage = stages.extract_interactions_stage(con, start, end)
    return results(stage, {context.asset_key})[0]
