"""The incremental marts after one collection day is loaded again, against a full rebuild, medians of several runs.

    .venv/bin/python benchmarks/incremental_marts_benchmark.py [--copies 1000] [--runs 3]

The bundled corpus is read once (rules only, in this process) into a warehouse whose core rows are then repeated
``--copies`` times, each copy its own collection day with its dates moved on by 11 days a copy (so the copies
make new months and events, not only bigger ones), and stamped as loaded. The marts are built once; then, from a
copy of that file each run, one day is loaded again through the loader (its own rows, a new stamp) and the
three incremental marts are built with `dbt run` (incremental) and with `dbt run --full-refresh` (the peer, in
the same sitting). Per model: dbt's own execution time; end to end: the dbt invocation's wall time (dbt's start
and parse included, the same for both).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import duckdb

from bilat import stages
from bilat.rawstore import RawStore
from bilat.settings import bundled_archive
from bilat.sources.config import ArchiveSpec
from bilat.warehouse.load import connect, replace_partitions
from bilat.warehouse.schema import REPLACED_BY_DAY

PROJECT = Path(str(resources.files("bilat.sql")))
DBT = Path(sys.executable).parent / "dbt"
MODELS = ("claims", "dyad_milestones", "dyad_timeline")
DAY = date(2025, 12, 31)  # the bundled corpus's collection day
PARTITIONED = ("core.articles", "core.mentions", "core.roles", "core.quotes", "core.quantities", "core.events", "core.interactions")


def base_warehouse(root: Path) -> Path:
    os.environ.update({"BILAT_NER_MODEL": "none", "BILAT_WORKERS": "1", "BILAT_HANDOFF": str(root / "handoff")})
    path, store = root / "base.duckdb", RawStore(root / "raw")
    spec = ArchiveSpec(name="bundled", kind="archive", path=bundled_archive())
    with connect(path) as con:
        stages.collect_raw(con, [spec], store, DAY, DAY + timedelta(days=1))
        stages.parse_articles(con, store, DAY, DAY + timedelta(days=1))
        stages.extract_window(con, DAY, DAY + timedelta(days=1))
    return path


def repeat(con, copies: int) -> None:
    """Copy k of every core row: ids suffixed ~k, collection day k days earlier, dates 11·k days later."""
    for table in PARTITIONED:
        columns = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? "
                                             "ORDER BY column_index", [table]).fetchall()]
        moved = {"article_id": "article_id || '~' || k", "doc_id": "doc_id || '~' || k", "story_id": "story_id || '~' || k",
                 "url": "url || '?copy=' || k", "canonical_url": "canonical_url || '?copy=' || k",
                 "partition_date": "(partition_date - k::INTEGER)::DATE", "published_at": "published_at + to_days((11 * k)::INTEGER)",
                 **{c: f"({c} + to_days((11 * k)::INTEGER))::DATE" for c in ("event_date", "occurred_on", "observed_on")}}
        select = ", ".join(moved.get(c, c) for c in columns)
        con.execute(f"INSERT INTO {table} SELECT {select} FROM {table}, range(1, ?) r(k)", [copies])
    for table in REPLACED_BY_DAY:  # written here, not by the loader: stamp them as the loader would
        con.execute(f"INSERT OR REPLACE INTO raw.partition_loads SELECT '{table}', partition_date, now() FROM {table} GROUP BY ALL")


def reload_one_day(path: Path, day: date) -> None:
    """Load a day again through the loader: the same rows, a new stamp."""
    with connect(path) as con:
        rows = {t: con.sql(f"SELECT * FROM {t} WHERE partition_date = ?", params=[day]).to_arrow_table() for t in PARTITIONED}
        replace_partitions(con, day, day + timedelta(days=1), rows)


def dbt_run(path: Path, target: Path, *args: str) -> tuple[float, dict[str, float]]:
    began = time.perf_counter()
    subprocess.run([str(DBT), "run", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT), "--target-path", str(target),
                    "--log-path", str(target / "logs"), *args], env={**os.environ, "BILAT_WORKING_WAREHOUSE": str(path)},
                   check=True, capture_output=True)
    wall = time.perf_counter() - began
    results = json.loads((target / "run_results.json").read_text())["results"]
    return wall, {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        built, target = root / "built.duckdb", root / "target"
        shutil.copy(base_warehouse(root), built)
        with connect(built) as con:
            repeat(con, args.copies)
            counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("core.articles", "core.quantities", "core.events", "core.quotes")}
        dbt_run(built, target)  # every model, created
        with duckdb.connect(str(built), read_only=True) as con:
            rows = {m: con.execute(f"SELECT count(*) FROM marts.{m}").fetchone()[0] for m in MODELS}
        print(f"{args.copies} collection days: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        print("marts: " + ", ".join(f"{m} {n:,} rows" for m, n in rows.items()))
        warm = root / "warm.duckdb"  # dbt's first run with this selection writes its partial parse: not timed
        shutil.copy(built, warm)
        dbt_run(warm, target, "--select", *MODELS)
        timings = {"incremental": [], "full refresh": []}
        for _ in range(args.runs):
            for label, extra in (("incremental", ()), ("full refresh", ("--full-refresh",))):
                run = root / "run.duckdb"
                shutil.copy(built, run)
                reload_one_day(run, DAY - timedelta(days=args.copies // 2))
                timings[label].append(dbt_run(run, target, "--select", *MODELS, *extra))
        print(f"\n{'model':<18}{'incremental s':>15}{'full refresh s':>16}{'full / incremental':>20}")
        for model in MODELS:
            inc = statistics.median(t[1][model] for t in timings["incremental"])
            full = statistics.median(t[1][model] for t in timings["full refresh"])
            print(f"{model:<18}{inc:>15.2f}{full:>16.2f}{full / inc:>20.1f}")
        inc = statistics.median(sum(t[1].values()) for t in timings["incremental"])
        full = statistics.median(sum(t[1].values()) for t in timings["full refresh"])
        print(f"{'three models':<18}{inc:>15.2f}{full:>16.2f}{full / inc:>20.1f}")
        inc = statistics.median(t[0] for t in timings["incremental"])
        full = statistics.median(t[0] for t in timings["full refresh"])
        print(f"{'dbt run, wall':<18}{inc:>15.2f}{full:>16.2f}{full / inc:>20.1f}")
        print(f"medians of {args.runs} runs; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
