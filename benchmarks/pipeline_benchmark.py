"""Throughput of each stage and of the whole pipeline on the bundled corpus, medians of several runs.

    .venv/bin/python benchmarks/pipeline_benchmark.py [--runs 5] [--copies 4]

Stages run on one core, in this process, over the corpus repeated ``--copies`` times (so timings are not
dominated by a few milliseconds): parsing (trafilatura, from raw HTML), extraction on plain text split into
its parts (sentences and tokens, entities, claims, interactions), and loading Arrow batches into DuckDB.
End to end is ``run_all`` through Dagster into a fresh warehouse (one run per collection day, the last with the
models, checks and publish); the share of it not spent in the stages is Dagster's and DuckDB's overhead.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path

from bilat.extract.dates import find_dated_events
from bilat.extract.quantities import find_quantities
from bilat.extract.quotes import find_quotes, find_reported_statements
from bilat.extract.entities import find_entities
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.interactions import find_interactions
from bilat.extract.text import SentenceIndex, sentence_spans, tokenize
from bilat.parse.article import parse_article
from bilat.settings import bundled_archive
from bilat.sources.archive import ArchiveSource
from bilat.warehouse.load import connect, replace_partitions, to_arrow
from bilat.warehouse.schema import TABLES_BY_NAME


def median_rate(fn, items: int, runs: int) -> tuple[float, float]:
    """(median items per second, median seconds) over ``runs`` runs of ``fn``."""
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    median = statistics.median(seconds)
    return items / median, median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4, help="repeat the corpus this many times per run")
    args = parser.parse_args()

    archive = ArchiveSource(bundled_archive())
    pages = [(d.url, archive.read(d.url)) for d in archive.discover()] * args.copies
    gaz = default_gazetteer()
    parsed = [parse_article(body, doc_id="d", url=url, source="s", published_at=None, date_source="fetch", partition_date=date(2024, 1, 1))
              for url, body in pages]
    texts = [p.text for p in parsed]
    words = sum(len(t.split()) for t in texts)
    n = len(texts)
    print(f"corpus: {n // args.copies} articles x {args.copies} = {n} per run, {words // n} words on average; medians of {args.runs} runs\n")

    split = [(t, SentenceIndex(sentence_spans(t)), tokenize(t)) for t in texts]
    found = [find_entities(t, tokens, s, gaz) for t, s, tokens in split]
    events = [find_dated_events(t, s, date(2024, 1, 1)) for t, s, _ in split]
    parts = {
        "sentences + tokens": lambda: [(SentenceIndex(sentence_spans(t)), tokenize(t)) for t in texts],
        "entities, offices": lambda: [find_entities(t, tokens, s, gaz) for t, s, tokens in split],
        "quotes, statements": lambda: [(find_quotes(t, s, f.mentions), find_reported_statements(t, s, f.mentions)) for (t, s, _), f in zip(split, found)],
        "quantities": lambda: [find_quantities(t, s) for t, s, _ in split],
        "dated events": lambda: [find_dated_events(t, s, date(2024, 1, 1)) for t, s, _ in split],
        "interactions": lambda: [find_interactions(t, s.spans, f, e, date(2024, 1, 1)) for (t, s, _), f, e in zip(split, found, events)],
    }
    rows = [("parse (trafilatura, HTML -> text)", *median_rate(lambda: [parse_article(b, doc_id="d", url=u, source="s", published_at=None,
                                                                                   date_source="fetch", partition_date=date(2024, 1, 1)) for u, b in pages], n, args.runs))]
    extraction_total = 0.0
    for name, fn in parts.items():
        rate, seconds = median_rate(fn, n, args.runs)
        extraction_total += seconds
        rows.append((f"  extract: {name}", rate, seconds))
    rows.insert(1, ("extract, all parts (plain text)", n / extraction_total, extraction_total))

    with tempfile.TemporaryDirectory() as tmp:
        table = TABLES_BY_NAME["core.quantities"]
        batch = to_arrow(table, [{"article_id": f"a{i}", "value": float(i), "unit": "troops", "bound": "exact", "measures": "m",
                                  "start_char": i, "end_char": i + 5, "partition_date": date(2024, 1, 1 + i % 28)} for i in range(200_000)])
        with connect(Path(tmp) / "bench.duckdb") as con:
            rate, seconds = median_rate(lambda: replace_partitions(con, date(2024, 1, 1), date(2024, 2, 1), {"core.quantities": batch}), batch.num_rows, args.runs)
        rows.append(("load: replace a month of rows via Arrow (rows/s)", rate, seconds))

    print(f"{'stage':52} {'per second':>12} {'seconds':>9}")
    for name, rate, seconds in rows:
        print(f"{name:52} {rate:12,.0f} {seconds:9.3f}")

    print("\nend to end through Dagster (run_all into a fresh warehouse, ephemeral instance):")
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from bilat.pipelines.resources import SourcesResource, WarehouseResource
    from bilat.pipelines.runs import run_all

    articles = len(archive.discover())
    walls = []
    for _ in range(max(1, args.runs // 2)):
        with tempfile.TemporaryDirectory() as tmp:
            resources = {"warehouse": WarehouseResource(path=str(Path(tmp) / "bilat.duckdb")),
                         "sources": SourcesResource(raw_store_path=str(Path(tmp) / "raw"))}
            began = time.perf_counter()
            report = run_all(dg.DagsterInstance.ephemeral(), resources)
            walls.append(time.perf_counter() - began)
            assert report.success, report.failures
    wall = statistics.median(walls)
    work = (rows[0][2] + extraction_total) / args.copies  # parse and extract each article once (the stages share extraction)
    print(f"  {articles} articles in one collection day (one run): {wall:.1f} s median of {len(walls)} -> {articles / wall:.1f} articles/s")
    print(f"  stage work (parse + extraction as the stages run it) ~{work:.2f} s: {100 * (1 - work / wall):.0f}% of the wall time is orchestration and I/O")


if __name__ == "__main__":
    main()
