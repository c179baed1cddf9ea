"""The published snapshot analysts open: replaced atomically after the marts are built and checked."""

import dagster as dg
from dagster._core.errors import DagsterExecutionInterruptedError

from bilat.interrupts import ctrl_c_seen

from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.warehouse.checks import run_checks
from bilat.assets.models import MART_KEYS


@dg.asset(
    key=["published_warehouse"],
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def published_warehouse(warehouse: WarehouseResource) -> dg.MaterializeResult:
    """A read-only copy of the working warehouse, swapped in atomically: readers never see half a run and
    never block the writer. Nothing is published while an integrity check fails: blocking checks on the marts
    stop this step in the run, and the step itself re-runs every check before it copies."""
    if ctrl_c_seen():  # a Ctrl-C that a query swallowed earlier in the run: stop here, as it meant to
        raise DagsterExecutionInterruptedError()
    with warehouse.connect() as con:
        failing = {name: n for name, n in run_checks(con).items() if n}
    if failing:
        raise dg.Failure(
            description=f"not publishing: {len(failing)} integrity checks fail; the analysts' snapshot is left as it was",
            metadata={name: dg.MetadataValue.int(n) for name, n in failing.items()},
        )
    published = warehouse.publish()
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(published.path)),
        "size_mb": dg.MetadataValue.float(round(published.bytes / 1e6, 2)),
        "publish_seconds": dg.MetadataValue.float(round(published.seconds, 3)),
    })
