"""Running the pipeline through Dagster from Python: one run per day that has documents, then one run for
the SQL models. Used by ``bilat run`` and by the end-to-end tests.

Per-day runs rather than one ranged run because a ranged run records a materialization for every day of its
range: 2014-2025 is over 4,000 days, of which the bundled corpus fills a few dozen."""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg
from filelock import FileLock

from bilat.assets.checks import asset_checks
from bilat.assets.extraction import claims, entity_mentions, interactions
from bilat.assets.ingest import parsed_articles, raw_listings
from bilat.assets.models import sql_model_assets
from bilat.assets.publish import published_warehouse
from bilat.collect import LISTING_KINDS
from bilat.pipelines.jobs import all_assets, python_assets
from bilat.raw import partition_days
from bilat.sources.archive import ArchiveSource
from bilat.sources.config import ArchiveSpec, GdeltSpec
from bilat.warehouse.publish import publish
from bilat.warehouse.schema import TABLES_BY_NAME

DERIVE = (parsed_articles, entity_mentions, claims, interactions)  # everything after the raw store
RUN_LOCK_TIMEOUT_S = 3600


@contextlib.contextmanager
def whole_run_lock(resources: dict) -> Iterator[None]:
    """Held by a command-line run from start to publish, so a second one started meanwhile waits for it rather
    than interleaving its days with ours (each write already waits for the other's; this keeps runs whole)."""
    working = resources["warehouse"].working
    working.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{working}.run.lock", timeout=RUN_LOCK_TIMEOUT_S):
        yield


QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class RunReport:
    rows: dict[str, int] = field(default_factory=dict)  # asset -> rows written (summed over days)
    failures: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # "asset:check" -> passed
    warnings: list[str] = field(default_factory=list)  # failed checks of severity warn: reported, not failures
    days: list[date] = field(default_factory=list)
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
                failed = f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed"
                (self.warnings if evaluation.severity == dg.AssetCheckSeverity.WARN else self.failures).append(failed)
        for event in result.all_events:
            if event.is_step_failure:
                error = event.event_specific_data.error
                while error.cause is not None:  # the user code's exception, not Dagster's wrapper
                    error = error.cause
                self.failures.append(f"{event.step_key}: {error.message.strip()}")


