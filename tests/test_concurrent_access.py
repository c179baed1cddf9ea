"""Reading never breaks writing: an analyst's process and a pipeline run, as two real processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

BIN = Path(sys.executable).parent
# Orchestration, not reading: the runs read without the NER model (tests/conftest.py).
pytestmark = pytest.mark.rules_only

# An analyst: opens the published warehouse read-only, says how many articles it sees, keeps the connection
# open until told to go on, then counts again on the same connection.
ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from core.articles").fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.execute("select count(*) from core.articles").fetchall()[0][0], flush=True)
"""

# An analyst polling: opens the published file afresh, over and over, and appends what each snapshot holds
# to a file, one line per look, until it is stopped.
POLLER = """
import sys, time, duckdb
with open(sys.argv[2], "a") as log:
    while True:
        try:
            with duckdb.connect(sys.argv[1], read_only=True) as con:
                articles = con.execute("select count(*) from core.articles").fetchall()[0][0]
                outcomes = con.execute("select count(*) from core.document_outcomes").fetchall()[0][0]
                timeline = con.execute("select count(*) from marts.dyad_timeline").fetchall()[0][0]
                log.write(f"{articles} {outcomes} {timeline}\\n")
        except duckdb.IOException:
            log.write("missing\\n")  # before the first publish there is no file yet
        log.flush()
        time.sleep(0.02)
"""


def _bilat_run(warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BILAT_WAREHOUSE": str(warehouse), "COLUMNS": "120"}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(BIN / "bilat"), "run", *extra], env=env, capture_output=True, text=True, timeout=600, cwd=warehouse.parent)


def test_a_run_succeeds_while_an_analyst_holds_the_warehouse_open(tmp_path):
    warehouse = tmp_path / "bilat.duckdb"
    first = _bilat_run(warehouse, "--end", "2016-12-31")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        before = int(analyst.stdout.readline())
        second = _bilat_run(warehouse)  # the whole corpus, while the analyst's connection is open
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
        analyst.stdin.write("go on\n")
        analyst.stdin.flush()
        still = int(analyst.stdout.readline())
    finally:
        analyst.kill()
    assert still == before  # the open connection keeps its consistent snapshot
    with duckdb.connect(str(warehouse), read_only=True) as con:  # a new connection sees the new run
        assert con.execute("select count(*) from core.articles").fetchall()[0][0] > before


def test_an_analyst_never_sees_a_half_finished_run(tmp_path):
    warehouse, log = tmp_path / "bilat.duckdb", tmp_path / "seen.log"
    poller = subprocess.Popen([sys.executable, "-c", POLLER, str(warehouse), str(log)])
    try:
        run = _bilat_run(warehouse)  # 46 Dagster runs: one per day with documents, then models and publish
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        time.sleep(1.0)
    finally:
        poller.kill()
    seen = log.read_text().split("\n")
    looks = [line for line in seen if line]
    assert len(looks) > 50, "the analyst did not look often enough to catch a partial state"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        final = " ".join(str(con.execute(f"select count(*) from {t}").fetchall()[0][0])
                         for t in ("core.articles", "core.document_outcomes", "marts.dyad_timeline"))
    # Only two states were ever visible: nothing yet, and the finished run.
    assert set(looks) == {"missing", final}
