"""Asset checks: the integrity checks of bilat.warehouse.checks on the Python assets' tables, each a Dagster
check on the table (asset) it is about. They are errors: the publish step re-runs them and publishes nothing
while one fails. (The SQL models' checks are their dbt tests: bilat.assets.models.)

All of them run in one step over one connection: a step per check costs the run more events than the checks
cost queries."""

import dagster as dg

from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.report import markdown_table
from bilat.warehouse.checks import CHECKS

_BY_KEY = {dg.AssetCheckKey(dg.AssetKey(c.table.split(".")), c.name): c for c in CHECKS}


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(key.name, asset=key.asset_key, description=c.description) for key, c in _BY_KEY.items()],
    name="integrity_checks",
    can_subset=True,
    pool=WAREHOUSE_POOL,
)
def integrity_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        for key in sorted(context.selected_asset_check_keys, key=lambda k: k.to_user_string()):
            violations, sample = _BY_KEY[key].run(con)
            metadata = {"violations": dg.MetadataValue.int(violations)}
            if sample:
                metadata["sample"] = dg.MetadataValue.md(markdown_table([{f"c{i}": v for i, v in enumerate(row)} for row in sample]))
            yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=key.name, passed=violations == 0, metadata=metadata)


asset_checks = [integrity_checks]