def run_partition(day: date, instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    return dg.materialize(all_assets, selection=dg.AssetSelection.assets(*python_assets), partition_key=day.isoformat(),
                          instance=instance, resources=resources, run_config=QUIET, raise_on_error=False)


def run_models(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    """Build the SQL models with their dbt tests, run every other asset check once over the whole warehouse,
    then publish."""
    selection = dg.AssetSelection.assets(*sql_model_assets, published_warehouse) | dg.AssetSelection.all_asset_checks()
    # dagster-dbt echoes dbt's log to stdout (the UI keeps it as the step's stdout); a command line run reports
    # the outcome itself, failures included.
    with contextlib.redirect_stdout(io.StringIO()):
        return dg.materialize([*all_assets, *asset_checks], selection=selection, instance=instance, resources=resources,
                              run_config=QUIET, raise_on_error=False)


def run_listings(instance: dg.DagsterInstance, resources: dict) -> dg.ExecuteInProcessResult:
    """Refresh what the feeds, sitemaps and URL lists list (raw.listings)."""
    return dg.materialize(all_assets, selection=dg.AssetSelection.assets(raw_listings), instance=instance,
                          resources=resources, run_config=QUIET, raise_on_error=False)


def plan_days(resources: dict, start: date | None = None, end: date | None = None, today: date | None = None) -> list[date]:
    """The days worth a run: those an archive has documents for, those listings file URLs under, and for
    GDELT every day of the range asked for (today when none is)."""
    today = today or date.today()
    specs = [s for s in resources["sources"].specs() if s.enabled]
    days: set[date] = set()
    for spec in specs:
        if isinstance(spec, ArchiveSpec):
            days |= set(partition_days(ArchiveSource(spec.path)))
        elif isinstance(spec, GdeltSpec):
            first, last = start or today, end or today
            days |= {date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)}
    listing_sources = [s.name for s in specs if isinstance(s, LISTING_KINDS)]
    if listing_sources:
        with resources["warehouse"].connect() as con:
            rows = con.execute("SELECT DISTINCT partition_date FROM raw.listings WHERE source IN (SELECT unnest(?))", [listing_sources]).fetchall()
        days |= {day for (day,) in rows}
    return sorted(d for d in days if (start is None or d >= start) and (end is None or d <= end))


def run_all(
    instance: dg.DagsterInstance,
    resources: dict,
    start: date | None = None,
    end: date | None = None,
    on_plan: Callable[[list[date]], None] = lambda days: None,
    after_run: Callable[[str], None] = lambda label: None,
) -> RunReport:
    """The whole pipeline: refresh listings, one run per day worth running, then models, checks and publish.
    ``on_plan`` is told the days before they run and ``after_run`` the label of each finished run."""
    report = RunReport()
    with whole_run_lock(resources):
        if any(isinstance(s, LISTING_KINDS) for s in resources["sources"].specs()):
            report.add(run_listings(instance, resources))
        days = plan_days(resources, start, end)
        on_plan(days)
        for day in days:
            report.add(run_partition(day, instance, resources))
            after_run(f"partition {day}")
        report.add(run_models(instance, resources))
        after_run("models, checks, publish")
    report.days = days
    return report


#: The tables reprocessing rebuilds, and so compares before and after.
DERIVED_TABLES = ("core.articles", "core.document_outcomes", "core.mentions", "core.roles", "core.quotes",
                  "core.quantities", "core.events", "core.interactions")


@dataclass
class Change:
    before: int
    after: int
    added: int
    removed: int


def reprocess(
    instance: dg.DagsterInstance, resources: dict, start: date, end: date,
    after_run: Callable[[str], None] = lambda label: None,
) -> tuple[RunReport, dict[str, Change]]:
    """Re-derive articles, extraction, marts and the published snapshot for [start, end] from the raw store
    (no network: the raw assets do not run), and say per table how many rows were added and removed."""
    warehouse = resources["warehouse"]
    with warehouse.connect() as con:
        days = [d for (d,) in con.execute(
            "SELECT DISTINCT partition_date FROM raw.documents WHERE partition_date BETWEEN ? AND ? ORDER BY 1", [start, end]).fetchall()]
    report = RunReport(days=days)
    with whole_run_lock(resources), tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before.duckdb"
        publish(warehouse.working, before)  # a consistent copy to compare with
        for day in days:
            report.add(dg.materialize(all_assets, selection=dg.AssetSelection.assets(*DERIVE), partition_key=day.isoformat(),
                                      instance=instance, resources=resources, run_config=QUIET, raise_on_error=False))
            after_run(f"partition {day}")
        report.add(run_models(instance, resources))
        after_run("models, checks, publish")
        with warehouse.connect() as con:
            con.execute(f"ATTACH '{before}' AS before (READ_ONLY)")
            changes = {table: _change(con, table, start, end) for table in DERIVED_TABLES}
            con.execute("DETACH before")
    return report, changes


def _change(con, table: str, start: date, end: date) -> Change:
    # the versions are left out: a new version alone is not a changed fact
    versions = [c.name for c in TABLES_BY_NAME[table].columns if c.name in ("extractor_version", "gazetteer_version")]
    exclude = f" EXCLUDE ({', '.join(versions)})" if versions else ""
    rows = lambda db: f"SELECT *{exclude} FROM {db}{table} WHERE partition_date BETWEEN ? AND ?"  # noqa: E731
    count = lambda sql, n: con.execute(f"SELECT count(*) FROM ({sql})", [start, end] * n).fetchall()[0][0]  # noqa: E731
    return Change(
        before=count(rows("before."), 1),
        after=count(rows(""), 1),
        added=count(f"{rows('')} EXCEPT ALL {rows('before.')}", 2),
        removed=count(f"{rows('before.')} EXCEPT ALL {rows('')}", 2),
    )
