"""One asset per SQL model in sql/; its upstream assets are the tables the SQL reads (parsed, not listed)."""


import dagster as dg

from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.chart import png_data_uri, render_png
from bilat.report import markdown_table, timeline_rows
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
    def _build(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = build_model(con, model)
            sample = con.sql(f"SELECT * FROM {model.qualified} LIMIT 10").to_arrow_table().to_pylist()
            metadata = {"dagster/row_count": dg.MetadataValue.int(rows), "preview": dg.MetadataValue.md(markdown_table(sample))}
            if model.qualified == "marts.dyad_timeline" and rows:
                # The seed relationship, as a chart and a table, where the UI shows this asset.
                chart = png_data_uri(render_png(con, "USA", "IRQ"))
                metadata["USA–IRQ chart"] = dg.MetadataValue.md(f"![USA–IRQ timeline]({chart})")
                metadata["USA–IRQ timeline"] = dg.MetadataValue.md(markdown_table(timeline_rows(con, "USA", "IRQ"), limit=200, width=120))
        return dg.MaterializeResult(metadata=metadata)

    return _build


sql_model_assets = [model_asset(m) for m in discover_models()]
