"""Parsing and extraction spread over workers give the rows one process gives: a pool of worker processes (the
stages called directly), and a real Dask cluster on 127.0.0.1 (a scheduler and two worker processes) that
`bilat run` hands its tasks to, compared table by table with a run in one process.

Rules-only reading (no statistical model) and small batches: what is tested is where the work runs, not
what it reads, and several batches per window make the order of their results matter.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from bilat import stages, workers
from bilat.rawstore import RawStore
from bilat.settings import bundled_archive
from bilat.sources.config import ArchiveSpec
from bilat.warehouse.load import connect
from tests.test_interrupts import BIN, DAYS, place, table_hashes

DAY, NEXT = date(2025, 12, 31), date(2026, 1, 1)  # the bundled corpus's collection day
CORE = ("core.articles", "core.document_outcomes", "core.mentions", "core.roles", "core.entities", "core.entity_aliases",
        "core.quotes", "core.quantities", "core.events", "core.interactions")


def _stages_into(root: Path) -> dict[str, tuple[int, str]]:
    """Collect, parse and extract the bundled corpus's day into a new warehouse under ``root``."""
    root.mkdir()
    spec, store = ArchiveSpec(name="bundled", kind="archive", path=bundled_archive()), RawStore(root / "raw")
    with connect(root / "bilat.duckdb") as con:
        stages.collect_raw(con, [spec], store, DAY, NEXT)
        parsed = stages.parse_articles(con, store, DAY, NEXT)
        extracted = stages.extract_window(con, DAY, NEXT)
    assert parsed.counts["core.articles"] > 40 and extracted.counts["core.mentions"] > 500 and not extracted.problems
    assert not any((root / "handoff").glob("*/*")), "the handoff store keeps nothing once a stage has loaded"
    hashes = table_hashes(root / "bilat.duckdb")
    return {t: hashes[t] for t in CORE}


def test_a_pool_of_worker_processes_writes_the_rows_of_one_process(tmp_path, monkeypatch):
    monkeypatch.setenv("BILAT_NER_MODEL", "none")
    monkeypatch.setenv("BILAT_BATCH_SIZE", "7")  # 47 documents: seven batches, the last a short one
    monkeypatch.setenv("BILAT_WORKERS", "1")
    serial = _stages_into(tmp_path / "serial")
    monkeypatch.setenv("BILAT_WORKERS", "2")
    pooled = _stages_into(tmp_path / "pooled")
    assert workers._process_pool.cache_info().currsize == 1  # the tasks did go to a pool
    assert {t: (serial[t], pooled[t]) for t in CORE if serial[t] != pooled[t]} == {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster(tmp_path) -> str:
    """A Dask scheduler and two single-threaded worker processes on 127.0.0.1, each in its own process group."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "start_new_session": True, "cwd": tmp_path}
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                   "--no-dashboard"], **quiet)]
    try:
        with Client(address, timeout="60s") as client:
            processes += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                            "--no-dashboard", "--name", f"worker-{n}"], **quiet) for n in (1, 2)]
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in processes:
            with_group = process.poll() is None
            if with_group:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_a_run_on_a_dask_cluster_writes_the_warehouse_of_a_run_in_one_process(tmp_path, dask_cluster):
    from distributed import Client

    rules = {"BILAT_NER_MODEL": "none", "BILAT_BATCH_SIZE": "6"}
    alone = place(tmp_path / "alone")
    code, out = alone.run("run", *DAYS, BILAT_WORKERS="1", **rules)
    assert code == 0, out[-3000:]
    clustered = place(tmp_path / "cluster")
    code, out = clustered.run("run", *DAYS, BILAT_CLUSTER=dask_cluster, BILAT_HANDOFF=str(tmp_path / "shared-handoff"), **rules)
    assert code == 0, out[-3000:]
    with Client(dask_cluster) as client:
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(n > 0 for n in executed.values()), f"both workers ran tasks: {executed}"
    assert sum(executed.values()) >= 16  # 47 documents in batches of 6: eight parse tasks, eight extraction tasks
    expected, got = table_hashes(alone.warehouse), table_hashes(clustered.warehouse)
    assert got["core.mentions"][0] > 500 and got["marts.dyad_timeline"][0] > 0
    assert {t: (expected.get(t), got.get(t)) for t in set(expected) | set(got) if expected.get(t) != got.get(t)} == {}
    assert not any((tmp_path / "shared-handoff").glob("*/*"))
