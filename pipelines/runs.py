"""Running the pipeline through Dagster from Python: runs of the code location's ``ingest_to_marts`` job, one
per collection day worth running (the first also reads the listings, the last rebuilds the models, checks and
publishes), so the bundled corpus, captured on one day, is one run. Used by ``bilat run``, ``bilat backfill
--local``, ``bilat reprocess`` and the end-to-end tests.

The runs are created with the job's origin in the `bilat` code location, as `dagster dev` loads it, and
executed in this process: they appear under the job and on the Overview timeline, and re-execute from the UI."""

from __future__ import annotations

import contextlib
import sys
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME
from dagster._core.execution.api import JobExecutionResult, create_execution_plan, execute_run
from dagster._core.snap import snapshot_from_execution_plan
from dagster._core.remote_origin import ManagedGrpcPythonEnvCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.storage.tags import PARTITION_NAME_TAG
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from filelock import FileLock

from bilat.assets.extraction import extraction
from bilat.assets.ingest import parsed_articles, raw_listings
from bilat.assets.models import sql_model_assets
from bilat.collect import LISTING_KINDS
from bilat.interrupts import ctrl_c_seen
from bilat.pipelines.definitions import CODE_LOCATION
from bilat.pipelines.jobs import ingest_to_marts, published, python_assets
from bilat.pipelines.partitions import add_days
from bilat.pipelines.recovery import POOL_WAIT_S, wait_for_pool
from bilat.raw import collection_day
from bilat.sources.archive import ArchiveSource
from bilat.sources.config import ArchiveSpec, GdeltSpec
from bilat.warehouse.publish import publish
from bilat.warehouse.schema import TABLES_BY_NAME

DERIVE = (parsed_articles, extraction)  # everything after the raw store
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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) stopped Dagster run ``run_id``: the command stops too, starting no further run."""

    def __init__(self, run_id: str) -> None:
        super().__init__(run_id)
        self.run_id = run_id


def _interrupted(result: JobExecutionResult) -> bool:
    # Dagster turns SIGINT inside a run into a failed run (it catches the KeyboardInterrupt): tell it apart
    for event in result.all_events:
        data = event.event_specific_data
        if event.is_step_failure and data.error is not None and data.error.cls_name == "DagsterExecutionInterruptedError":
            return True
        if event.is_run_failure and getattr(getattr(data, "failure_reason", None), "value", None) == "UNEXPECTED_TERMINATION":
            return True
    return False


@dataclass
class RunReport:
    rows: dict[str, int] = field(default_factory=dict)  # asset -> rows written (summed over days)
    failures: list[str] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # "asset:check" -> passed
    warnings: list[str] = field(default_factory=list)  # failed checks of severity warn: reported, not failures
    days: list[date] = field(default_factory=list)
    runs: int = 0
    source_problems: list[str] = field(default_factory=list)  # listings or APIs that could not be read
    published: bool = False  # the snapshot was replaced by this command
    #: "raw/discovered: failed" -> URLs, summed over days: what did not become an article, and why in the tables.
    outcomes: dict[str, int] = field(default_factory=dict)

    def unsuccessful(self) -> str:
        """One line on the items that did not make it (they do not fail the run: see the tables for reasons)."""
        wanted = {"raw/discovered": ("failed", "skipped", "deferred"), "core/document_outcomes": ("quarantined",)}
        parts = [f"{self.outcomes.get(f'{asset}: {k}', 0)} {k}" for asset, kinds in wanted.items() for k in kinds]
        return ", ".join(parts) + " (reasons in raw.discovered and core.document_outcomes)"

    @property
    def success(self) -> bool:
        return not self.failures

    def add(self, result: JobExecutionResult) -> None:
        """Record a finished run. A run Ctrl-C interrupted raises Interrupted here, so the loop that made it stops."""
        self.runs += 1
        if _interrupted(result) or ctrl_c_seen():
            raise Interrupted(result.run_id)
        for event in result.get_asset_materialization_events():
            materialization = event.step_materialization_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            key = materialization.asset_key.to_user_string()
            if count is not None:
                self.rows[key] = self.rows.get(key, 0) + count.value if materialization.partition else count.value
            if problems := materialization.metadata.get("problems"):  # one "- problem" line each
                for line in problems.value.splitlines():
                    if line.startswith("- ") and line[2:] not in self.source_problems:
                        self.source_problems.append(line[2:])
            self.published |= key == published.key.to_user_string()
            for name, value in materialization.metadata.items():
                if name.startswith("outcome/"):
                    label = f"{key}: {name.removeprefix('outcome/')}"
                    self.outcomes[label] = self.outcomes.get(label, 0) + value.value
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


# ---------------------------------------------------------------------------------------------- launching
def _job() -> ReconstructableJob:
    """The code location's ``ingest_to_marts``, loaded from its module as `dagster dev` loads it."""
    return ReconstructableRepository.for_module("bilat.pipelines.definitions", "defs").get_reconstructable_job(ingest_to_marts.name)


