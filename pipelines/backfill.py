"""Backfills from the command line that the Dagster UI shows: every collection day of a range that has
something to collect (an archive's capture day, each GDELT window, each day feeds listed URLs on).

With `dagster dev` answering, ``submit`` does what Dagster's own ``dagster job backfill`` does: it records a
backfill of ``ingest_to_marts`` (the UI's Backfills page lists it) and submits its runs, one per day, to the run
queue itself, which the daemon reads every second. Handing the backfill to Dagster's backfill daemon instead
(GraphQL ``launchPartitionBackfill``) creates the same runs, but only on the daemon's next turn of a fixed
30 s loop, and sees them done on a later turn: 60-90 s for the bundled corpus's one run of 20 s. The record is
left ``REQUESTED`` with every partition marked submitted, so the daemon finishes it even if this command is
stopped (it marks a backfill complete once its runs end); ``follow`` marks it as soon as they do.
Without a webserver (or with ``--local``), the same runs are executed in this process against the persistent
instance, so they show in the UI's run history afterwards. ``resume`` limits either to the days whose last
materialization is missing or failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import dagster as dg
import httpx
from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
from dagster._core.remote_origin import RemotePartitionSetOrigin
from dagster._core.storage.dagster_run import FINISHED_STATUSES, RunsFilter
from dagster._core.storage.tags import BACKFILL_ID_TAG
from dagster._core.utils import make_new_backfill_id
from dagster._time import get_current_timestamp

from bilat.pipelines.jobs import all_assets, ingest_to_marts
from bilat.pipelines.runs import LISTINGS, MODELS, PARTITIONED, RunReport, create, job_origin, plan_days, runs_for, whole_run_lock
from bilat.pipelines.runs import launch as launch_run

SEES_BACKFILL = """
query Sees($id: String!) {
  partitionBackfillOrError(backfillId: $id) { __typename }
}"""

DAEMONS = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"

#: The last asset of the partitioned chain: a day counts as done when it is materialized.
PROGRESS_ASSET = dg.AssetKey(["core", "interactions"])


class BackfillError(RuntimeError):
    """The backfill cannot be submitted (no queue daemon, another instance, an unknown asset); the message says what."""


def days_to_run(instance: dg.DagsterInstance, resources: dict, start: date, end: date, resume: bool) -> list[date]:
    """The collection days of [start, end] with something to collect, or with ``resume`` those of them whose
    last materialization is missing or failed."""
    days = plan_days(resources, start, end)
    if not resume:
        return days
    done = instance.get_materialized_partitions(PROGRESS_ASSET)
    return [d for d in days if d.isoformat() not in done]


# ---------------------------------------------------------------------------------------------- webserver
def webserver_answers(url: str) -> bool:
    try:
        return httpx.get(f"{url.rstrip('/')}/server_info", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = httpx.post(f"{url.rstrip('/')}/graphql", json={"query": query, "variables": variables or {}}, timeout=60.0)
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise BackfillError("; ".join(e.get("message", str(e)) for e in body["errors"]))
    return body["data"]


def selected_keys(select: str | None) -> list[dg.AssetKey]:
    """Asset keys from "raw/documents,core/articles" (default: every asset)."""
    every = [key for a in all_assets for key in a.keys]
    if not select:
        return every
    wanted = [dg.AssetKey(part.strip().split("/")) for part in select.split(",") if part.strip()]
    unknown = [k.to_user_string() for k in wanted if k not in every]
    if unknown:
        raise BackfillError(f"unknown assets {', '.join(unknown)}; known: {', '.join(k.to_user_string() for k in every)}")
    return wanted


def _queue_daemon_healthy(url: str) -> bool:
    statuses = _graphql(url, DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"] or []
    return any(d["daemonType"] == "QUEUED_RUN_COORDINATOR" and d["healthy"] for d in statuses)


def submit(url: str, instance: dg.DagsterInstance, resources: dict, days: list[date], title: str, keys: list[dg.AssetKey]) -> str:
    """Record a backfill of ``ingest_to_marts`` (these assets of it) for these collection days and queue its
    runs, one per day each of the whole selection, as the daemon's job backfill would; returns its id."""
    if not _queue_daemon_healthy(url):
        raise BackfillError(f"the Dagster daemon at {url} is not reading the run queue (is `dagster dev` running it?)")
    backfill_id = make_new_backfill_id()
    runs = [create(instance, resources, keys, day, tags={BACKFILL_ID_TAG: backfill_id}) for day in days]
    every = {key for a in all_assets for key in a.keys}
    instance.add_backfill(PartitionBackfill(
        backfill_id=backfill_id, status=BulkActionStatus.REQUESTED, from_failure=False, tags={}, title=title,
        backfill_timestamp=get_current_timestamp(), asset_selection=None if set(keys) == every else keys,
        partition_set_origin=RemotePartitionSetOrigin(repository_origin=job_origin().repository_origin,
                                                       partition_set_name=f"{ingest_to_marts.name}_partition_set"),
        partition_names=[d.isoformat() for d in days], last_submitted_partition_name=days[-1].isoformat()))
    # The runs are this process's instance's; a webserver on another instance would never start them.
    if _graphql(url, SEES_BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]["__typename"] != "PartitionBackfill":
        for run in runs:
            instance.delete_run(run.run_id)
        instance.update_backfill(instance.get_backfill(backfill_id).with_status(BulkActionStatus.FAILED).with_end_timestamp(get_current_timestamp()))
        raise BackfillError(f"the webserver at {url} uses another Dagster instance than this one ({instance.root_directory}): "
                            "set DAGSTER_HOME to its instance, or use --local")
    for run in runs:
        instance.submit_run(run.run_id, workspace=None)  # the queued run coordinator only enqueues it
    return backfill_id


