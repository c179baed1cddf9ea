"""Backfills and concurrent runs with real parts: a persistent instance, `dagster dev` (webserver and daemon)
on a free port, and `bilat` as a separate process."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from bilat.settings import bundled_archive
from tests.archives import write_archive

BIN = Path(sys.executable).parent
# Orchestration, not reading: the runs (bilat's and the daemon's) read without the NER model (tests/conftest.py).
pytestmark = pytest.mark.rules_only
REPO = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path) -> dict:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {**os.environ, "DAGSTER_HOME": str(home), "BILAT_WAREHOUSE": str(tmp_path / "bilat.duckdb"), "COLUMNS": "120"}


def _bilat(env: dict, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "bilat"), *args], env=env, capture_output=True, text=True, timeout=600, cwd=cwd)


def _articles(tmp_path: Path) -> int:
    with duckdb.connect(str(tmp_path / "bilat.duckdb"), read_only=True) as con:
        return con.execute("SELECT count(*) FROM core.articles").fetchall()[0][0]


def test_a_local_backfill_runs_each_collection_day_and_resume_redoes_only_what_failed(tmp_path):
    # The bundled archive (captured 2025-12-31) and a small one captured 2025-12-15: two collection days.
    write_archive(tmp_path / "small", "small", "2025-12-15T08:00:00+00:00", {"/2003/war-begins": "2003-03-21T06:00:00Z"})
    (tmp_path / "sources.yaml").write_text(f"sources:\n  - {{name: bundled, kind: archive, path: {bundled_archive()}}}\n"
                                           "  - {name: small, kind: archive, path: small}\n")
    env = {**_env(tmp_path), "BILAT_SOURCES": str(tmp_path / "sources.yaml")}
    first = _bilat(env, "backfill", "--start", "2025-12-01", "--end", "2025-12-20", "--local", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 collection day(s)" in first.stdout  # the small archive's day; no run for the 19 days without documents

    blocker = tmp_path / "bilat.work.duckdb.wal"  # a directory where DuckDB must write: every write now fails
    blocker.mkdir()
    broken = _bilat(env, "backfill", "--start", "2025-12-21", "--end", "2025-12-31", "--local", cwd=tmp_path)
    assert broken.returncode == 1
    blocker.rmdir()

    resumed = _bilat(env, "backfill", "--start", "2025-12-01", "--end", "2025-12-31", "--local", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "1 collection day(s)" in resumed.stdout  # Dec. 15 was done; only the failed day ran again
    assert _articles(tmp_path) == 48
    again = _bilat(env, "backfill", "--start", "2025-12-01", "--end", "2025-12-31", "--local", "--resume", cwd=tmp_path)
    assert "nothing to do" in again.stdout


def test_two_runs_started_at_once_both_succeed(tmp_path):
    env = _env(tmp_path)
    runs = [subprocess.Popen([str(BIN / "bilat"), "run", "--start", start, "--end", end], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for start, end in (("2014-01-01", "2019-12-31"), ("2020-01-01", "2025-12-31"))]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n".join(o[-2000:] for o in outputs)
    assert _articles(tmp_path) == 47  # one waited for the other's writes; nothing was lost


WORKSPACE = "load_from:\n  - python_module: {module_name: bilat.pipelines.definitions, location_name: bilat}\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    """`dagster dev` with a temporary instance, stopped (whole process group) after. It runs outside the
    repository, whose .env would point it at the repository's instance (.env overrides DAGSTER_HOME), with a
    workspace naming the code location as pyproject.toml does."""
    tmp_path = tmp_path_factory.mktemp("dagster_dev")
    env, port = _env(tmp_path), _free_port()
    (tmp_path / "workspace.yaml").write_text(WORKSPACE)
    process = subprocess.Popen([str(BIN / "dagster"), "dev", "-p", str(port), "-w", "workspace.yaml"], cwd=tmp_path, env=env,
                               stdout=open(tmp_path / "dagster-dev.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            pytest.fail("dagster dev did not start: " + (tmp_path / "dagster-dev.log").read_text()[-3000:])
        yield url, env, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _query(url: str, query: str, variables: dict | None = None) -> dict:
    body = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60).json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


RUNS = """query($job: String!) { runsOrError(filter: {pipelineName: $job}) { ... on Runs { results {
  runId status parentRunId repositoryOrigin { repositoryLocationName repositoryName } tags { key value } } } } }"""
REEXECUTE = """mutation($parent: String!) { launchPipelineReexecution(reexecutionParams: {parentRunId: $parent, strategy: ALL_STEPS}) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } ... on RunConfigValidationInvalid { errors { message } } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""
PARTITIONS = """query($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) { ... on AssetNode {
  partitionStats { numMaterialized numPartitions numFailed numMaterializing } } } }"""


