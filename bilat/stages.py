"""The pipeline's stages over a window of collection days [start, end) (a Dagster run passes one day, its
partition; ``bilat reprocess`` and the benchmarks may pass more): each reads its input from the warehouse (or
the source), runs the pure core, and replaces the window's rows in one transaction.

The Dagster assets and the command line call these and nothing else, so there is one way to run a stage.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from bilat.collect import collect_window, refresh_listings
from bilat.extract.entities import EntityFindings
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.interactions import actor_of
from bilat.extract.ner import load_recognizer, model_stamp
from bilat.extract.pipeline import ArticleText, Claims, extract_claims, extract_entities, extract_interactions
from bilat.fetch import dedup
from bilat.fetch.urls import canonicalize_url
from bilat.parse.article import ParseError, parse_article
from bilat.rawstore import DamagedBlob, RawStore
from bilat.settings import EXTRACTOR_VERSION, ner_model
from bilat.sources.config import SourceSpec
from bilat.warehouse.load import append, read_rows, replace_partitions, to_arrow, upsert, upsert_listings
from bilat.warehouse.schema import TABLES_BY_NAME

Progress = Callable[[Iterable], Iterable]


def _no_progress(items: Iterable) -> Iterable:
    return items


PREVIEW_ROWS = 10
STORY_WINDOW = timedelta(days=7)  # syndicated copies appear within days of each other
PREVIEW_SKIP = {"text", "partition_date", "extractor_version", "gazetteer_version", "sentence_index", "minhash", "text_hash"}  # long or repeated on every row


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


def _window_articles(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[dict]:
    return read_rows(
        con,
        "SELECT article_id, text, published_at, partition_date FROM core.articles "
        "WHERE partition_date >= ? AND partition_date < ? ORDER BY article_id",
        [start, end],
    )


def _load(con, start, end, rows_by_table: dict[str, list], result: StageResult | None = None) -> StageResult:
    """Replace the window's rows of each table; the result carries counts and previews."""
    result = result or StageResult()
    batches = {name: to_arrow(TABLES_BY_NAME[name], rows) for name, rows in rows_by_table.items()}
    for name, written in replace_partitions(con, start, end, batches).items():
        result.add(name, batches[name], written)
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


def parse_articles(con, store: RawStore, start: date, end: date, progress: Progress = _no_progress) -> StageResult:
    """Parse every raw document of the window; each ends parsed, duplicate or quarantined with a reason."""
    docs = read_rows(
        con,
        "SELECT * FROM raw.documents WHERE partition_date >= ? AND partition_date < ? ORDER BY published_at NULLS LAST, url",
        [start, end],
    )
    articles, outcomes, by_text, by_page = [], [], {}, {}
    for doc in progress(docs):
        outcome = {"doc_id": doc["doc_id"], "url": doc["url"], "partition_date": doc["partition_date"], "article_id": None, "reason": None}
        if doc["error"] or not doc["content_hash"]:
            outcomes.append({**outcome, "outcome": "quarantined", "reason": doc["error"] or "empty body"})
            continue
        try:
            article = parse_article(
                store.get(doc["content_hash"]), doc_id=doc["doc_id"], url=doc["url"], source=doc["source"],
                published_at=doc["published_at"], date_source=doc["date_source"], partition_date=doc["partition_date"],
            )
        except (ParseError, DamagedBlob) as exc:  # a damaged raw body is quarantined, never parsed as another's
            outcomes.append({**outcome, "outcome": "quarantined", "reason": str(exc)})
            continue
        except Exception as exc:  # noqa: BLE001 - whatever one page does to the parser, the others go on
            outcomes.append({**outcome, "outcome": "quarantined", "reason": f"parser error: {type(exc).__name__}: {exc}"[:500]})
            continue
        page = canonicalize_url(article.canonical_url or article.url)
        if page in by_page:  # a mirror or tracking-parameter copy naming the same page as its own
            outcomes.append({**outcome, "outcome": "duplicate", "article_id": by_page[page], "reason": "same canonical URL as an earlier article"})
            continue
        if article.text_hash in by_text:  # the same text under another URL: keep the earliest
            outcomes.append({**outcome, "outcome": "duplicate", "article_id": by_text[article.text_hash], "reason": "same text as an earlier article"})
            continue
        by_text[article.text_hash] = by_page[page] = article.article_id
        articles.append({**asdict(article), "outlet": urlsplit(article.url).hostname, "extractor_version": EXTRACTOR_VERSION})
        outcomes.append({**outcome, "outcome": "parsed", "article_id": article.article_id})
    _assign_stories(con, articles, start, end)
    tally = {k: sum(1 for o in outcomes if o["outcome"] == k) for k in ("parsed", "duplicate", "quarantined")}
    return _load(con, start, end, {"core.articles": articles, "core.document_outcomes": outcomes}, StageResult(outcomes=tally))


