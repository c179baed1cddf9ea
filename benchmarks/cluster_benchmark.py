"""Parsing and extraction of one collection day on a Dask cluster of 1 and of 2 workers, and in one process.

    .venv/bin/python benchmarks/cluster_benchmark.py [--articles 2000] [--runs 3] [--mode rules|default]

A synthetic day (benchmarks/synthetic_corpus.py, 2,000 pages) is collected once into a template warehouse; each
run copies it and times the two stages that run as tasks, ``parse_articles`` and ``extract_window`` (bilat.stages),
with their load into DuckDB. The cluster is real: a scheduler and N single-threaded worker processes on 127.0.0.1,
started for each N. "In process" is BILAT_WORKERS=1 (no tasks leave the process), the peer of the speed-up.
Medians over the runs; the ratio of 1 worker to 2 is what the cluster buys (this machine has 2 cores: the
scheduler, the loader and the workers share them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_corpus  # noqa: E402

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(workers: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    out = {"stdout": open(logs / f"cluster-{workers}.log", "w"), "stderr": subprocess.STDOUT, "start_new_session": True}
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **out)]
    with Client(address, timeout="60s") as client:
        processes += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"], **out)
                      for _ in range(workers)]
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def timed_stages(template: Path, raw: Path, scratch: Path, days: tuple[date, date]) -> tuple[float, float, int]:
    """(parse seconds, extraction seconds, articles) on a copy of the template warehouse."""
    from bilat import stages
    from bilat.rawstore import RawStore
    from bilat.warehouse.load import connect

    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    shutil.copy(template, scratch / "bilat.duckdb")
    with connect(scratch / "bilat.duckdb") as con:
        began = time.perf_counter()
        parsed = stages.parse_articles(con, RawStore(raw), *days)
        middle = time.perf_counter()
        stages.extract_window(con, *days)
        ended = time.perf_counter()
    return middle - began, ended - middle, parsed.counts["core.articles"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="pages of the synthetic day (default 2000: one collection day)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=["rules", "default"], default="rules")
    parser.add_argument("--corpus", type=Path, default=None, help="where the synthetic corpus is (written if missing)")
    args = parser.parse_args()

    corpus = args.corpus or Path(tempfile.gettempdir()) / "bilat-scale" / f"corpus-{args.articles}-seed1-{args.articles}perday"
    if not synthetic_corpus.matches(corpus, args.articles, 1, args.articles, synthetic_corpus.START):
        print(f"writing {args.articles} pages to {corpus} …")
        synthetic_corpus.write_corpus(corpus, args.articles, seed=1, per_day=args.articles)
    if args.mode == "rules":
        os.environ["BILAT_NER_MODEL"] = "none"

    from bilat import stages
    from bilat.rawstore import RawStore
    from bilat.sources.config import load_sources
    from bilat.warehouse.load import connect

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["BILAT_HANDOFF"] = str(tmp / "handoff")
        specs = load_sources(corpus / "sources.yaml")
        day = synthetic_corpus.START
        days = (day, day + timedelta(days=1))
        template, raw = tmp / "template.duckdb", tmp / "raw"
        with connect(template) as con:
            collected = stages.collect_raw(con, specs, RawStore(raw), *days)
        print(f"one collection day: {collected.counts['raw.documents']} documents collected; reading mode {args.mode}; {args.runs} runs each")

        results: dict[str, list[tuple[float, float, int]]] = {}
        os.environ["BILAT_WORKERS"] = "1"
        results["in process"] = [timed_stages(template, raw, tmp / "run", days) for _ in range(args.runs)]
        for workers in (1, 2):
            address, processes = start_cluster(workers, tmp)
            os.environ["BILAT_CLUSTER"] = address
            try:
                results[f"cluster, {workers} worker{'s' if workers > 1 else ''}"] = [
                    timed_stages(template, raw, tmp / "run", days) for _ in range(args.runs)]
            finally:
                del os.environ["BILAT_CLUSTER"]
                from bilat import workers as engine
                engine._dask_client(address).close()  # before its scheduler goes: no reconnecting at exit
                engine._dask_client.cache_clear()
                stop(processes)

    print(f"\n{'':22} {'parse s':>8} {'extract s':>10} {'total s':>8} {'articles/s':>11}")
    totals = {}
    for name, runs in results.items():
        parse = statistics.median(r[0] for r in runs)
        extract = statistics.median(r[1] for r in runs)
        total = statistics.median(r[0] + r[1] for r in runs)
        totals[name] = total
        print(f"{name:22} {parse:8.1f} {extract:10.1f} {total:8.1f} {runs[0][2] / total:11.1f}")
    print(f"\n2 workers vs 1 on the cluster: {totals['cluster, 1 worker'] / totals['cluster, 2 workers']:.2f}x; "
          f"1 cluster worker vs in process: {totals['in process'] / totals['cluster, 1 worker']:.2f}x")


if __name__ == "__main__":
    main()
