"""Stage 1 for every kind of source: list, fetch, store and account for documents.

* ``refresh_listings`` fetches every feed, sitemap and URL list (conditionally: an unchanged listing is not
  downloaded again; its stored copy is read instead) and records what they list in raw.listings.
* ``collect_window`` collects the documents of a window of days: the listings whose day falls in it, what
  GDELT lists for it, and what a local archive holds for it. Every URL ends in exactly one outcome of
  raw.discovered (fetched, not_modified, duplicate, skipped, failed, deferred), every HTTP request in
  raw.fetch_log, and every document kept in raw.documents with its bytes in the raw store.

One item never stops the others: whatever reading, dating or filing one URL raises, that URL ends ``failed``
with the error as its reason. Floods are bounded: a listing keeps at most ``max_items`` URLs, a run fetches at
most ``max_documents`` per source and ``settings.run_limits()`` over all sources; the rest are ``deferred`` and
fetched by later runs (URLs never fetched before go first). Bodies go to the raw store as they arrive, so
memory does not grow with the number of documents.

Documents are filed under their collection day (the Dagster partition): a listed URL under the day bilat first
saw it listed, a GDELT article under the day of the query window that found it, an archive's documents under
its capture day. The publication date is read from the page (then the listing) and is only a column.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

import duckdb
import lxml.html
from lxml.etree import ParserError

from bilat import settings
from bilat.fetch.contract import FetchPolicy, FetchResult
from bilat.fetch.http import Fetcher
from bilat.fetch.urls import canonicalize_url
from bilat.parse.dates import publication_date
from bilat.raw import RawDocument, collect_archive, document_id
from bilat.rawstore import RawStore
from bilat.sources.archive import ArchiveSource
from bilat.sources.config import ArchiveSpec, GdeltSpec, RssSpec, SitemapSpec, SourceSpec, UrlsSpec
from bilat.sources.feeds import FeedError, is_sitemap_index, parse_feed, parse_sitemap
from bilat.sources.gdelt import GdeltError, day_window, discover_gdelt
from bilat.warehouse.load import read_rows

LISTING_KINDS = (RssSpec, SitemapSpec, UrlsSpec)


def policy_for(spec: SourceSpec) -> FetchPolicy:
    return FetchPolicy(respect_robots=spec.respect_robots, per_host_rate=spec.rate_per_second,
                       max_bytes=spec.max_bytes, allowed_private_hosts=frozenset(spec.allow_hosts),
                       read_timeout_s=spec.timeout_s, total_timeout_s=3 * spec.timeout_s, max_retries=spec.max_retries)


@dataclass(frozen=True)
class Listed:
    source: str
    url: str
    listed_at: datetime | None = None
    title: str | None = None
    feed_published: datetime | None = None
    sitemap_lastmod: date | None = None
    day: date | None = None  # the partition it is filed under, once known


@dataclass
class Collection:
    documents: list[RawDocument] = field(default_factory=list)
    discovered: list[dict] = field(default_factory=list)
    fetch_log: list[dict] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # listings that could not be read: the run goes on


# ----------------------------------------------------------------------------------------------- fetching
class _LoggedFetcher:
    """A Fetcher that remembers validators from raw.fetch_log, logs every fetch, and hands back a body for a
    304 from the raw store: callers see content either way."""

    def __init__(self, fetcher: Fetcher, store: RawStore, known: dict[str, dict], source: str, day: date, log: list[dict]):
        self.fetcher, self.store, self.known, self.source, self.day, self.log = fetcher, store, known, source, day, log

    async def fetch(self, url: str, purpose: str) -> tuple[FetchResult, bytes | None, str | None]:
        previous = self.known.get(url, {})
        if previous and self.store.problem(previous["content_hash"]):  # the stored copy is damaged: ask for it whole
            previous = {}
        result = await self.fetcher.fetch(url, previous.get("etag"), previous.get("last_modified"))
        body, digest = None, None
        if result.outcome == "fetched" and result.body is not None:
            body, digest = result.body, self.store.put(result.body)
        elif result.outcome == "not_modified" and previous.get("content_hash") in self.store:  # a 304 nobody asked for has none
            digest = previous["content_hash"]
            body = self.store.get(digest)
        if result.attempts:  # a URL refused before any request (robots, address, malformed) is no fetch
            self.log.append(_log_row(result, self.source, purpose, digest, self.day))
        return result, body, digest


class _LoggedApi:
    """What ``discover_gdelt`` fetches through: each API request goes to raw.fetch_log (purpose ``listing``) and its
    answer to the raw store, like any other fetch, so GDELT's listings can be audited and replayed."""

    def __init__(self, fetch: _LoggedFetcher):
        self._fetch = fetch

    async def fetch(self, url: str) -> FetchResult:
        result, _, _ = await self._fetch.fetch(url, "listing")
        return result


