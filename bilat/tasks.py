"""The tasks a window is cut into (bilat.workers runs them): parse a batch of raw documents, extract a batch of
articles. Each is a pure function of its arguments; it leaves its rows as Parquet in the handoff store, each row
with ``_seq`` (its document's place in the window) so the loader keeps the serial order, and returns what the
loader must decide in that order (duplicates, stories) or report (problems).
"""

from __future__ import annotations

import functools
# rows are built from the findings' own __dict__ (vars): dataclasses.asdict deep-copies every field, a tenth of extraction
from urllib.parse import urlsplit

import pyarrow as pa

from bilat.extract.entities import EntityFindings
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.interactions import actor_of
from bilat.extract.ner import load_recognizer, model_stamp
from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities, extract_interactions
from bilat.fetch import dedup
from bilat.fetch.urls import canonicalize_url
from bilat.parse.article import ParseError, parse_article
from bilat.rawstore import DamagedBlob, RawStore
from bilat.settings import EXTRACTOR_VERSION
from bilat.warehouse.load import to_arrow
from bilat.warehouse.schema import TABLES_BY_NAME
from bilat.workers import Handoff

SEQ = "_seq"
EXTRACTED_TABLES = ("core.mentions", "core.roles", "core.entities", "core.entity_aliases",
                    "core.quotes", "core.quantities", "core.events", "core.interactions")


def with_seq(table: str, rows: list[dict]) -> pa.Table:
    """Rows in the table's columns and types, plus the ``_seq`` column."""
    batch = to_arrow(TABLES_BY_NAME[table], rows)
    return batch.append_column(SEQ, pa.array([r[SEQ] for r in rows], pa.int64()))


# ---------------------------------------------------------------------------------------------- parsing
def parse_batch(batch_number: int, docs: list[dict], store_root: str, handoff: str) -> list[dict]:
    """Parse each raw document; the articles go to the handoff store, and for each document its outcome
    (quarantined with the reason, or parsed with what deduplication needs: hashes and MinHash signature)."""
    store, articles, summaries = RawStore(store_root), [], []
    for doc in docs:
        summary = {SEQ: doc[SEQ], "outcome": "quarantined", "reason": None}
        summaries.append(summary)
        if doc["error"] or not doc["content_hash"]:
            summary["reason"] = doc["error"] or "empty body"
            continue
        try:
            article = parse_article(
                store.get(doc["content_hash"]), doc_id=doc["doc_id"], url=doc["url"], source=doc["source"],
                published_at=doc["published_at"], date_source=doc["date_source"], partition_date=doc["partition_date"],
            )
        except (ParseError, DamagedBlob) as exc:  # a damaged raw body is quarantined, never parsed as another's
            summary["reason"] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - whatever one page does to the parser, the others go on
            summary["reason"] = f"parser error: {type(exc).__name__}: {exc}"[:500]
            continue
        sig = dedup.signature(dedup.shingles(article.text))
        minhash = dedup.to_bytes(sig) if sig is not None else None
        summary.update(outcome="parsed", article_id=article.article_id, text_hash=article.text_hash,
                       page=canonicalize_url(article.canonical_url or article.url), published_at=article.published_at, minhash=minhash)
        articles.append({**vars(article), "outlet": urlsplit(article.url).hostname, "extractor_version": EXTRACTOR_VERSION,
                         "minhash": minhash, SEQ: doc[SEQ]})
    Handoff(handoff).write("core.articles", batch_number, with_seq("core.articles", articles))
    return summaries


# ---------------------------------------------------------------------------------------------- extraction
@functools.cache
def _reader(model: str | None):
    """The gazetteer and the statistical reader, loaded once per worker process."""
    return default_gazetteer(), load_recognizer(model)


def extract_batch(batch_number: int, rows: list[dict], model: str | None, handoff: str) -> list[str]:
    """Entities, claims and interactions of each article, every table's rows to the handoff store; returns the
    problems (an article the rules fail on is left out, or its interactions are; the others' rows are kept)."""
    gaz, recognizer = _reader(model)
    tables: dict[str, list[dict]] = {name: [] for name in EXTRACTED_TABLES}
    problems: list[str] = []
    for row in rows:
        article = ArticleText.of(row["text"], row["published_at"].date() if row["published_at"] else None)
        stamp = {"article_id": row["article_id"], "partition_date": row["partition_date"], SEQ: row[SEQ],
                 "extractor_version": EXTRACTOR_VERSION + model_stamp(recognizer), "gazetteer_version": gaz.version}
        try:
            found = extract_entities(article, gaz, recognizer)
            claims = extract_claims(article, found)
        except Exception as exc:  # noqa: BLE001 - one article never fails the window
            problems.append(f"{row['article_id']}: extraction failed: {type(exc).__name__}: {exc}"[:500])
            continue
        _entity_rows(tables, found, stamp, article)
        _claim_rows(tables, found, claims, stamp)
        try:
            interactions = extract_interactions(article, found, claims.events, claims.quotes)
        except Exception as exc:  # noqa: BLE001 - one article never fails the window
            problems.append(f"{row['article_id']}: interaction coding failed: {type(exc).__name__}: {exc}"[:500])
            continue
        tables["core.interactions"] += [{**vars(i), **stamp, "cameo_code": i.cameo, "start_char": i.start, "end_char": i.end}
                                        for i in interactions]
    store = Handoff(handoff)
    for name, table_rows in tables.items():
        store.write(name, batch_number, with_seq(name, table_rows))
    return problems


def _entity_rows(tables: dict[str, list[dict]], found: EntityFindings, stamp: dict, article: ArticleText) -> None:
    seq, aliases = {SEQ: stamp[SEQ]}, set()
    for m in found.mentions:
        tables["core.mentions"].append({**vars(m), **stamp, "start_char": m.start, "end_char": m.end})
        aliases.add((m.entity_id, m.surface))
    for r in found.roles:
        tables["core.roles"].append({**vars(r), **stamp, "observed_on": article.published, "start_char": r.start, "end_char": r.end})
    for entity in found.entities.values():
        tables["core.entities"].append({**vars(entity), **seq})
        aliases.update((entity.entity_id, a) for a in (entity.name, *entity.aliases))
    tables["core.entity_aliases"] += [{"entity_id": e, "alias": a, **seq} for e, a in sorted(aliases)]


def _claim_rows(tables: dict[str, list[dict]], found: EntityFindings, claims, stamp: dict) -> None:
    tables["core.quotes"] += [{**vars(q), **stamp, "start_char": q.start, "end_char": q.end} for q in claims.quotes]
    tables["core.quantities"] += [{**vars(q), **stamp, "start_char": q.start, "end_char": q.end} for q in claims.quantities]
    role_country = {r.person_id: r.country_code for r in found.roles if r.country_code}
    actors_by_sentence: dict[int, set[str]] = {}
    for m in found.mentions:
        actor, is_place = actor_of(m.entity_id, found, role_country)
        if actor and not is_place:
            actors_by_sentence.setdefault(m.sentence_index, set()).add(actor)
    tables["core.events"] += [
        {**vars(e), **stamp, "date_precision": e.precision, "start_char": e.start, "end_char": e.end,
         "date_start_char": e.date_start, "date_end_char": e.date_end,
         "actor_ids": sorted(actors_by_sentence.get(e.sentence_index, ()))}
        for e in claims.events
    ]
