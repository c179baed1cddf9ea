"""One asset per SQL model in sql/; its upstream assets are the tables the SQL reads (parsed, not listed)."""


import dagster as dg

from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.assets.timeline_chart import dyad_timeline_metadata
from bilat.report import markdown_table
from bilat.warehouse.models import SqlModel, build_model, discover_models

GROUPS = {"staging": "staging", "marts": "marts"}


def model_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(
        key=[model.schema, model.name],
        deps=[dg.AssetKey(table.split(".")) for table in model.reads],
        group_name=GROUPS[model.schema],
        description=model.description,
        kinds={"sql", "duckdb"},
        pool=WAREHOUSE_POOL,
        automation_condition=dg.AutomationCondition.eager(),
    )
    def _build(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = build_model(con, model)
            sample = con.sql(f"SELECT * FROM {model.qualified} LIMIT 10").to_arrow_table().to_pylist()
            metadata = {"dagster/row_count": dg.MetadataValue.int(rows), "preview": dg.MetadataValue.md(markdown_table(sample))}
            if model.qualified == "marts.dyad_timeline" and rows:
                # One dyad's chart and months instead of the first rows: the preview an analyst reads.
                metadata.update(dyad_timeline_metadata(con, warehouse.path, context.run.tags))
        return dg.MaterializeResult(metadata=metadata)

    return _build


sql_model_assets = [model_asset(m) for m in discover_models()]