def _log_row(result: FetchResult, source: str, purpose: str, digest: str | None, day: date) -> dict:
    headers = result.headers or {}
    return {
        "url": result.url, "canonical_url": canonicalize_url(result.url), "source": source, "purpose": purpose,
        "final_url": result.final_url, "status": result.status, "outcome": result.outcome, "reason": result.reason,
        "content_hash": digest, "content_type": headers.get("content-type"), "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"), "bytes": len(result.body) if result.body else 0,
        "attempts": result.attempts, "elapsed_s": result.elapsed_s,
        "fetched_at": result.fetched_at or datetime.now(timezone.utc), "partition_date": day,
    }


def known_validators(con: duckdb.DuckDBPyConnection, urls: Iterable[str]) -> dict[str, dict]:
    """The latest successful fetch of each URL: its ETag, Last-Modified and stored body."""
    urls = sorted(set(urls))
    if not urls:
        return {}
    rows = read_rows(
        con,
        "SELECT url, etag, last_modified, content_hash FROM raw.fetch_log "
        "WHERE url IN (SELECT unnest(?)) AND outcome IN ('fetched', 'not_modified') AND content_hash IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1",
        [urls],
    )
    return {r["url"]: r for r in rows}


# ----------------------------------------------------------------------------------------------- listings
MAX_CHILD_SITEMAPS = 1_000  # sitemaps read from one sitemap index


async def _list_source(spec: SourceSpec, fetch: _LoggedFetcher, problems: list[str]) -> list[Listed]:
    if isinstance(spec, UrlsSpec):
        return _capped(spec, [Listed(spec.name, url) for url in spec.all_urls()], problems)
    result, body, _ = await fetch.fetch(spec.url, "listing")
    if body is None:
        problems.append(f"{spec.name}: {spec.url}: {result.outcome}: {result.reason}")
        return []
    try:
        if isinstance(spec, RssSpec):
            items = parse_feed(body)
            return _capped(spec, [Listed(spec.name, i.url, i.published, i.title, feed_published=i.published) for i in items], problems)
        entries = []
        if is_sitemap_index(body):  # its entries are sitemaps: read each once (an index may list itself)
            children = list(dict.fromkeys(e.url for e in parse_sitemap(body) if e.url != spec.url))
            if len(children) > MAX_CHILD_SITEMAPS:
                problems.append(f"{spec.name}: {spec.url}: the index lists {len(children)} sitemaps; the first {MAX_CHILD_SITEMAPS} are read")
            for child in children[:MAX_CHILD_SITEMAPS]:
                if len(entries) >= spec.max_items:
                    break
                child_result, child_body, _ = await fetch.fetch(child, "listing")
                if child_body is None:
                    problems.append(f"{spec.name}: {child}: {child_result.outcome}: {child_result.reason}")
                    continue
                try:
                    entries += [e for e in parse_sitemap(child_body) if e.url != child]
                except FeedError as exc:
                    problems.append(f"{spec.name}: {child}: {exc}")
        else:
            entries = parse_sitemap(body)
    except FeedError as exc:
        problems.append(f"{spec.name}: {spec.url}: {exc}")
        return []
    as_time = lambda d: datetime(d.year, d.month, d.day, tzinfo=timezone.utc) if d else None  # noqa: E731
    return _capped(spec, [Listed(spec.name, e.url, as_time(e.lastmod), sitemap_lastmod=e.lastmod) for e in entries], problems)