def _assign_stories(con, articles: list[dict], start: date, end: date) -> None:
    """Link syndicated copies: articles published within STORY_WINDOW of each other, most of the shorter one's
    text contained in the longer (bilat.fetch.dedup), share the story_id of the earliest, whether it is in this
    window or in another partition. Each article keeps its MinHash signature, so later windows find it without
    rehashing."""
    sets = [dedup.shingles(a["text"]) for a in articles]
    signatures = [dedup.signature(s) for s in sets]
    for article, sig in zip(articles, signatures):
        article["minhash"] = dedup.to_bytes(sig) if sig is not None else None
    published = [a["published_at"] for a in articles if a["published_at"]]
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
    ids = [n["article_id"] for n in neighbours] + [a["article_id"] for a in articles]

    def shingles_of(indexes: list[int]) -> dict[int, frozenset[str]]:
        wanted = [ids[i] for i in indexes if i < len(neighbours)]  # only the neighbours that are candidates are read
        texts = dict(con.execute("SELECT article_id, text FROM core.articles WHERE article_id IN (SELECT unnest(?))", [wanted]).fetchall()) if wanted else {}
        return {i: sets[i - len(neighbours)] if i >= len(neighbours) else dedup.shingles(texts.get(ids[i]) or "") for i in indexes}

    roots = dedup.cluster_signatures(ids, neighbour_sigs + signatures, shingles_of, first_new=len(neighbours))
    known_story = {n["article_id"]: n["story_id"] or n["article_id"] for n in neighbours}
    for article in articles:
        root = roots[article["article_id"]]
        article["story_id"] = known_story.get(root, root)


def _article_text(row: dict) -> ArticleText:
    published = row["published_at"].date() if row["published_at"] else None
    return ArticleText.of(row["text"], published)


@dataclass
class _Extracted:
    row: dict
    article: ArticleText
    entities: EntityFindings
    claims: Claims
    stamp: dict  # provenance and versions every row of the article carries


# The three extraction stages of a run read the same articles, usually in one process: each article's entities
# and claims are worked out once (keyed by its text and everything that shapes the result), not three times.
_EXTRACTED: OrderedDict[tuple, tuple[EntityFindings, Claims]] = OrderedDict()
_EXTRACTED_MAX = 2_000


def _extract_window(con, start: date, end: date, progress: Progress, problems: list[str]) -> Iterator[_Extracted]:
    """Each article of the window with its entities and claims; an article the rules fail on is left out and
    named in ``problems`` (its rows are missing, the others' are not)."""
    gaz, model = default_gazetteer(), ner_model()
    recognizer = load_recognizer(model)  # no model unless $BILAT_NER_MODEL names one
    for row in progress(_window_articles(con, start, end)):
        article = _article_text(row)
        key = (row["article_id"], row["text"], article.published, gaz.version, model, EXTRACTOR_VERSION)
        if key in _EXTRACTED:
            _EXTRACTED.move_to_end(key)
        else:
            try:
                entities = extract_entities(article, gaz, recognizer)
                _EXTRACTED[key] = (entities, extract_claims(article, entities))
            except Exception as exc:  # noqa: BLE001 - one article never fails the window
                problems.append(f"{row['article_id']}: extraction failed: {type(exc).__name__}: {exc}"[:500])
                continue
            if len(_EXTRACTED) > _EXTRACTED_MAX:
                _EXTRACTED.popitem(last=False)
        entities, claims = _EXTRACTED[key]
        stamp = {"article_id": row["article_id"], "partition_date": row["partition_date"],
                 "extractor_version": EXTRACTOR_VERSION + model_stamp(recognizer), "gazetteer_version": gaz.version}
        yield _Extracted(row, article, entities, claims, stamp)


