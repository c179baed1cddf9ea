"""bilat at scale: a synthetic corpus of N pages, bilat end to end against trafilatura alone on the same pages and
cores, each stage's own rate, the pipeline's overhead and the peak memory of a run, in one sitting.

    .venv/bin/python benchmarks/scale_benchmark.py --articles 1000 --mode rules              # about 5 minutes
    .venv/bin/python benchmarks/scale_benchmark.py --articles 10000 --runs 1 --mode rules
    .venv/bin/python benchmarks/scale_benchmark.py --articles 100000 --runs 1 --mode rules   # hours: a separate run
    .venv/bin/python benchmarks/scale_benchmark.py --articles 1000 --source http              # fetched from 127.0.0.1

The corpus is benchmarks/synthetic_corpus.py's (--seed, 2,000 pages a collection day, one archive per day; about
95 % of the pages become articles, the rest are syndicated copies and bad pages), written once under
/tmp/bilat-scale/ and reused while its parameters match. Each run measures, in this order:

* **the peer**: trafilatura alone, ``trafilatura.extract`` with the options bilat/parse/article.py gives it, on
  every page's HTML as stored, in a multiprocessing pool of --workers processes (started and warmed before the
  clock starts); pages/s.
* **the stages**: the pure stages of bilat/stages.py called directly, in a new process, on a fresh warehouse and
  raw store, one collection day after another, each timed on its own: refresh_listings_stage, collect_raw,
  parse_articles, extract_window (entities, claims and interactions in one pass); then the Python integrity
  checks, the dbt models with their tests (``dbt build``, as the sql_models asset runs it) and the publish.
  Parsing and extraction run in BILAT_WORKERS processes, as in the run.
* **end to end**: ``bilat run --sources <corpus>/sources.yaml`` as a subprocess on a fresh warehouse, raw store
  and DAGSTER_HOME (a copy of the repository's dagster.yaml), wall time from start to exit.
* **overhead share** = (end to end − sum of the stage times) ÷ sum of the stage times: what orchestration
  (Dagster's runs, steps and events, process start-up, the chart and the metadata) adds to the work itself.
* **peak RSS** of the end-to-end run's whole process tree: psutil samples the ``bilat run`` process and all its
  descendants every 0.2 s and sums their resident set sizes (pages shared between processes, e.g. forked
  workers, are counted in each, so this is an upper bound).

BILAT_WORKERS is set to --workers for the stages and the end-to-end run (default: the machine's cores; 1 is
serial, in process), so the benchmark measures whatever worker pool bilat has. --mode rules sets
BILAT_NER_MODEL=none; --mode default leaves it unset (the spaCy reader). Medians over --runs; ratios first.
With --source http the pages are served by a real HTTP server on 127.0.0.1 (in its own process) as one URL list
(one collection day: bilat files URLs under the day it first lists them) and fetched by bilat's fetcher.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO / "benchmarks"))

import synthetic_corpus  # noqa: E402

SCRATCH = Path("/tmp/bilat-scale")
STAGES = ["refresh_listings_stage", "collect_raw", "parse_articles", "extract_window", "integrity checks", "dbt build (models + tests)", "publish"]
PER_DOCUMENT = {"refresh_listings_stage", "collect_raw", "parse_articles"}  # rated per page; the rest per article
# As bilat/parse/article.py calls trafilatura (it passes a parsed tree to bare_extraction; extract does the same
# extraction and writes the text out).
TRAFILATURA_OPTIONS = dict(with_metadata=True, include_comments=False, include_tables=False, favor_precision=True,
                           date_extraction_params={"extensive_search": False})


# ----------------------------------------------------------------------------------------------------- the peer


def _peer_init() -> None:
    import trafilatura

    trafilatura.extract("<html><body><article><p>" + "Warm up the extractor. " * 20 + "</p></article></body></html>")


def _peer_one(item: tuple[str, str]) -> bool:
    import trafilatura

    path, url = item
    try:
        return bool(trafilatura.extract(Path(path).read_bytes(), url=url, **TRAFILATURA_OPTIONS))
    except Exception:  # noqa: BLE001 - a bad page is a page trafilatura did not read, as for bilat
        return False


def page_items(corpus: Path) -> list[tuple[str, str]]:
    """(file, URL) of every page: day-D/host/path.html is https://host/path."""
    items = []
    for relative in (corpus / "pages.txt").read_text(encoding="utf-8").split():
        host_path = relative.split("/", 1)[1]
        items.append((str(corpus / relative), "https://" + host_path.removesuffix(".html")))
    return items


