"""Asset checks: the integrity checks of bilat.warehouse.checks, one Dagster check each, attached to the
table (asset) they are about. Checks on marts are blocking: a failing one stops what depends on it."""

import dagster as dg

from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.report import markdown_table
from bilat.warehouse.checks import CHECKS, Check


def check_definition(check: Check) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(check.table.split(".")),
        name=check.name,
        description=check.description,
        blocking=check.table.startswith("marts."),
        pool=WAREHOUSE_POOL,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            violations, sample = check.run(con)
        metadata = {"violations": dg.MetadataValue.int(violations)}
        if sample:
            metadata["sample"] = dg.MetadataValue.md(markdown_table([{f"c{i}": v for i, v in enumerate(row)} for row in sample]))
        return dg.AssetCheckResult(passed=violations == 0, metadata=metadata)

    return _check


asset_checks = [check_definition(c) for c in CHECKS]
