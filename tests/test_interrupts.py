"""Killed, interrupted and failed runs, as real `bilat run` processes against a real Dagster instance:
a SIGKILL never blocks the next run, Ctrl-C stops the whole command, a failed run never publishes, and two
runs from scratch give identical tables.

Every run here is the bundled corpus's one collection day (one Dagster run of the whole job); one clean run
is the reference the others are compared with.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from filelock import FileLock

from bilat.pipelines.recovery import pool_holders
from bilat.pipelines.resources import WAREHOUSE_POOL

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Orchestration, not reading: the runs read without the NER model (tests/conftest.py).
pytestmark = pytest.mark.rules_only
DAYS = ("--start", "2025-12-31", "--end", "2025-12-31")  # the bundled corpus's one collection day: one run
# Columns that say when something happened, not what: they differ between any two runs.
VOLATILE = {"applied_at", "first_seen_at", "last_seen_at", "elapsed_s", "loaded_at", "changed_at"}
TIMEOUT_S = 600  # a safety net for a hung process, never an assertion about speed


@dataclass
class Place:
    """A warehouse folder with its own persistent Dagster instance (the repo's dagster.yaml: pools enforced)."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "bilat.duckdb"

    @property
    def home(self) -> Path:
        return self.root / "dagster_home"

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "BILAT_WAREHOUSE": str(self.warehouse), "DAGSTER_HOME": str(self.home), "COLUMNS": "160", **extra}

    def start(self, *args: str, **env: str) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / "bilat"), *args], env=self.env(**env), cwd=self.root, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def run(self, *args: str, **env: str) -> tuple[int, str]:
        process = self.start(*args, **env)
        out, _ = process.communicate(timeout=TIMEOUT_S)
        return process.returncode, out

    def instance(self) -> dg.DagsterInstance:
        # under bilat's lock: two processes creating the instance's SQLite tables at once break them
        with FileLock(self.home / ".bilat-instance.lock"):
            instance = dg.DagsterInstance.from_config(str(self.home))
            instance.get_runs(limit=1)
        return instance


def place(root: Path) -> Place:
    """A new folder with a new instance (created here, so that the test can open it while bilat runs)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "dagster_home").mkdir(exist_ok=True)
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", root / "dagster_home" / "dagster.yaml")
    where = Place(root)
    where.instance().dispose()
    return where


def table_hashes(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Every table and view of the warehouse: its row count and a hash of its rows (in any order)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT internal "
            "UNION SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal AND schema_name NOT IN ('main', 'information_schema', 'pg_catalog') "
            "ORDER BY 1").fetchall()
        hashes = {}
        for (name,) in relations:
            columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{name}')").fetchall() if c not in VOLATILE]
            rows = f"SELECT md5(CAST(r AS VARCHAR)) AS h FROM (SELECT {', '.join(columns)} FROM {name}) r"
            hashes[name] = tuple(con.execute(f"SELECT count(*), md5(coalesce(string_agg(h, ',' ORDER BY h), '')) FROM ({rows})").fetchone())
    return hashes


def wait_for(condition: Callable[[], object], process: subprocess.Popen, what: str):
    """Poll until ``condition`` holds; fail if the process ends first (the moment was missed)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if found := condition():
            return found
        if process.poll() is not None:
            pytest.fail(f"bilat ended (exit {process.returncode}) before {what}:\n{process.stdout.read()[-3000:]}")
        time.sleep(0.05)
    pytest.fail(f"never saw {what}")


def step_holding_the_pool(instance: dg.DagsterInstance, step: str) -> Callable[[], bool]:
    """True once a step whose key starts with ``step`` holds the warehouse pool (it is running)."""
    return lambda: any(s.step_key.startswith(step) for s in instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots)


def kill_when(where: Place, step: str, sig: int = signal.SIGKILL) -> tuple[subprocess.Popen, str]:
    """Start `bilat run`, send ``sig`` to its process group once ``step`` runs, and wait for it to end."""
    process = where.start("run", *DAYS)
    with where_instance(where) as instance:
        wait_for(step_holding_the_pool(instance, step), process, f"step {step} started")
    os.killpg(process.pid, sig)
    out, _ = process.communicate(timeout=TIMEOUT_S)
    return process, out


@contextlib.contextmanager
def where_instance(where: Place) -> Iterator[dg.DagsterInstance]:
    instance = where.instance()
    try:
        yield instance
    finally:
        instance.dispose()


@dataclass
class FromScratch:
    """Two clean runs from scratch, each in its own folder and instance, started at once (the two cores run
    them side by side; they share nothing): the first is the reference, the second is compared with it."""

    reference: Place
    again: Place
    again_exit: int
    again_output: str


@pytest.fixture(scope="module")
def from_scratch(tmp_path_factory) -> FromScratch:
    clean, again = place(tmp_path_factory.mktemp("reference")), place(tmp_path_factory.mktemp("again"))
    processes = [where.start("run", *DAYS) for where in (clean, again)]
    (out, _), (again_out, _) = (process.communicate(timeout=TIMEOUT_S) for process in processes)
    assert processes[0].returncode == 0, out[-3000:]
    return FromScratch(clean, again, processes[1].returncode, again_out)


@pytest.fixture(scope="module")
def reference(from_scratch) -> tuple[Place, dict]:
    """One clean run from scratch: the tables every other run here must reproduce."""
    return from_scratch.reference, table_hashes(from_scratch.reference.warehouse)


