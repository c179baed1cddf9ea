"""The pipeline's stages over a window of collection days [start, end) (a Dagster run passes one day, its
partition; ``bilat reprocess`` and the benchmarks may pass more): each reads its input from the warehouse (or
the source), runs the pure core, and replaces the window's rows in one transaction.

The Dagster assets and the command line call these and nothing else, so there is one way to run a stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from bilat.collect import collect_window, refresh_listings
from bilat.fetch import dedup
from bilat.rawstore import RawStore
from bilat.settings import ner_model
from bilat.sources.config import SourceSpec
from bilat.warehouse.load import append, read_rows, replace_partitions, to_arrow, upsert, upsert_listings
from bilat.warehouse.schema import TABLES_BY_NAME
from bilat.tasks import EXTRACTED_TABLES, SEQ, extract_batch, parse_batch
from bilat.workers import Engine, Handoff

PREVIEW_ROWS = 10
STORY_WINDOW = timedelta(days=7)  # syndicated copies appear within days of each other
PREVIEW_SKIP = {"_seq", "text", "partition_date", "extractor_version", "gazetteer_version", "sentence_index", "minhash", "text_hash"}  # long or repeated on every row


@dataclass
class StageResult:
    """Rows written per table, a few of them per table for a preview, and (parsing) the outcome counts."""

    counts: dict[str, int] = field(default_factory=dict)
    previews: dict[str, list[dict]] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # sources that could not be read (the run goes on)

    def add(self, name: str, batch: pa.Table, written: int) -> None:
        self.counts[name] = written
        columns = [c for c in batch.column_names if c not in PREVIEW_SKIP]
        self.previews[name] = batch.select(columns).slice(0, PREVIEW_ROWS).to_pylist()


def _load(con, start, end, tables: dict[str, list | pa.Table | str], result: StageResult | None = None,
          refreshed: dict[str, pa.Table | str] | None = None) -> StageResult:
    """Replace the window's rows of each table (rows, an Arrow table, or a query over the handoff store's files)
    and add or refresh the rows of ``refreshed`` (global tables), in one transaction; the result carries
    counts and previews."""
    result = result or StageResult()
    as_source = {name: to_arrow(TABLES_BY_NAME[name], rows) if isinstance(rows, list) else rows for name, rows in tables.items()}
    refreshed = refreshed or {}
    previews = {name: source if isinstance(source, pa.Table) else con.sql(f"SELECT * FROM ({source}) LIMIT {PREVIEW_ROWS}").to_arrow_table()
                for name, source in {**as_source, **refreshed}.items()}
    for name, written in replace_partitions(con, start, end, as_source, refreshed).items():
        result.add(name, previews[name], written)
    return result


def refresh_listings_stage(con, specs: list[SourceSpec], store: RawStore) -> StageResult:
    """What every feed, sitemap and URL list lists now, into raw.listings; each fetch into raw.fetch_log."""
    collection = refresh_listings(con, specs, store)
    result = StageResult(problems=collection.problems)
    listings = to_arrow(TABLES_BY_NAME["raw.listings"], collection.listings)
    result.add("raw.listings", listings, upsert_listings(con, listings))
    log = to_arrow(TABLES_BY_NAME["raw.fetch_log"], collection.fetch_log)
    result.add("raw.fetch_log", log, append(con, "raw.fetch_log", log))
    return result


def collect_raw(con, specs: list[SourceSpec], store: RawStore, start: date, end: date) -> StageResult:
    """Every document the sources have for the window, fetched and stored; every URL accounted for."""
    collection = collect_window(con, specs, store, start, end)
    tally = {k: sum(1 for d in collection.discovered if d["outcome"] == k) for k in ("fetched", "not_modified", "duplicate", "skipped", "failed", "deferred")}
    result = _load(con, start, end, {"raw.documents": collection.documents, "raw.discovered": collection.discovered},
                   StageResult(outcomes=tally, problems=collection.problems))
    log = to_arrow(TABLES_BY_NAME["raw.fetch_log"], collection.fetch_log)
    result.add("raw.fetch_log", log, append(con, "raw.fetch_log", log))
    return result


def parse_articles(con, store: RawStore, start: date, end: date) -> StageResult:
    """Parse every raw document of the window; each ends parsed, duplicate or quarantined with a reason.

    Pages are parsed in tasks (bilat.tasks.parse_batch, run where bilat.workers says); which copy is kept, and
    the story each article joins, is decided here in the window's order, so any number of workers gives the
    same rows as one."""
    docs = read_rows(
        con,
        "SELECT doc_id, url, source, published_at, date_source, partition_date, content_hash, error FROM raw.documents "
        "WHERE partition_date >= ? AND partition_date < ? ORDER BY published_at NULLS LAST, url",
        [start, end],
    )
    for seq, doc in enumerate(docs):
        doc[SEQ] = seq
    engine, handoff = Engine.configured(), Handoff.new(f"parse-{start}")
    size = engine.batch_size
    batches = [(n, docs[i:i + size], str(store.root), handoff.url) for n, i in enumerate(range(0, len(docs), size))]
    try:
        outcomes, kept, by_text, by_page = [], [], {}, {}
        for summaries in engine.map(parse_batch, batches, len(batches)):
            for parsed in summaries:
                doc = docs[parsed[SEQ]]
                outcome = {"doc_id": doc["doc_id"], "url": doc["url"], "partition_date": doc["partition_date"], "article_id": None, "reason": None}
                if parsed["outcome"] == "quarantined":
                    outcomes.append({**outcome, "outcome": "quarantined", "reason": parsed["reason"]})
                elif parsed["page"] in by_page:  # a mirror or tracking-parameter copy naming the same page as its own
                    outcomes.append({**outcome, "outcome": "duplicate", "article_id": by_page[parsed["page"]], "reason": "same canonical URL as an earlier article"})
                elif parsed["text_hash"] in by_text:  # the same text under another URL: keep the earliest
                    outcomes.append({**outcome, "outcome": "duplicate", "article_id": by_text[parsed["text_hash"]], "reason": "same text as an earlier article"})
                else:
                    by_text[parsed["text_hash"]] = by_page[parsed["page"]] = parsed["article_id"]
                    kept.append(parsed)
                    outcomes.append({**outcome, "outcome": "parsed", "article_id": parsed["article_id"]})
        handoff.register(con)  # DuckDB reads the files itself: an object store must be known to it
        files = handoff.files("core.articles")
        stories = _assign_stories(con, kept, files, start, end)
        con.register("kept_articles", pa.table({SEQ: pa.array([k[SEQ] for k in kept], pa.int64()), "story_id": pa.array(stories, pa.string())}))
        articles = (f"SELECT a.* REPLACE (k.story_id AS story_id) FROM read_parquet({_files_sql(files)}) a JOIN kept_articles k USING ({SEQ}) ORDER BY {SEQ}"
                    if files else to_arrow(TABLES_BY_NAME["core.articles"], []))
        tally = {k: sum(1 for o in outcomes if o["outcome"] == k) for k in ("parsed", "duplicate", "quarantined")}
        result = _load(con, start, end, {"core.articles": articles, "core.document_outcomes": to_arrow(TABLES_BY_NAME["core.document_outcomes"], outcomes)},
                       StageResult(outcomes=tally))
        con.unregister("kept_articles")
        return result
    finally:
        handoff.remove()


def _files_sql(files: list[str]) -> str:
    """A list of file names as a DuckDB list literal."""
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def _assign_stories(con, kept: list[dict], files: list[str], start: date, end: date) -> list[str]:
    """The story_id of each kept article: syndicated copies (published within STORY_WINDOW of each other, most
    of the shorter one's text contained in the longer, see bilat.fetch.dedup) share the story_id of the
    earliest, whether it is in this window or in another partition. Signatures were worked out by the tasks;
    texts are read back only for the candidates."""
    signatures = [dedup.from_bytes(k["minhash"]) if k["minhash"] else None for k in kept]
    published = [k["published_at"] for k in kept if k["published_at"]]
    # partitions are collection days: the neighbours are the articles of other partitions published near these
    neighbours = read_rows(
        con,
        "SELECT article_id, story_id, minhash, CASE WHEN minhash IS NULL THEN text END AS text FROM core.articles "
        "WHERE (partition_date < ? OR partition_date >= ?) AND published_at >= ? AND published_at < ? "
        "ORDER BY published_at, article_id",
        [start, end, min(published) - STORY_WINDOW, max(published) + STORY_WINDOW],
    ) if published else []
    # an article loaded before signatures were kept is hashed from its text
    neighbour_sigs = [dedup.from_bytes(n["minhash"]) if n["minhash"] else dedup.signature(dedup.shingles(n["text"] or ""))
                      for n in neighbours]
    ids = [n["article_id"] for n in neighbours] + [k["article_id"] for k in kept]
    old = len(neighbours)

    def shingles_of(indexes: list[int]) -> dict[int, frozenset[str]]:
        wanted_old = [ids[i] for i in indexes if i < old]
        wanted_new = [kept[i - old][SEQ] for i in indexes if i >= old]
        texts = dict(con.execute("SELECT article_id, text FROM core.articles WHERE article_id IN (SELECT unnest(?))", [wanted_old]).fetchall()) if wanted_old else {}
        new_texts = dict(con.execute(f"SELECT {SEQ}, text FROM read_parquet({_files_sql(files)}) WHERE {SEQ} IN (SELECT unnest(?))",
                                     [wanted_new]).fetchall()) if wanted_new else {}
        return {i: dedup.shingles((texts.get(ids[i]) if i < old else new_texts.get(kept[i - old][SEQ])) or "") for i in indexes}

    roots = dedup.cluster_signatures(ids, neighbour_sigs + signatures, shingles_of, first_new=old)
    known_story = {n["article_id"]: n["story_id"] or n["article_id"] for n in neighbours}
    return [known_story.get(roots[k["article_id"]], roots[k["article_id"]]) for k in kept]


def extract_window(con, start: date, end: date) -> StageResult:
    """Entities, claims and interactions of every article of the window, in tasks of a batch of articles
    (bilat.tasks.extract_batch, run where bilat.workers says), loaded in one transaction: the partitioned
    tables' window replaced, the global entities and aliases added or refreshed. An article the rules fail on
    is left out and named in the problems (its rows are missing, the others' are not)."""
    engine, model, handoff = Engine.configured(), ner_model(), Handoff.new(f"extract-{start}")
    size = engine.batch_size
    window = [start, end]
    [(total,)] = con.execute("SELECT count(*) FROM core.articles WHERE partition_date >= ? AND partition_date < ?", window).fetchall()
    # streamed, on a cursor of its own: the caller holds a few batches of text at a time, however large the window
    cursor = con.cursor()
    reader = cursor.sql(
        "SELECT article_id, text, published_at, partition_date FROM core.articles "
        "WHERE partition_date >= ? AND partition_date < ? ORDER BY article_id", params=window).to_arrow_reader(size)

    def batches() -> Iterator[tuple]:
        seq = 0
        for number, batch in enumerate(reader):
            rows = batch.to_pylist()
            for row in rows:
                row[SEQ], seq = seq, seq + 1
            yield number, rows, model, handoff.url

    try:
        problems = [p for found in engine.map(extract_batch, batches(), -(-total // size)) for p in found]
        handoff.register(con)
        files = {name: handoff.files(name) for name in EXTRACTED_TABLES}

        def rows_of(name: str, select: str = "*", order: str = SEQ):
            if not files[name]:
                return to_arrow(TABLES_BY_NAME[name], [])
            return f"SELECT {select} FROM read_parquet({_files_sql(files[name])}) ORDER BY {order}"

        partitioned = {name: rows_of(name) for name in EXTRACTED_TABLES if name not in ("core.entities", "core.entity_aliases")}
        # the same entity found in several articles: the last article's reading wins, as it would in one pass
        refreshed = {"core.entities": rows_of("core.entities", "DISTINCT ON (entity_id) *", f"entity_id, {SEQ} DESC"),
                     "core.entity_aliases": rows_of("core.entity_aliases", "DISTINCT entity_id, alias", "entity_id, alias")}
        return _load(con, start, end, partitioned, StageResult(problems=problems), refreshed)
    finally:
        cursor.close()
        handoff.remove()
