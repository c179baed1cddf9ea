"""Backfills from the command line that the Dagster UI shows: every collection day of a range that has
something to collect (an archive's capture day, each GDELT window, each day feeds listed URLs on).

With a webserver answering, the days are added as partitions (GraphQL ``addDynamicPartition``) and a real
asset backfill is submitted (``launchPartitionBackfill``, which ``DagsterGraphQLClient`` has no method for);
the daemon runs one run of the job per day. Without one (or with ``--local``), the same runs of
``ingest_to_marts`` are executed in this process against the persistent instance, so they show in the UI's
run history afterwards. ``resume`` limits either to the days whose last materialization is missing or failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import dagster as dg
import httpx
from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME

from bilat.pipelines.definitions import CODE_LOCATION
from bilat.pipelines.jobs import all_assets, ingest_to_marts
from bilat.pipelines.partitions import collection_days
from bilat.pipelines.runs import LISTINGS, MODELS, PARTITIONED, RunReport, plan_days, runs_for, whole_run_lock
from bilat.pipelines.runs import launch as launch_run

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

ADD_PARTITION = """
mutation Add($repositorySelector: RepositorySelector!, $partitionsDefName: String!, $partitionKey: String!) {
  addDynamicPartition(repositorySelector: $repositorySelector, partitionsDefName: $partitionsDefName, partitionKey: $partitionKey) {
    __typename
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}"""

DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}
#: The last asset of the partitioned chain: a day counts as done when it is materialized.
PROGRESS_ASSET = dg.AssetKey(["core", "interactions"])


class BackfillError(RuntimeError):
    """The webserver refused the backfill or answered something unexpected; the message says what."""


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


def add_partitions(url: str, days: list[date]) -> None:
    """Make the days partitions of the webserver's instance (it may not be this process's)."""
    selector = {"repositoryLocationName": CODE_LOCATION, "repositoryName": SINGLETON_REPOSITORY_NAME}
    for day in days:
        answer = _graphql(url, ADD_PARTITION, {"repositorySelector": selector, "partitionsDefName": collection_days.name,
                                               "partitionKey": day.isoformat()})["addDynamicPartition"]
        if answer["__typename"] not in {"AddDynamicPartitionSuccess", "DuplicateDynamicPartitionError"}:
            raise BackfillError(f"{answer['__typename']}: {answer.get('message', '')}")


def launch(url: str, days: list[date], title: str, keys: list[dg.AssetKey]) -> str:
    """Submit a backfill of ``ingest_to_marts`` (these assets of it) for these collection days; returns its id.
    A job backfill, not an asset backfill: the daemon makes one run of the job per day, listings and models
    included, where an asset backfill splits a day into a run per partitioning (listings, the day, the models),
    each a new process."""
    add_partitions(url, days)
    selector = {"repositoryLocationName": CODE_LOCATION, "repositoryName": SINGLETON_REPOSITORY_NAME}
    params = {
        "title": title,
        "selector": {"partitionSetName": f"{ingest_to_marts.name}_partition_set", "repositorySelector": selector},
        "partitionNames": [d.isoformat() for d in days],
    }
    if set(keys) != {key for a in all_assets for key in a.keys}:
        params["assetSelection"] = [{"path": list(key.path)} for key in keys]
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