def follow(instance: dg.DagsterInstance, backfill_id: str, on_progress: Callable[[int, int, str], None], poll_s: float = 1.0,
           timeout_s: float = 3600) -> str:
    """Wait for the backfill's runs to end, ``on_progress(runs done, runs, state)`` as they go; mark the backfill
    complete (unless the daemon already has) and return its status."""
    deadline = time.monotonic() + timeout_s
    while True:
        runs = instance.get_runs(RunsFilter(tags={BACKFILL_ID_TAG: backfill_id}))
        finished = [r for r in runs if r.status in FINISHED_STATUSES]
        on_progress(len(finished), len(runs), "running" if len(finished) < len(runs) else "done")
        if len(finished) == len(runs):
            break
        if time.monotonic() > deadline:
            raise BackfillError(f"backfill {backfill_id}: {len(runs) - len(finished)} run(s) not finished after {timeout_s:.0f} s")
        time.sleep(poll_s)
    record = instance.get_backfill(backfill_id)
    if record.status == BulkActionStatus.REQUESTED:  # as the daemon marks it, one turn of its loop sooner
        failed = any(r.status != dg.DagsterRunStatus.SUCCESS for r in runs)
        record = record.with_status(BulkActionStatus.COMPLETED_FAILED if failed else BulkActionStatus.COMPLETED_SUCCESS)
        instance.update_backfill(record.with_end_timestamp(get_current_timestamp()))
    return record.status.value


# ---------------------------------------------------------------------------------------------- local
def run_local(instance: dg.DagsterInstance, resources: dict, days: list[date], keys: list[dg.AssetKey],
              after_run: Callable[[str], None] = lambda label: None) -> RunReport:
    """One run of ``ingest_to_marts`` per day in this process for the selected partitioned assets; the first
    also reads the listings and the last rebuilds the models, checks and publishes, when those are selected."""
    report = RunReport(days=days)
    per_day = [k for k in PARTITIONED if k in keys]
    first, last = [k for k in LISTINGS if k in keys], [k for k in MODELS if k in keys]
    with whole_run_lock(resources):
        for day, run_keys in runs_for(days if per_day else [], per_day, first, last):
            report.add(launch_run(instance, resources, run_keys, day, tags={"bilat/backfill": "local"}))
            after_run(f"collection day {day}" if day else "models, checks, publish")
    return report
