"""A backfill of every partition of the bundled corpus, timed, and the share of it that is orchestration.

    .venv/bin/python benchmarks/backfill_benchmark.py --mode local     # bilat backfill --local
    .venv/bin/python benchmarks/backfill_benchmark.py --mode daemon    # dagster dev + bilat backfill
    .venv/bin/python benchmarks/backfill_benchmark.py --mode local --start 2023-01-01 --end 2023-12-31

Each mode starts from nothing: a new DAGSTER_HOME (the repo's dagster.yaml), a new warehouse and raw store.
"Work" is the same stages (collect, parse, extract, load; then models, checks and publish) called directly,
with no Dagster, over the same days into another fresh warehouse; the rest of the backfill's wall time is
orchestration (run and event storage, the daemon's polling, process start-up).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def direct_work(start: date, end: date, tmp: Path) -> float:
    """Seconds the stages take over [start, end] called directly, as the assets call them, without Dagster."""
    from bilat import stages
    from bilat.rawstore import RawStore
    from bilat.sources.config import default_sources
    from bilat.warehouse.checks import run_checks
    from bilat.warehouse.load import connect
    from bilat.warehouse.publish import publish

    began = time.perf_counter()
    end_exclusive = date.fromordinal(end.toordinal() + 1)
    store = RawStore(tmp / "raw")
    working = tmp / "bilat.work.duckdb"
    with connect(working) as con:
        stages.collect_raw(con, default_sources(), store, start, end_exclusive)
        stages.parse_articles(con, store, start, end_exclusive)
        stages.extract_entity_mentions(con, start, end_exclusive)
        stages.extract_claims_stage(con, start, end_exclusive)
        stages.extract_interactions_stage(con, start, end_exclusive)
        run_checks(con)
    # the SQL models and their tests, as the sql_models asset runs them
    project = REPO / "sql"
    subprocess.run([str(BIN / "dbt"), "build", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project),
                    "--target-path", str(tmp / "dbt")], env={**os.environ, "BILAT_WORKING_WAREHOUSE": str(working)}, check=True)
    publish(working, tmp / "bilat.duckdb")
    return time.perf_counter() - began


def _env(tmp: Path) -> dict:
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {**os.environ, "DAGSTER_HOME": str(home), "BILAT_WAREHOUSE": str(tmp / "bilat.duckdb"),
            "BILAT_RAW_STORE": str(tmp / "raw"), "COLUMNS": "100"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backfill(mode: str, start: date, end: date, tmp: Path) -> tuple[float, str]:
    """(wall seconds of `bilat backfill`, its output); for the daemon, from submission to completion."""
    env = _env(tmp)
    command = [str(BIN / "bilat"), "backfill", "--start", start.isoformat(), "--end", end.isoformat()]
    server = None
    if mode == "daemon":
        port = _free_port()
        server = subprocess.Popen([str(BIN / "dagster"), "dev", "-p", str(port)], cwd=REPO, env=env, start_new_session=True,
                                  stdout=open(tmp / "dagster-dev.log", "w"), stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        command += ["--dagster-url", url]
    else:
        command += ["--local"]
    try:
        began = time.perf_counter()
        result = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True)
        wall = time.perf_counter() - began
    finally:
        if server is not None:  # the whole process group: webserver, daemon, code server
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    if result.returncode != 0:
        sys.exit(f"bilat backfill failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return wall, result.stdout


def main() -> None:
    from bilat.pipelines.backfill import partition_bounds, to_windows

    first, last = partition_bounds()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("local", "daemon"), default="local")
    parser.add_argument("--start", type=date.fromisoformat, default=first)
    parser.add_argument("--end", type=date.fromisoformat, default=last)
    args = parser.parse_args()

    days = (args.end - args.start).days + 1
    runs = len(to_windows([date.fromordinal(d) for d in range(args.start.toordinal(), args.end.toordinal() + 1)]))
    print(f"backfill {args.start} … {args.end}: {days} daily partitions in {runs} ranged runs, then models, checks, publish ({args.mode})")
    with tempfile.TemporaryDirectory() as work_tmp:
        work = direct_work(args.start, args.end, Path(work_tmp))
    with tempfile.TemporaryDirectory() as tmp:
        wall, output = backfill(args.mode, args.start, args.end, Path(tmp))
    print(output.strip().splitlines()[-1])
    print(f"  wall time          {wall:8.1f} s   ({days / wall:.0f} partitions/s)")
    print(f"  work (no Dagster)  {work:8.1f} s")
    print(f"  orchestration      {wall - work:8.1f} s   = {100 * (wall - work) / wall:.0f}% of the wall time")


if __name__ == "__main__":
    main()