def job_origin() -> RemoteJobOrigin:
    """Where the UI finds the job: the `bilat` code location's repository. A run that carries it is listed
    under the job (and on the Overview timeline) and can be re-executed from the UI."""
    target = LoadableTargetOrigin(executable_path=sys.executable, module_name="bilat.pipelines.definitions")
    location = ManagedGrpcPythonEnvCodeLocationOrigin(target, CODE_LOCATION)
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME), ingest_to_marts.name)


def resource_config(resources: dict) -> dict:
    """The resources as run config: the run records where it read and wrote, and a re-execution from the UI
    writes the same warehouse."""
    return {name: {"config": {field: getattr(r, field) for field in type(r).model_fields}} for name, r in resources.items()}


def create(instance: dg.DagsterInstance, resources: dict, keys: Iterable[dg.AssetKey], day: date | None = None,
           tags: dict | None = None) -> dg.DagsterRun:
    """A run of ``ingest_to_marts``, not started, for these assets and their checks (every check when the run
    publishes: the checks read the whole warehouse) and, when any is partitioned, the collection day ``day``
    (made a partition first)."""
    tags = dict(tags or {})
    if day is not None:
        add_days(instance, [day])
        tags[PARTITION_NAME_TAG] = day.isoformat()
    keys = frozenset(keys)
    job = _job()
    definition = job.get_definition()
    checks = frozenset(definition.asset_layer.asset_graph.asset_check_keys) if published.key in keys else None
    subset = definition.get_subset(asset_selection=keys, asset_check_selection=checks)
    run_config = {**QUIET, "resources": resource_config(resources)}
    plan = create_execution_plan(subset, run_config=run_config, instance_ref=instance.get_ref() if instance.is_persistent else None, tags=tags)
    return instance.create_run(
        job_name=subset.name, run_id=None, run_config=run_config, status=None, tags=tags, root_run_id=None, parent_run_id=None,
        step_keys_to_execute=plan.step_keys_to_execute, execution_plan_snapshot=snapshot_from_execution_plan(plan, subset.get_job_snapshot_id()),
        job_snapshot=subset.get_job_snapshot(), parent_job_snapshot=subset.get_parent_job_snapshot(), asset_selection=keys,
        asset_check_selection=checks, resolved_op_selection=None, op_selection=None, remote_job_origin=job_origin(),
        job_code_origin=job.get_python_origin(), asset_graph=subset.asset_layer.asset_graph,
    )


def launch(instance: dg.DagsterInstance, resources: dict, keys: Iterable[dg.AssetKey], day: date | None = None,
           tags: dict | None = None) -> JobExecutionResult:
    """One run of ``ingest_to_marts`` (see ``create``), executed in this process."""
    keys = frozenset(keys)
    run = create(instance, resources, keys, day, tags)
    # dagster-dbt echoes dbt's log to stdout (the UI keeps it as the step's stdout); a command line run reports
    # the outcome itself, failures included.
    with contextlib.redirect_stdout(io.StringIO()) if not keys.isdisjoint(MODELS) else contextlib.nullcontext():
        return execute_run(_job(), run, instance)


def _launch_unless_failed(report: "RunReport", instance: dg.DagsterInstance, resources: dict, keys: list[dg.AssetKey],
                          day: date | None, tags: dict | None = None) -> None:
    """Launch a run into ``report``, leaving out the models and publish once an earlier run failed (publish only
    what passed); a run left with nothing to do is not launched."""
    if not report.success:
        keys = [k for k in keys if k not in MODELS]
    if keys:
        report.add(launch(instance, resources, keys, day, tags=tags))


LISTINGS = [raw_listings.key]
PARTITIONED = [key for a in python_assets for key in a.keys]
DERIVED = [key for a in DERIVE for key in a.keys]
MODELS = [key for a in (*sql_model_assets, published) for key in a.keys]


def run_partition(day: date, instance: dg.DagsterInstance, resources: dict) -> JobExecutionResult:
    return launch(instance, resources, PARTITIONED, day)


def run_models(instance: dg.DagsterInstance, resources: dict) -> JobExecutionResult:
    """Rebuild the SQL models, run their checks, then publish (which re-runs every check first)."""
    return launch(instance, resources, MODELS)