def extract_entity_mentions(con, start: date, end: date, progress: Progress = _no_progress) -> StageResult:
    mentions, roles, entities, aliases, problems = [], [], {}, set(), []
    for done in _extract_window(con, start, end, progress, problems):
        found, stamp = done.entities, done.stamp
        for m in found.mentions:
            mentions.append({**asdict(m), **stamp, "start_char": m.start, "end_char": m.end})
            aliases.add((m.entity_id, m.surface))
        for r in found.roles:
            roles.append({**asdict(r), **stamp, "observed_on": done.article.published, "start_char": r.start, "end_char": r.end})
        for entity in found.entities.values():
            entities[entity.entity_id] = entity
            aliases.update((entity.entity_id, a) for a in (entity.name, *entity.aliases))
    result = _load(con, start, end, {"core.mentions": mentions, "core.roles": roles}, StageResult(problems=problems))
    # Entities are global, not partitioned: new ones are added, known ones refreshed.
    for name, rows in (("core.entities", [asdict(e) for e in entities.values()]),
                       ("core.entity_aliases", [{"entity_id": e, "alias": a} for e, a in sorted(aliases)])):
        batch = to_arrow(TABLES_BY_NAME[name], rows)
        result.add(name, batch, upsert(con, name, batch))
    return result


def extract_claims_stage(con, start: date, end: date, progress: Progress = _no_progress) -> StageResult:
    quotes, quantities, events, problems = [], [], [], []
    for done in _extract_window(con, start, end, progress, problems):
        found, claims, stamp = done.entities, done.claims, done.stamp
        quotes += [{**asdict(q), **stamp, "start_char": q.start, "end_char": q.end} for q in claims.quotes]
        quantities += [{**asdict(q), **stamp, "start_char": q.start, "end_char": q.end} for q in claims.quantities]
        role_country = {r.person_id: r.country_code for r in found.roles if r.country_code}
        actors_by_sentence: dict[int, set[str]] = {}
        for m in found.mentions:
            actor, is_place = actor_of(m.entity_id, found, role_country)
            if actor and not is_place:
                actors_by_sentence.setdefault(m.sentence_index, set()).add(actor)
        events += [
            {**asdict(e), **stamp, "date_precision": e.precision, "start_char": e.start, "end_char": e.end,
             "date_start_char": e.date_start, "date_end_char": e.date_end,
             "actor_ids": sorted(actors_by_sentence.get(e.sentence_index, ()))}
            for e in claims.events
        ]
    return _load(con, start, end, {"core.quotes": quotes, "core.quantities": quantities, "core.events": events}, StageResult(problems=problems))


def extract_interactions_stage(con, start: date, end: date, progress: Progress = _no_progress) -> StageResult:
    interactions, problems = [], []
    for done in _extract_window(con, start, end, progress, problems):
        try:
            found = extract_interactions(done.article, done.entities, done.claims.events, done.claims.quotes)
        except Exception as exc:  # noqa: BLE001 - one article never fails the window
            problems.append(f"{done.row['article_id']}: interaction coding failed: {type(exc).__name__}: {exc}"[:500])
            continue
        interactions += [{**asdict(i), **done.stamp, "cameo_code": i.cameo, "start_char": i.start, "end_char": i.end} for i in found]
    return _load(con, start, end, {"core.interactions": interactions}, StageResult(problems=problems))