def test_two_runs_from_scratch_give_identical_tables(reference, from_scratch):
    _, expected = reference
    assert from_scratch.again_exit == 0, from_scratch.again_output[-3000:]
    hashes = table_hashes(from_scratch.again.warehouse)
    assert {"marts.dyad_timeline", "core.mentions", "raw.discovered"} <= set(hashes)
    assert all(count for count, _ in (hashes[t] for t in ("marts.dyad_timeline", "core.mentions")))
    assert {t: h for t, h in hashes.items() if expected.get(t) != h} == {}


def test_after_sigkill_at_any_tested_point_the_next_run_completes_on_its_own(reference, tmp_path):
    _, expected = reference
    where = place(tmp_path)
    # 1. killed while a day's extraction holds the warehouse pool: the stuck-forever case
    first, _ = kill_when(where, "extraction")
    assert first.returncode == -signal.SIGKILL
    with where_instance(where) as instance:
        [stuck] = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        assert pool_holders(instance)[0].run_id == stuck.run_id  # the dead run still holds the only slot
    # 2. the next one recovers it by itself, and is killed in turn while publishing
    second, out = kill_when(where, "published_warehouse")
    assert f"recovered 1 Dagster run(s) whose process is gone ({stuck.run_id[:8]})" in out
    # a copy half-written by a killed publish (the pid is the dead second run's) must not stay behind
    orphan = where.root / f".bilat.duckdb.{second.pid}.tmp"
    orphan.write_bytes(b"half a snapshot")
    # 3. the third completes with nobody's help, and its tables are a clean run's
    code, out = where.run("run", *DAYS)
    assert code == 0, out[-3000:]
    assert "recovered 1 Dagster run(s) whose process is gone" in out
    assert f"removed 1 staging file(s) a killed publish left: {orphan.name}" in out
    assert not orphan.exists()
    with where_instance(where) as instance:
        assert instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])) == []
        assert pool_holders(instance) is None
        stale = instance.get_runs(dg.RunsFilter(run_ids=[stuck.run_id]))[0]
        assert stale.status == dg.DagsterRunStatus.FAILURE
    assert table_hashes(where.warehouse) == expected


def test_ctrl_c_stops_the_whole_command_and_publishes_nothing(tmp_path):
    where = place(tmp_path)
    process, out = kill_when(where, "parsed_articles", signal.SIGINT)  # as Ctrl-C in a terminal: the whole group
    assert process.returncode == 130, out[-3000:]
    assert "interrupted (Ctrl-C)" in out
    assert not where.warehouse.exists()  # nothing published
    with where_instance(where) as instance:
        runs = instance.get_runs()  # newest first
        assert instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED])) == []
        assert pool_holders(instance) is None
    # the first day's run was interrupted while parsing, and no further day, no models run, started after it
    assert [r.status for r in runs] == [dg.DagsterRunStatus.CANCELED]


def test_a_run_with_a_failing_step_leaves_the_published_snapshot_as_it_was(reference):
    clean, expected = reference
    before = clean.warehouse.read_bytes()
    # A NER model that does not exist fails every extraction step of the day (a real failure, in the step).
    code, out = clean.run("run", *DAYS, BILAT_NER_MODEL=f"spacy:{clean.root / 'no-such-model'}")
    assert code == 1, out[-3000:]
    assert "does not exist" in out
    assert "not published:" in out and "is left as it was" in out
    assert clean.warehouse.read_bytes() == before
    assert table_hashes(clean.warehouse) == expected


def test_a_live_run_holding_the_pool_is_named_and_the_wait_is_bounded(tmp_path):
    """A real run in another process holds the warehouse pool: bilat waits as long as it is told, then says
    which run holds it and exits 1 instead of spinning; once that process is killed, the next run recovers."""
    where = place(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], env=where.env(), start_new_session=True)
    try:
        with where_instance(where) as instance:
            [held] = wait_for(lambda: pool_holders(instance), holder, "the holder claimed the pool")
        code, out = where.run("run", *DAYS, "--pool-timeout", "2")
        assert code == 1, out[-3000:]
        assert f"pool {WAREHOUSE_POOL} is still held after 2s by run {held.run_id} (step hold, STARTED, pid {holder.pid})" in " ".join(out.split())
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    with where_instance(where) as instance:
        from bilat.pipelines.recovery import recover

        assert recover(instance)[0].startswith(f"recovered 1 Dagster run(s) whose process is gone ({held.run_id[:8]})")
        assert pool_holders(instance) is None


# Holds the warehouse pool from a real run until it is killed.
HOLDER = f"""
import time, dagster as dg
@dg.asset(pool={WAREHOUSE_POOL!r})
def hold():
    time.sleep(600)
dg.materialize([hold], instance=dg.DagsterInstance.get())
"""


SWALLOWED = """
import os, signal, threading
import duckdb
from bilat import interrupts
interrupts.watch()
con = duckdb.connect()
threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:  # as a guard that keeps one bad document from failing a run catches it
    con.execute("SELECT count(*) FROM range(3000000000) t(i) WHERE i % 7 = 3").fetchall()
    print("query finished")
except Exception as exc:
    print("caught", type(exc).__name__, exc)
print("seen", interrupts.ctrl_c_seen())
"""


def test_a_ctrl_c_that_duckdb_turns_into_an_ordinary_error_is_still_seen():
    # DuckDB's client turns a SIGINT during a query into RuntimeError("Query interrupted"): an `except
    # Exception` swallows it and the run would go on to publish. The wakeup fd keeps the record.
    done = subprocess.run([sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=TIMEOUT_S)
    assert "caught RuntimeError Query interrupted" in done.stdout, done.stdout + done.stderr
    assert "seen True" in done.stdout
