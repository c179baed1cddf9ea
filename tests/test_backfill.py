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

BIN = Path(sys.executable).parent
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


def test_a_local_backfill_runs_ranged_and_resume_redoes_only_what_failed(tmp_path):
    env = _env(tmp_path)
    first = _bilat(env, "backfill", "--start", "2023-08-01", "--end", "2023-08-09", "--local", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "9 days in 1 ranged run" in first.stdout  # one run for the range, not one per day

    blocker = tmp_path / "bilat.work.duckdb.wal"  # a directory where DuckDB must write: every write now fails
    blocker.mkdir()
    broken = _bilat(env, "backfill", "--start", "2023-08-10", "--end", "2023-08-31", "--local", cwd=tmp_path)
    assert broken.returncode == 1
    blocker.rmdir()

    resumed = _bilat(env, "backfill", "--start", "2023-08-01", "--end", "2023-08-31", "--local", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "22 days in 1 ranged run" in resumed.stdout  # Aug. 1-9 were done; only the failed days ran again
    assert _articles(tmp_path) == 2  # the Pentagon dialogue and its syndicated copy
    again = _bilat(env, "backfill", "--start", "2023-08-01", "--end", "2023-08-31", "--local", "--resume", cwd=tmp_path)
    assert "nothing to do" in again.stdout


def test_two_runs_started_at_once_both_succeed(tmp_path):
    env = _env(tmp_path)
    runs = [subprocess.Popen([str(BIN / "bilat"), "run", "--start", start, "--end", end], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for start, end in (("2014-01-01", "2019-12-31"), ("2020-01-01", "2025-12-31"))]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n".join(o[-2000:] for o in outputs)
    assert _articles(tmp_path) == 47  # one waited for the other's writes; nothing was lost


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dagster_dev(tmp_path):
    """`dagster dev` from the repository root, with a temporary instance, stopped (whole process group) after."""
    env, port = _env(tmp_path), _free_port()
    process = subprocess.Popen([str(BIN / "dagster"), "dev", "-p", str(port)], cwd=REPO, env=env,
                               stdout=open(tmp_path / "dagster-dev.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        else:
            pytest.fail("dagster dev did not start: " + (tmp_path / "dagster-dev.log").read_text()[-3000:])
        yield url, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_bilat_backfill_submits_a_backfill_the_daemon_runs(dagster_dev, tmp_path):
    url, env = dagster_dev
    result = _bilat(env, "backfill", "--start", "2023-08-01", "--end", "2023-08-30", "--dagster-url", url, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "COMPLETED_SUCCESS" in result.stdout and f"{url}/runs/b/" in result.stdout
    backfill_id = result.stdout.split("/runs/b/")[1].split()[0]
    status = httpx.post(f"{url}/graphql", json={"query": "query($id: String!) { partitionBackfillOrError(backfillId: $id) "
                                                         "{ ... on PartitionBackfill { status numPartitions } } }", "variables": {"id": backfill_id}}).json()
    assert status["data"]["partitionBackfillOrError"]["status"] == "COMPLETED_SUCCESS"
    assert _articles(tmp_path) == 2