def _capped(spec: SourceSpec, listed: list[Listed], problems: list[str]) -> list[Listed]:
    """The first ``max_items`` URLs of a listing; how many more it had goes to the problems."""
    if len(listed) > spec.max_items:
        problems.append(f"{spec.name}: lists {len(listed)} URLs; the first {spec.max_items} are kept (max_items)")
    return listed[: spec.max_items]


def _listing_row(item: Listed, now: datetime) -> dict:
    return {"source": item.source, "url": item.url, "canonical_url": canonicalize_url(item.url),
            "listed_at": item.listed_at, "title": item.title, "first_seen_at": now, "last_seen_at": now,
            "partition_date": now.date()}  # the collection day: first seen (kept on later runs)


def refresh_listings(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec], store: RawStore, now: datetime | None = None) -> Collection:
    """Fetch every feed, sitemap and URL list; returns the listings (for raw.listings) and the fetch log.

    A listing that cannot be read, or an item that cannot be recorded, is a problem named in the result; the
    other listings and items go on."""
    now = now or datetime.now(timezone.utc)
    collection = Collection()
    listing_specs = [s for s in specs if s.enabled and isinstance(s, LISTING_KINDS)]
    known = known_validators(con, [s.url for s in listing_specs if not isinstance(s, UrlsSpec)])

    async def run() -> None:
        for spec in listing_specs:
            try:
                async with Fetcher(policy_for(spec)) as fetcher:
                    fetch = _LoggedFetcher(fetcher, store, known, spec.name, now.date(), collection.fetch_log)
                    listed = await _list_source(spec, fetch, collection.problems)
            except Exception as exc:  # noqa: BLE001 - one listing never stops the others
                collection.problems.append(f"{spec.name}: listing failed: {type(exc).__name__}: {exc}")
                continue
            for item in listed:
                try:
                    collection.listings.append(_listing_row(item, now))
                except Exception as exc:  # noqa: BLE001 - e.g. a date the calendar cannot hold
                    collection.problems.append(f"{spec.name}: {item.url!r}: not recorded: {type(exc).__name__}: {exc}")

    asyncio.run(run())
    return collection


# ----------------------------------------------------------------------------------------------- documents
def collect_window(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec], store: RawStore, start: date, end: date) -> Collection:
    collection = Collection()
    for spec in specs:
        if spec.enabled and isinstance(spec, ArchiveSpec):
            _collect_archive(spec, store, start, end, collection)
    web = [s for s in specs if s.enabled and isinstance(s, (*LISTING_KINDS, GdeltSpec))]
    if web:
        asyncio.run(_collect_web(con, web, store, start, end, collection))
    return collection


def _collect_archive(spec: ArchiveSpec, store: RawStore, start: date, end: date, collection: Collection) -> None:
    for document in collect_archive(ArchiveSource(spec.path), store, start, end):
        document = replace(document, source=spec.name, canonical_url=canonicalize_url(document.url), fetch_outcome="fetched")
        collection.documents.append(document)
        collection.discovered.append(_discovered(document.url, spec.name, document.published_at,
                                                 "failed" if document.error else "fetched", document.error,
                                                 None if document.error else document.doc_id, document.partition_date))


def _discovered(url, source, listed_at, outcome, reason, doc_id, day) -> dict:
    return {"url": url, "canonical_url": canonicalize_url(url), "source": source, "listed_at": listed_at,
            "outcome": outcome, "reason": reason, "doc_id": doc_id, "partition_date": day}


async def _listed_in_window(con, spec: SourceSpec, start: date, end: date, fetch: _LoggedFetcher, problems: list[str]) -> list[Listed]:
    if isinstance(spec, GdeltSpec):
        found = []
        day = start
        while day < end:
            lo, hi = day_window(day)
            try:
                articles = await discover_gdelt(_LoggedApi(fetch), spec.query, lo, hi, base=spec.base_url, min_interval_s=spec.min_interval_s)
            except GdeltError as exc:
                problems.append(f"{spec.name}: {day}: {exc}")
                articles = []
            found += [Listed(spec.name, a.url, a.seendate, a.title, day=day) for a in articles]  # the window's day
            day = date.fromordinal(day.toordinal() + 1)
        return found
    rows = read_rows(con, "SELECT url, variants, listed_at, title, partition_date FROM raw.listings WHERE source = ? AND partition_date >= ? AND partition_date < ? ORDER BY url",
                     [spec.name, start, end])
    feed = isinstance(spec, RssSpec)
    # a listing's variants (same canonical URL) follow it, so each is accounted as a duplicate of it
    return [Listed(spec.name, url, r["listed_at"], r["title"], feed_published=r["listed_at"] if feed else None,
                   sitemap_lastmod=r["listed_at"].date() if isinstance(spec, SitemapSpec) and r["listed_at"] else None,
                   day=r["partition_date"]) for r in rows for url in [r["url"], *(r["variants"] or [])]]


