"""Backfills from the command line that the Dagster UI shows, and that run as a handful of ranged runs.

With a webserver answering, a real asset backfill is submitted (GraphQL ``launchPartitionBackfill``, which
``DagsterGraphQLClient`` has no method for) and the daemon executes it under each asset's backfill policy:
the partitioned assets run up to a year of days per run, so a range is a few runs, not one per day. Without one (or with
``--local``), the same ranged run is executed in this process against the persistent instance, so it shows in
the UI's run history afterwards. ``resume`` limits either to the days whose last materialization is missing
or failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import dagster as dg
import httpx

from bilat.pipelines.jobs import all_assets, python_assets
from bilat.pipelines.partitions import DAYS_PER_RUN, daily_partitions
from bilat.pipelines.runs import QUIET, RunReport, run_models, whole_run_lock

LAUNCH = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on PartitionKeysNotFoundError { message }
    ... on UnauthorizedError { message }
  }
}"""

STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id status numPartitions runs(limit: 1000) { id status } }
    ... on PythonError { message }
  }
}"""

DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}
#: The last asset of the partitioned chain: a day counts as done when it is materialized.
PROGRESS_ASSET = dg.AssetKey(["core", "interactions"])


class BackfillError(RuntimeError):
    """The webserver refused the backfill or answered something unexpected; the message says what."""


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    @property
    def keys(self) -> list[str]:
        return [(self.start + timedelta(days=n)).isoformat() for n in range((self.end - self.start).days + 1)]


def to_windows(days: list[date], max_days: int = DAYS_PER_RUN) -> list[Window]:
    """Contiguous runs of days, at most ``max_days`` long (the assets' backfill policy): each one ranged run."""
    windows: list[Window] = []
    for day in sorted(days):
        if windows and day == windows[-1].end + timedelta(days=1) and len(windows[-1].keys) < max_days:
            windows[-1] = Window(windows[-1].start, day)
        else:
            windows.append(Window(day, day))
    return windows


def days_to_run(instance: dg.DagsterInstance, start: date, end: date, resume: bool) -> list[date]:
    """Every day of [start, end], or with ``resume`` those whose last materialization is missing or failed."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
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


def _graphql(url: str, query: str, variables: dict) -> dict:
    response = httpx.post(f"{url.rstrip('/')}/graphql", json={"query": query, "variables": variables}, timeout=60.0)
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


def launch(url: str, windows: list[Window], title: str, keys: list[dg.AssetKey]) -> str:
    """Submit an asset backfill of these assets for these windows; returns its id."""
    ranges = [{"start": w.start.isoformat(), "end": w.end.isoformat()} for w in windows]
    partitioned = {key for a in python_assets for key in a.keys}
    params = {
        "title": title,
        "partitionsByAssets": [
            {"assetKey": {"path": list(key.path)}, **({"partitions": {"ranges": ranges}} if key in partitioned else {})}
            for key in keys
        ],
    }
    answer = _graphql(url, LAUNCH, {"params": params})["launchPartitionBackfill"]
    if answer["__typename"] != "LaunchBackfillSuccess":
        raise BackfillError(f"{answer['__typename']}: {answer.get('message', '')}")
    return answer["backfillId"]


def follow(url: str, backfill_id: str, on_progress: Callable[[int, int, str], None], poll_s: float = 1.0, timeout_s: float = 3600) -> str:
    """Wait for the backfill to finish; ``on_progress(runs done, runs, status)`` as it goes. Returns its status."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = _graphql(url, STATUS, {"id": backfill_id})["partitionBackfillOrError"]
        if answer["__typename"] != "PartitionBackfill":
            raise BackfillError(f"{answer['__typename']}: {answer.get('message', '')}")
        runs = answer["runs"] or []
        finished = sum(1 for r in runs if r["status"] in {"SUCCESS", "FAILURE", "CANCELED"})
        on_progress(finished, len(runs), answer["status"])
        if answer["status"] in DONE:
            return answer["status"]
        if time.monotonic() > deadline:
            raise BackfillError(f"backfill {backfill_id} still {answer['status']} after {timeout_s:.0f} s")
        time.sleep(poll_s)


# ---------------------------------------------------------------------------------------------- local
def run_local(instance: dg.DagsterInstance, resources: dict, windows: list[Window], keys: list[dg.AssetKey],
              after_run: Callable[[str], None] = lambda label: None) -> RunReport:
    """One ranged run per window in this process for the selected partitioned assets, then (when selected)
    the models, checks and publish."""
    report = RunReport()
    partitioned = [k for a in python_assets for k in a.keys if k in keys]
    with whole_run_lock(resources):
        _run_windows(instance, resources, windows, keys, partitioned, report, after_run)
    return report


def _run_windows(instance, resources, windows, keys, partitioned, report: RunReport, after_run) -> None:
    for window in windows if partitioned else []:
        tags = {"dagster/asset_partition_range_start": window.start.isoformat(),
                "dagster/asset_partition_range_end": window.end.isoformat(), "bilat/backfill": "local"}
        report.add(dg.materialize(all_assets, selection=dg.AssetSelection.assets(*partitioned), tags=tags,
                                  instance=instance, resources=resources, run_config=QUIET, raise_on_error=False))
        report.days += [date.fromisoformat(k) for k in window.keys]
        after_run(f"{window.start} … {window.end}")
    if any(k not in partitioned for k in keys):
        report.add(run_models(instance, resources))
        after_run("models, checks, publish")


def partition_bounds() -> tuple[date, date]:
    keys = daily_partitions.get_partition_keys()
    return date.fromisoformat(keys[0]), date.fromisoformat(keys[-1])