def runs_for(days: list[date], per_day: list[dg.AssetKey], first: list[dg.AssetKey] = (), last: list[dg.AssetKey] = MODELS) -> list[tuple[date | None, list[dg.AssetKey]]]:
    """The runs that cover these days: one per day, the first also running ``first`` (the listings) and the
    last ``last`` (the models and publish). One day is one run of the whole job."""
    if not days:
        return [(None, [*first, *last])] if [*first, *last] else []
    runs = [(day, list(per_day)) for day in days]
    runs[0] = (runs[0][0], [*first, *runs[0][1]])
    runs[-1] = (runs[-1][0], [*runs[-1][1], *last])
    return runs


# ---------------------------------------------------------------------------------------------- planning
def today_utc() -> date:
    return datetime.now(timezone.utc).date()


def plan_days(resources: dict, start: date | None = None, end: date | None = None, today: date | None = None) -> list[date]:
    """The collection days worth a run: an archive's capture day; for GDELT, every day of the range asked for
    (today when none is); for feeds, sitemaps and URL lists, today (what they newly list is filed there) and
    any day with listed URLs never collected, or with a range, every day of it that has listed URLs."""
    today = today or today_utc()
    specs = [s for s in resources["sources"].specs() if s.enabled]
    days: set[date] = set()
    for spec in specs:
        if isinstance(spec, ArchiveSpec):
            days.add(collection_day(ArchiveSource(spec.path)))
        elif isinstance(spec, GdeltSpec):
            first, last = start or today, end or today
            days |= {date.fromordinal(d) for d in range(first.toordinal(), last.toordinal() + 1)}
    listing_sources = [s.name for s in specs if isinstance(s, LISTING_KINDS)]
    if listing_sources:
        ranged = start is not None or end is not None
        with resources["warehouse"].connect() as con:
            rows = con.execute(
                "SELECT DISTINCT partition_date FROM raw.listings l WHERE source IN (SELECT unnest(?)) AND (? OR NOT EXISTS "
                "(SELECT 1 FROM raw.discovered d WHERE d.source = l.source AND d.canonical_url = l.canonical_url))",
                [listing_sources, ranged]).fetchall()
        days |= {day for (day,) in rows} | ({today} if not ranged else set())
    return sorted(d for d in days if (start is None or d >= start) and (end is None or d <= end))


def run_all(
    instance: dg.DagsterInstance,
    resources: dict,
    start: date | None = None,
    end: date | None = None,
    on_plan: Callable[[list[date]], None] = lambda days: None,
    after_run: Callable[[str], None] = lambda label: None,
    pool_timeout_s: float = POOL_WAIT_S,
) -> RunReport:
    """The whole pipeline as runs of ``ingest_to_marts``: the listings, each collection day worth running, the
    models, checks and publish; for one day (the usual case), that is one run. ``on_plan`` is told the days
    before they run and ``after_run`` the label of each finished run. The models and publish run only when
    every run before succeeded: after a failed run the snapshot stays as it was. Raises PoolBusy when a live
    run of another process keeps the warehouse pool for ``pool_timeout_s``, and Interrupted when Ctrl-C stops
    a run."""
    report = RunReport()
    with whole_run_lock(resources):
        wait_for_pool(instance, pool_timeout_s)
        days = plan_days(resources, start, end)
        on_plan(days)
        for day, keys in runs_for(days, PARTITIONED, first=LISTINGS):
            _launch_unless_failed(report, instance, resources, keys, day)
            after_run(f"collection day {day}" if day else "listings, models, checks, publish")
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
    after_run: Callable[[str], None] = lambda label: None, pool_timeout_s: float = POOL_WAIT_S,
) -> tuple[RunReport, dict[str, Change]]:
    """Re-derive articles, extraction, marts and the published snapshot for the collection days [start, end]
    from the raw store (no network: the raw assets do not run), and say per table how many rows were added and
    removed."""
    warehouse = resources["warehouse"]
    with warehouse.connect() as con:
        days = [d for (d,) in con.execute(
            "SELECT DISTINCT partition_date FROM raw.documents WHERE partition_date BETWEEN ? AND ? ORDER BY 1", [start, end]).fetchall()]
    report = RunReport(days=days)
    with whole_run_lock(resources), tempfile.TemporaryDirectory() as tmp:
        wait_for_pool(instance, pool_timeout_s)
        before = Path(tmp) / "before.duckdb"
        publish(warehouse.working, before)  # a consistent copy to compare with
        for day, keys in runs_for(days, DERIVED):
            _launch_unless_failed(report, instance, resources, keys, day, tags={"bilat/reprocess": "true"})
            after_run(f"collection day {day}" if day else "models, checks, publish")
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