@dataclass
class _RunBudget:
    """What one collecting run may still fetch, over all its sources (``settings.run_limits()``)."""

    documents: int
    bytes: int
    used_documents: int = 0
    used_bytes: int = 0


@dataclass(frozen=True)
class _Candidate:
    item: Listed
    day: date
    canonical: str


@dataclass(frozen=True)
class _Examined:
    """One fetched URL, its body already in the raw store and dropped: the document it makes, if any, and the
    raw.discovered row saying what became of it."""

    discovered: dict
    document: RawDocument | None = None


async def _collect_web(con, specs: list[SourceSpec], store: RawStore, start: date, end: date, collection: Collection) -> None:
    collected_elsewhere = {r["canonical_url"]: r["partition_date"] for r in read_rows(
        con, "SELECT canonical_url, partition_date FROM raw.documents WHERE canonical_url IS NOT NULL AND (partition_date < ? OR partition_date >= ?)", [start, end])}
    budget = _RunBudget(*settings.run_limits())
    seen_urls: dict[str, str] = {}
    seen_bodies: dict[str, str] = {}
    for spec in specs:
        try:
            await _collect_source(con, spec, store, start, end, collection, budget, collected_elsewhere, seen_urls, seen_bodies)
        except Exception as exc:  # noqa: BLE001 - a last resort: one source never stops the others
            collection.problems.append(f"{spec.name}: collecting failed: {type(exc).__name__}: {exc}")


async def _collect_source(con, spec: SourceSpec, store: RawStore, start: date, end: date, collection: Collection,
                          budget: _RunBudget, collected_elsewhere: dict, seen_urls: dict, seen_bodies: dict) -> None:
    async with Fetcher(policy_for(spec)) as fetcher:
        fetch = _LoggedFetcher(fetcher, store, {}, spec.name, start, collection.fetch_log)
        listed = await _listed_in_window(con, spec, start, end, fetch, collection.problems)
        held = {r["canonical_url"]: r for r in read_rows(
            con, "SELECT * FROM raw.documents WHERE source = ? AND partition_date >= ? AND partition_date < ? "
                 "AND content_hash IS NOT NULL AND canonical_url IS NOT NULL", [spec.name, start, end])}
        candidates = []
        for item in listed:
            day = item.day or start
            canonical = canonicalize_url(item.url)
            if canonical in seen_urls:
                collection.discovered.append(_discovered(item.url, spec.name, item.listed_at, "duplicate", f"same URL as {seen_urls[canonical]}", None, day))
            elif canonical in collected_elsewhere:
                collection.discovered.append(_discovered(item.url, spec.name, item.listed_at, "duplicate", f"collected under {collected_elsewhere[canonical]}", None, day))
            else:
                seen_urls[canonical] = item.url
                candidates.append(_Candidate(item, day, canonical))
        # URLs never fetched go before those held from an earlier run, so what a cap deferred comes next time.
        candidates.sort(key=lambda c: c.canonical in held)
        room = max(0, min(spec.max_documents, budget.documents - budget.used_documents))
        to_fetch, over = candidates[:room], candidates[room:]
        budget.used_documents += len(to_fetch)
        fetch.known = known_validators(con, [c.item.url for c in to_fetch])

        async def one(candidate: _Candidate) -> _Examined:
            if budget.used_bytes >= budget.bytes:
                return _Examined(_discovered(candidate.item.url, spec.name, candidate.item.listed_at, "deferred",
                                             f"over the run's cap of {budget.bytes} bytes; a later run fetches it", None, candidate.day))
            try:
                result, body, digest = await fetch.fetch(candidate.item.url, "document")
                budget.used_bytes += len(body) if body and result.outcome == "fetched" else 0
                return _examine(candidate, result, body, digest)
            except Exception as exc:  # noqa: BLE001 - one document never stops the others
                return _Examined(_discovered(candidate.item.url, spec.name, candidate.item.listed_at, "failed",
                                             f"internal error: {type(exc).__name__}: {exc}"[:500], None, candidate.day))

        examined = await asyncio.gather(*(one(c) for c in to_fetch))
        for entry in examined:  # in listing order, so which of two identical bodies is the document is stable
            _file(con, entry, seen_bodies, start, end, collection)
        for candidate in over:
            _defer_or_carry(spec, candidate, held.get(candidate.canonical), budget, collection)