def peer(items: list[tuple[str, str]], workers: int) -> dict:
    with multiprocessing.get_context("fork").Pool(workers, initializer=_peer_init) as pool:
        pool.map(_peer_init_barrier, range(workers * 4))  # every worker up before the clock starts
        began = time.perf_counter()
        texts = sum(pool.imap_unordered(_peer_one, items, chunksize=16))
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "pages": len(items), "with_text": texts}


def _peer_init_barrier(_: int) -> None:
    time.sleep(0.05)


# ----------------------------------------------------------------------------------------------------- the stages


def stages_main(sources: Path, work: Path) -> None:
    """(In a new process.) Every stage over every collection day, timed one by one; JSON on stdout."""
    from bilat import stages
    from bilat.raw import collection_day
    from bilat.rawstore import RawStore
    from bilat.sources.archive import ArchiveSource
    from bilat.sources.config import ArchiveSpec, load_sources
    from bilat.warehouse.checks import run_checks
    from bilat.warehouse.load import connect
    from bilat.warehouse.publish import publish

    specs = [s for s in load_sources(sources) if s.enabled]
    days = sorted({collection_day(ArchiveSource(s.path)) for s in specs if isinstance(s, ArchiveSpec)})
    if any(not isinstance(s, ArchiveSpec) for s in specs):
        days = sorted(set(days) | {datetime.now(timezone.utc).date()})  # URL lists: the day they are first listed
    store, working = RawStore(work / "raw"), work / "bilat.work.duckdb"
    seconds = dict.fromkeys(STAGES, 0.0)
    counts = {"documents": 0, "parsed": 0, "duplicate": 0, "quarantined": 0}

    def timed(name, fn, *args):
        began = time.perf_counter()
        result = fn(*args)
        seconds[name] += time.perf_counter() - began
        return result

    with connect(working) as con:
        timed("refresh_listings_stage", stages.refresh_listings_stage, con, specs, store)
        for day in days:
            start, end = day, date.fromordinal(day.toordinal() + 1)
            collected = timed("collect_raw", stages.collect_raw, con, specs, store, start, end)
            counts["documents"] += collected.counts.get("raw.documents", 0)
            parsed = timed("parse_articles", stages.parse_articles, con, store, start, end)
            for outcome in ("parsed", "duplicate", "quarantined"):
                counts[outcome] += parsed.outcomes.get(outcome, 0)
            timed("extract_window", stages.extract_window, con, start, end)
        failing = {k: v for k, v in timed("integrity checks", run_checks, con).items() if v}
    project = REPO / "sql"
    began = time.perf_counter()
    subprocess.run([str(BIN / "dbt"), "build", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project),
                    "--target-path", str(work / "dbt"), "--log-path", str(work / "dbt-logs")],
                   env={**os.environ, "BILAT_WORKING_WAREHOUSE": str(working)}, check=True)
    seconds["dbt build (models + tests)"] = time.perf_counter() - began
    timed("publish", publish, working, work / "bilat.duckdb")
    print(json.dumps({"seconds": seconds, "counts": counts, "failing_checks": failing, "tables": table_counts(work / "bilat.duckdb")}))


def table_counts(snapshot: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(snapshot), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("raw.documents", "core.articles", "core.mentions", "core.quotes", "core.interactions")}


