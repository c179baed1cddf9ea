"""`bilat run` and a backfill of every day of the bundled corpus, timed, with the share that is orchestration
and the size of the Dagster event log they leave.

    .venv/bin/python benchmarks/backfill_benchmark.py --mode run       # bilat run (what `make run` does)
    .venv/bin/python benchmarks/backfill_benchmark.py --mode local     # bilat backfill --local
    .venv/bin/python benchmarks/backfill_benchmark.py --mode daemon --runs 3   # dagster dev up, then bilat backfill
    .venv/bin/python benchmarks/backfill_benchmark.py --mode local --start 2023-01-01 --end 2023-12-31

The default range is every day from 2014-01-01 to today: whatever the corpus holds. Each mode starts from
nothing: a new DAGSTER_HOME (the repo's dagster.yaml), a new warehouse and raw store. "Work" is the same stages
(collect, parse, extract, load; then models, checks and publish) called directly, with no Dagster, over the
collection days the backfill runs into another fresh warehouse; the rest of the wall time is orchestration
(run and event storage, the daemon's polling, process start-up). The event log is every event row of every
run (SQLite, under DAGSTER_HOME) and the bytes its files take.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def direct_work(days: list[date], tmp: Path) -> float:
    """Seconds the stages take over these collection days called directly, as the assets call them, without Dagster."""
    from bilat import stages
    from bilat.rawstore import RawStore
    from bilat.sources.config import default_sources
    from bilat.warehouse.checks import run_checks
    from bilat.warehouse.load import connect
    from bilat.warehouse.publish import publish

    began = time.perf_counter()
    store = RawStore(tmp / "raw")
    working = tmp / "bilat.work.duckdb"
    with connect(working) as con:
        for day in days:
            start, end = day, date.fromordinal(day.toordinal() + 1)
            stages.collect_raw(con, default_sources(), store, start, end)
            stages.parse_articles(con, store, start, end)
            stages.extract_window(con, start, end)
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


def event_log(home: Path) -> tuple[int, int]:
    """(event rows, bytes) of the instance's SQLite run and event storage."""
    files = [f for f in home.rglob("*.db") if f.is_file()]
    rows = 0
    for file in (home / "history" / "runs").glob("*.db"):
        if file.name == "index.db":
            continue
        with contextlib.closing(sqlite3.connect(file)) as con:
            rows += con.execute("SELECT count(*) FROM event_logs").fetchone()[0]
    return rows, sum(f.stat().st_size for f in files) + sum(f.stat().st_size for f in home.rglob("*.db-wal"))


def run_timeline(home: Path, began: float) -> list[str]:
    """Each run: when it was created, started and ended, in seconds from the command's start."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        records = sorted(instance.get_run_records(), key=lambda r: r.create_timestamp.timestamp())
        return [f"run {r.dagster_run.tags.get('dagster/partition', '(unpartitioned)')}: created +{r.create_timestamp.timestamp() - began:.1f} s, "
                f"started +{(r.start_time or began) - began:.1f} s, ended +{(r.end_time or began) - began:.1f} s, {r.dagster_run.status.value}"
                for r in records]


DAEMONS_HEALTHY = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"


def _daemon_ready(url: str) -> bool:
    """The webserver answers and every required daemon (the backfill daemon among them) has a healthy heartbeat."""
    try:
        answer = httpx.post(f"{url}/graphql", json={"query": DAEMONS_HEALTHY}, timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return False
    statuses = answer.get("data", {}).get("instance", {}).get("daemonHealth", {}).get("allDaemonStatuses") or []
    required = [d for d in statuses if d["required"]]
    return bool(required) and all(d["healthy"] for d in required)


def backfill(mode: str, start: date, end: date, tmp: Path, runs: int = 1) -> tuple[list[float], str]:
    """Wall seconds of each of ``runs`` `bilat run` or `bilat backfill` commands, and the last one's output. For the
    daemon, `dagster dev` is started first and the clock starts once its daemons are healthy (as for a user whose
    `dagster dev` is up): each `bilat backfill` from its start until its runs have ended and the backfill is complete."""
    env = _env(tmp)
    command = [str(BIN / "bilat"), "backfill", "--start", start.isoformat(), "--end", end.isoformat()]
    if mode == "run":
        command = [str(BIN / "bilat"), "run"]
    server = None
    if mode == "daemon":
        port = _free_port()
        # Outside the repository: its .env would point dagster dev at the repository's instance.
        (tmp / "workspace.yaml").write_text("load_from:\n  - python_module: {module_name: bilat.pipelines.definitions, location_name: bilat}\n")
        server = subprocess.Popen([str(BIN / "dagster"), "dev", "-p", str(port), "-w", "workspace.yaml"], cwd=tmp, env=env, start_new_session=True,
                                  stdout=open(tmp / "dagster-dev.log", "w"), stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while not _daemon_ready(url):
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"dagster dev did not come up with healthy daemons; see {tmp / 'dagster-dev.log'}")
            time.sleep(1)
        command += ["--dagster-url", url]
    elif mode == "local":
        command += ["--local"]
    walls = []
    try:
        for _ in range(runs):
            began = time.perf_counter()
            result = subprocess.run(command, env=env, cwd=tmp, capture_output=True, text=True)
            walls.append(time.perf_counter() - began)
            if result.returncode != 0:
                sys.exit(f"bilat backfill failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    finally:
        if server is not None:  # the whole process group: webserver, daemon, code server
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    return walls, result.stdout


def main() -> None:
    from bilat.pipelines.resources import default_resources
    from bilat.pipelines.runs import plan_days, today_utc

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("run", "local", "daemon"), default="local")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2014, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=today_utc())
    parser.add_argument("--runs", type=int, default=1, help="commands in a row (the daemon's dagster dev stays up): median")
    args = parser.parse_args()

    calendar = (args.end - args.start).days + 1
    with tempfile.TemporaryDirectory() as plan_tmp:
        os.environ["BILAT_WAREHOUSE"] = str(Path(plan_tmp) / "bilat.duckdb")
        days = plan_days(default_resources(), *((None, None) if args.mode == "run" else (args.start, args.end)))
    what = "bilat run" if args.mode == "run" else f"backfill {args.start} … {args.end} ({calendar} calendar days, {args.mode})"
    print(f"{what}: {len(days)} collection day(s) with documents, one run each, the last with models, checks, publish")
    with tempfile.TemporaryDirectory() as work_tmp:
        work = direct_work(days, Path(work_tmp))
    with tempfile.TemporaryDirectory() as tmp:
        began = time.time()
        walls, output = backfill(args.mode, args.start, args.end, Path(tmp), args.runs)
        events, size = event_log(Path(tmp) / "dagster_home")
        timeline = run_timeline(Path(tmp) / "dagster_home", began)
    wall = statistics.median(walls)
    print(output.strip().splitlines()[-1] if args.mode != "run" else "")
    print(f"  wall time          {wall:8.1f} s   median of {len(walls)}: {', '.join(f'{w:.1f}' for w in walls)}")
    print(f"  work (no Dagster)  {work:8.1f} s")
    print(f"  orchestration      {wall - work:8.1f} s   = {100 * (wall - work) / wall:.0f}% of the wall time")
    print(f"  event log          {events:8d} events, {size / 1e6:.1f} MB (after {len(walls)} command(s))")
    for line in timeline:
        print(f"  {line}")


if __name__ == "__main__":
    main()