def _examine(candidate: _Candidate, result: FetchResult, body: bytes | None, digest: str | None) -> _Examined:
    """What one fetch makes: a document dated from its page, or a skip/failure with its reason."""
    item, day = candidate.item, candidate.day
    if body is None:
        outcome = result.outcome if result.outcome in {"skipped", "failed"} else "failed"
        reason = result.reason or "no body"
        if result.outcome == "not_modified":
            reason = "HTTP 304, but no stored copy to reuse (the request was not conditional on it)"
        return _Examined(_discovered(item.url, item.source, item.listed_at, outcome, reason, None, day))
    try:
        tree = lxml.html.fromstring(body)
    except (ParserError, ValueError):
        tree = None
    fetched_at = result.fetched_at or datetime.now(timezone.utc)
    when = publication_date(tree, result.final_url or item.url, fetched_at, item.feed_published, item.sitemap_lastmod)
    document = RawDocument(
        doc_id=document_id(candidate.canonical), url=item.url, source=item.source, fetched_at=fetched_at, content_hash=digest,
        content_length=len(body), published_at=when.published_at, date_source=when.source, partition_date=day,
        error=None, canonical_url=candidate.canonical, fetch_outcome=result.outcome, published_text=when.published_text,
    )
    return _Examined(_discovered(item.url, item.source, item.listed_at, result.outcome, None, document.doc_id, day), document)


def _file(con, entry: _Examined, seen_bodies: dict[str, str], start: date, end: date, collection: Collection) -> None:
    """Keep a document unless its bytes are already one: in this run, or under another day in the warehouse."""
    document, discovered = entry.document, entry.discovered
    if document is not None:
        digest = document.content_hash
        elsewhere = None if digest in seen_bodies else read_rows(
            con, "SELECT url, partition_date FROM raw.documents WHERE content_hash = ? AND (partition_date < ? OR partition_date >= ?) "
                 "ORDER BY partition_date, url LIMIT 1", [digest, start, end])
        if digest in seen_bodies or elsewhere:
            original = seen_bodies.get(digest) or f"{elsewhere[0]['url']} (collected under {elsewhere[0]['partition_date']})"
            discovered = {**discovered, "outcome": "duplicate", "reason": f"same bytes as {original}", "doc_id": None}
        else:
            seen_bodies[digest] = document.url
            collection.documents.append(document)
    collection.discovered.append(discovered)


def _defer_or_carry(spec: SourceSpec, candidate: _Candidate, held: dict | None, budget: _RunBudget, collection: Collection) -> None:
    """A URL over the run's caps: one held from an earlier run keeps its document (not revalidated this time);
    one never fetched is deferred to a later run."""
    item = candidate.item
    cap = (f"the cap of {spec.max_documents} documents per run for {spec.name}" if budget.used_documents < budget.documents
           else f"the run's cap of {budget.documents} documents")
    if held is not None:
        document = RawDocument(**{k: held[k] for k in RawDocument.__dataclass_fields__})
        collection.documents.append(document)
        collection.discovered.append(_discovered(item.url, item.source, item.listed_at, document.fetch_outcome or "fetched",
                                                 f"kept from an earlier fetch, not revalidated: over {cap}", document.doc_id, document.partition_date))
        return
    collection.discovered.append(_discovered(item.url, item.source, item.listed_at, "deferred",
                                             f"over {cap}; a later run fetches it", None, candidate.day))