def run_stages(sources: Path, env: dict, scratch: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="stages-", dir=scratch))
    try:
        done = subprocess.run([sys.executable, __file__, "_stages", "--sources", str(sources), "--work", str(work)],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"the stages failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------- end to end


def tree_rss(pid: int, stop: threading.Event, peak: list[int], interval: float = 0.2) -> None:
    """Sample the summed RSS of ``pid`` and all its descendants every ``interval`` s; keep the peak in ``peak[0]``."""
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        total = 0
        try:
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for process in processes:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        peak[0] = max(peak[0], total)
        stop.wait(interval)


def run_end_to_end(sources: Path, env: dict, scratch: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="e2e-", dir=scratch))
    try:
        home = work / "dagster_home"
        home.mkdir()
        shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
        env = {**env, "DAGSTER_HOME": str(home), "BILAT_WAREHOUSE": str(work / "bilat.duckdb"),
               "BILAT_RAW_STORE": str(work / "raw"), "COLUMNS": "120"}
        log = work / "bilat-run.log"
        stop, peak = threading.Event(), [0]
        with open(log, "w") as out:
            began = time.perf_counter()
            process = subprocess.Popen([str(BIN / "bilat"), "run", "--sources", str(sources)], env=env, cwd=work,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            sampler = threading.Thread(target=tree_rss, args=(process.pid, stop, peak), daemon=True)
            sampler.start()
            try:
                code = process.wait()
            except BaseException:
                os.killpg(process.pid, signal.SIGTERM)
                raise
            seconds = time.perf_counter() - began
            stop.set()
            sampler.join()
        if code != 0:
            sys.exit(f"bilat run exited {code}:\n{log.read_text()[-5000:]}")
        return {"seconds": seconds, "peak_rss": peak[0], "tables": table_counts(work / "bilat.duckdb")}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------- main


def start_server(corpus: Path) -> tuple[subprocess.Popen, Path]:
    server = subprocess.Popen([sys.executable, str(REPO / "benchmarks" / "synthetic_corpus.py"), "serve", "--corpus", str(corpus)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    port, sources = server.stdout.readline().split()
    return server, Path(sources)


def stop_server(server: subprocess.Popen) -> None:
    server.stdin.close()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="pages in the synthetic corpus (default 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="BILAT_WORKERS and the peer's processes (default: cores)")
    parser.add_argument("--mode", choices=["rules", "default"], default="rules")
    parser.add_argument("--source", choices=["archive", "http"], default="archive")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-day", type=int, default=synthetic_corpus.PER_DAY)
    parser.add_argument("--corpus", type=Path, help="where the corpus is (written if missing); default under /tmp/bilat-scale")
    parser.add_argument("--scratch", type=Path, default=SCRATCH, help="where runs write their warehouses (deleted after)")
    args = parser.parse_args()

    corpus = args.corpus or SCRATCH / f"corpus-{args.articles}-seed{args.seed}-{args.per_day}perday"
    start = synthetic_corpus.START
    if not synthetic_corpus.matches(corpus, args.articles, args.seed, args.per_day, start):
        began = time.perf_counter()
        synthetic_corpus.write_corpus(corpus, args.articles, args.seed, args.per_day, start)
        print(f"wrote the corpus in {time.perf_counter() - began:.0f} s: {corpus}")
    summary = json.loads((corpus / "corpus.json").read_text())
    args.scratch.mkdir(parents=True, exist_ok=True)

    env = {k: v for k, v in os.environ.items() if k not in ("BILAT_NER_MODEL", "BILAT_SOURCES")}
    env["BILAT_WORKERS"] = str(args.workers)
    if args.mode == "rules":
        env["BILAT_NER_MODEL"] = "none"
    env["BILAT_MAX_DOCUMENTS_PER_RUN"] = str(max(args.articles, 10_000))  # a URL list is one window of every page

    server, sources = None, corpus / "sources.yaml"
    if args.source == "http":
        server, sources = start_server(corpus)
    items = page_items(corpus)
    load_before = os.getloadavg()[0]
    results = []
    try:
        for run in range(args.runs):
            result = {"peer": peer(items, args.workers), "stages": run_stages(sources, env, args.scratch),
                      "e2e": run_end_to_end(sources, env, args.scratch)}
            results.append(result)
            print(f"run {run + 1}: trafilatura {result['peer']['seconds']:.1f} s, stages {sum(result['stages']['seconds'].values()):.1f} s, "
                  f"bilat run {result['e2e']['seconds']:.1f} s, peak RSS {result['e2e']['peak_rss'] / 2**20:.0f} MB", flush=True)
    finally:
        if server is not None:
            stop_server(server)
    report(args, summary, results, load_before, os.getloadavg()[0])


def report(args, summary: dict, results: list[dict], load_before: float, load_after: float) -> None:
    pages = summary["pages"]
    counts = results[0]["stages"]["counts"]
    articles = counts["parsed"]
    peer_s = median([r["peer"]["seconds"] for r in results])
    e2e_s = median([r["e2e"]["seconds"] for r in results])
    stage_s = {name: median([r["stages"]["seconds"][name] for r in results]) for name in STAGES}
    stages_total = median([sum(r["stages"]["seconds"].values()) for r in results])
    rss = median([r["e2e"]["peak_rss"] for r in results])
    e2e_tables, stage_tables = results[0]["e2e"]["tables"], results[0]["stages"]["tables"]

    print(f"\nbilat at scale: {pages:,} pages ({len(summary['days'])} collection day{'s' if len(summary['days']) > 1 else ''} of up to {summary['per_day']:,}; seed {summary['seed']}), "
          f"{args.mode} mode, BILAT_WORKERS={args.workers} and {args.workers} trafilatura processes, {os.cpu_count()} cores, "
          f"source {args.source}; medians of {len(results)} runs; load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"pages: {counts['documents']:,} documents -> {articles:,} articles parsed, {counts['duplicate']:,} duplicates, "
          f"{counts['quarantined']:,} quarantined (planned: {summary['kinds'].get('copy', 0):,} syndicated copies, "
          f"{sum(v for k, v in summary['kinds'].items() if k.startswith('bad:')):,} bad pages)\n")
    print(f"  bilat end to end / trafilatura alone (pages/s)      {peer_s / e2e_s:6.2f}x")
    print(f"  bilat's stages alone / trafilatura alone (pages/s)  {peer_s / stages_total:6.2f}x")
    print(f"  overhead share (end to end - stages) / stages        {100 * (e2e_s - stages_total) / stages_total:5.0f} %")
    print(f"  peak RSS of bilat run's process tree (summed RSS)   {rss / 2**20:6.0f} MB\n")
    print(f"  {'':44} {'seconds':>9} {'pages/s':>9} {'articles/s':>11} {'share':>6}")
    print(f"  {'trafilatura alone (' + str(args.workers) + ' processes)':44} {peer_s:9.1f} {pages / peer_s:9.1f} {'':>11}")
    print(f"  {'bilat end to end (bilat run)':44} {e2e_s:9.1f} {pages / e2e_s:9.1f} {articles / e2e_s:11.1f}")
    print(f"  {'stages, called directly (sum)':44} {stages_total:9.1f} {pages / stages_total:9.1f} {articles / stages_total:11.1f} {100:5.0f}%")
    for name in STAGES:
        s = stage_s[name]
        per_page = f"{pages / s:9.1f}" if name in PER_DOCUMENT and s > 0 else f"{'':>9}"
        print(f"    {name:42} {s:9.2f} {per_page} {articles / s if s > 0 else 0:11.1f} {100 * s / stages_total:5.0f}%")
    if {k: v for k, v in e2e_tables.items()} != stage_tables:
        print(f"\n  NOTE: bilat run and the stages wrote different row counts: {e2e_tables} vs {stage_tables}")
    else:
        print(f"\n  bilat run and the stages wrote the same row counts: {', '.join(f'{k} {v:,}' for k, v in e2e_tables.items())}")
    if results[0]["stages"]["failing_checks"]:
        print(f"  integrity checks failing: {results[0]['stages']['failing_checks']}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_stages":
        internal = argparse.ArgumentParser()
        internal.add_argument("_stages")
        internal.add_argument("--sources", type=Path, required=True)
        internal.add_argument("--work", type=Path, required=True)
        ns = internal.parse_args()
        stages_main(ns.sources, ns.work)
    else:
        main()