BACKFILL = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill {
  status numPartitions partitionNames runs(limit: 100) { status tags { key value } } } } }"""


def test_bilat_backfill_is_a_backfill_the_ui_lists_whose_runs_the_daemon_starts(dagster_dev):
    url, env, tmp_path = dagster_dev
    result = _bilat(env, "backfill", "--start", "2025-12-01", "--end", "2025-12-31", "--dagster-url", url, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "COMPLETED_SUCCESS" in result.stdout and f"{url}/runs/b/" in result.stdout
    backfill_id = result.stdout.split("/runs/b/")[1].split()[0]
    record = _query(url, BACKFILL, {"id": backfill_id})["partitionBackfillOrError"]
    assert record["status"] == "COMPLETED_SUCCESS" and record["partitionNames"] == ["2025-12-31"]
    # One run for the one day with documents, started by the webserver's daemon from the queue.
    [run] = record["runs"]
    assert run["status"] == "SUCCESS" and {"key": "dagster/partition", "value": "2025-12-31"} in run["tags"]
    assert _articles(tmp_path) == 47
    # The catalog: every partition there is has documents and is materialized; none is "missing".
    stats = _query(url, PARTITIONS, {"path": ["core", "articles"]})["assetNodeOrError"]["partitionStats"]
    assert stats["numPartitions"] == stats["numMaterialized"] == 1 and stats["numFailed"] == 0


def test_a_backfill_against_a_webserver_on_another_instance_is_refused(dagster_dev, tmp_path, monkeypatch):
    url, _, _ = dagster_dev
    env = _env(tmp_path)  # a new DAGSTER_HOME: the webserver's daemon would never see its runs
    result = _bilat(env, "backfill", "--start", "2025-12-01", "--end", "2025-12-31", "--dagster-url", url, cwd=tmp_path)
    assert result.returncode == 1
    assert "uses another Dagster instance" in result.stdout, result.stdout + result.stderr
    monkeypatch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])
    import dagster as dg

    with dg.DagsterInstance.get() as instance:  # nothing was left queued
        assert instance.get_runs_count() == 0


def test_a_bilat_run_is_a_run_of_the_job_that_the_ui_re_executes(dagster_dev):
    """Through the webserver's GraphQL, as the UI's Re-execute button does."""
    url, env, tmp_path = dagster_dev
    result = _bilat(env, "run", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    runs = _query(url, RUNS, {"job": "ingest_to_marts"})["runsOrError"]["results"]
    (ours,) = [r for r in runs if not any(t["key"] == "dagster/backfill" for t in r["tags"])]
    assert ours["status"] == "SUCCESS"
    assert ours["repositoryOrigin"] == {"repositoryLocationName": "bilat", "repositoryName": "__repository__"}
    answer = _query(url, REEXECUTE, {"parent": ours["runId"]})["launchPipelineReexecution"]
    assert answer["__typename"] == "LaunchRunSuccess", answer
    child = answer["run"]["runId"]
    deadline = time.monotonic() + 600
    while (state := _query(url, STATUS, {"id": child})["runOrError"]["status"]) not in {"SUCCESS", "FAILURE", "CANCELED"}:
        assert time.monotonic() < deadline, f"the re-execution is still {state}"
        time.sleep(2)
    assert state == "SUCCESS", (tmp_path / "dagster-dev.log").read_text()[-3000:]
    assert _articles(tmp_path) == 47  # the re-execution wrote the same warehouse (its run config names it)
