"""Running the pipeline through Dagster from Python: one run per day that has documents, then one run for
the SQL models. Used by ``bilat run`` and by the end-to-end tests.

Per-day runs rather than one ranged run because a ranged run records a materialization for every day of its
range: 2014-2025 is over 4,000 days, of which the bundled corpus fills a few dozen."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import dagster as dg

from bilat.assets.checks import asset_checks
from bilat.pipelines.definitions import all_assets, published_warehouse, python_assets, sql_model_assets

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class RunReport:
    rows: dict[str, int] = field(default_factory=dict)  # asset -> rows written (summed over days)
    failures: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # "asset:check" -> passed
    runs: int = 0

    @property
    def success(self) -> bool:
        return not self.failures

    def add(self, result: dg.ExecuteInProcessResult) -> None:
        self.runs += 1
        for event in result.get_asset_materialization_events():
            materialization = event.step_materialization_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            key = materialization.asset_key.to_user_string()
            if count is not None:
                self.rows[key] = self.rows.get(key, 0) + count.value if materialization.partition else count.value
        for evaluation in result.get_asset_check_evaluations():
            self.checks[f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"] = evaluation.passed
            if not evaluation.passed:
                self.failures.append(f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed")
        for event in result.all_events:
            if event.is_step_failure:
                error = event.event_specific_data.error
                while error.cause is not None:  # the user code's exception, not Dagster's wrapper
                    error = error.cause
                self.failures.append(f"{event.step_key}: {error.message.strip()}")


def run_partition(day: date, instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    return dg.materialize(python_assets, partition_key=day.isoformat(), instance=instance, resources=resources,
                          run_config=QUIET, raise_on_error=False)


def run_models(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    """Rebuild the SQL models, run every asset check once over the whole warehouse, then publish."""
    selection = dg.AssetSelection.assets(*sql_model_assets, published_warehouse) | dg.AssetSelection.all_asset_checks()
    return dg.materialize([*all_assets, *asset_checks], selection=selection, instance=instance, resources=resources,
                          run_config=QUIET, raise_on_error=False)


def run_days(
    days: Iterable[date],
    instance: dg.DagsterInstance,
    resources: dict,
    after_run: Callable[[str], None] = lambda label: None,
) -> RunReport:
    """Materialize every partitioned asset for each day, then rebuild the SQL models once; ``after_run`` is
    told the label of each finished run (for progress bars)."""
    report = RunReport()
    for day in days:
        report.add(run_partition(day, instance, resources))
        after_run(f"partition {day}")
    report.add(run_models(instance, resources))
    after_run("SQL models")
    return report
