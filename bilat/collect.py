"""Stage 1 for every kind of source: list, fetch, store and account for documents.

* ``refresh_listings`` fetches every feed, sitemap and URL list (conditionally: an unchanged listing is not
  downloaded again; its stored copy is read instead) and records what they list in raw.listings.
* ``collect_window`` collects the documents of a window of days: the listings whose day falls in it, what
  GDELT lists for it, and what a local archive holds for it. Every URL ends in exactly one outcome of
  raw.discovered (fetched, not_modified, duplicate, skipped, failed), every HTTP fetch in raw.fetch_log, and
  every document kept in raw.documents with its bytes in the raw store.

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
                       max_bytes=spec.max_bytes, allowed_private_hosts=frozenset(spec.allow_hosts))


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
        result = await self.fetcher.fetch(url, previous.get("etag"), previous.get("last_modified"))
        body, digest = None, None
        if result.outcome == "fetched" and result.body is not None:
            body, digest = result.body, self.store.put(result.body)
        elif result.outcome == "not_modified" and previous.get("content_hash") in self.store:
            digest = previous["content_hash"]
            body = self.store.get(digest)
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
async def _list_source(spec: SourceSpec, fetch: _LoggedFetcher, problems: list[str]) -> list[Listed]:
    if isinstance(spec, UrlsSpec):
        return [Listed(spec.name, url) for url in spec.all_urls()]
    result, body, _ = await fetch.fetch(spec.url, "listing")
    if body is None:
        problems.append(f"{spec.name}: {spec.url}: {result.outcome}: {result.reason}")
        return []
    try:
        if isinstance(spec, RssSpec):
            return [Listed(spec.name, i.url, i.published, i.title, feed_published=i.published) for i in parse_feed(body)]
        entries = []
        if is_sitemap_index(body):  # its entries are sitemaps: read each
            for child in [e.url for e in parse_sitemap(body)]:
                child_result, child_body, _ = await fetch.fetch(child, "listing")
                if child_body is None:
                    problems.append(f"{spec.name}: {child}: {child_result.outcome}: {child_result.reason}")
                    continue
                entries += parse_sitemap(child_body)
        else:
            entries = parse_sitemap(body)
    except FeedError as exc:
        problems.append(f"{spec.name}: {spec.url}: {exc}")
        return []
    as_time = lambda d: datetime(d.year, d.month, d.day, tzinfo=timezone.utc) if d else None  # noqa: E731
    return [Listed(spec.name, e.url, as_time(e.lastmod), sitemap_lastmod=e.lastmod) for e in entries]


def refresh_listings(con: duckdb.DuckDBPyConnection, specs: list[SourceSpec], store: RawStore, now: datetime | None = None) -> Collection:
    """Fetch every feed, sitemap and URL list; returns the listings (for raw.listings) and the fetch log."""
    now = now or datetime.now(timezone.utc)
    collection = Collection()
    listing_specs = [s for s in specs if s.enabled and isinstance(s, LISTING_KINDS)]
    known = known_validators(con, [s.url for s in listing_specs if not isinstance(s, UrlsSpec)])

    async def run() -> None:
        for spec in listing_specs:
            async with Fetcher(policy_for(spec)) as fetcher:
                fetch = _LoggedFetcher(fetcher, store, known, spec.name, now.date(), collection.fetch_log)
                for item in await _list_source(spec, fetch, collection.problems):
                    collection.listings.append({
                        "source": item.source, "url": item.url, "canonical_url": canonicalize_url(item.url),
                        "listed_at": item.listed_at, "title": item.title, "first_seen_at": now, "last_seen_at": now,
                        "partition_date": now.date(),  # the collection day: first seen (kept on later runs)
                    })

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
    rows = read_rows(con, "SELECT url, listed_at, title, partition_date FROM raw.listings WHERE source = ? AND partition_date >= ? AND partition_date < ? ORDER BY url",
                     [spec.name, start, end])
    feed = isinstance(spec, RssSpec)
    return [Listed(spec.name, r["url"], r["listed_at"], r["title"], feed_published=r["listed_at"] if feed else None,
                   sitemap_lastmod=r["listed_at"].date() if isinstance(spec, SitemapSpec) and r["listed_at"] else None,
                   day=r["partition_date"]) for r in rows]


async def _collect_web(con, specs: list[SourceSpec], store: RawStore, start: date, end: date, collection: Collection) -> None:
    collected_elsewhere = {r["canonical_url"]: r["partition_date"] for r in read_rows(
        con, "SELECT canonical_url, partition_date FROM raw.documents WHERE canonical_url IS NOT NULL AND (partition_date < ? OR partition_date >= ?)", [start, end])}
    seen_urls: dict[str, str] = {}
    seen_bodies: dict[str, str] = {}
    for spec in specs:
        async with Fetcher(policy_for(spec)) as fetcher:
            fetch = _LoggedFetcher(fetcher, store, {}, spec.name, start, collection.fetch_log)
            listed = await _listed_in_window(con, spec, start, end, fetch, collection.problems)
            to_fetch = []
            for item in listed:
                day = item.day or start
                canonical = canonicalize_url(item.url)
                if canonical in seen_urls:
                    collection.discovered.append(_discovered(item.url, spec.name, item.listed_at, "duplicate", f"same URL as {seen_urls[canonical]}", None, day))
                elif canonical in collected_elsewhere:
                    collection.discovered.append(_discovered(item.url, spec.name, item.listed_at, "duplicate", f"collected under {collected_elsewhere[canonical]}", None, day))
                else:
                    seen_urls[canonical] = item.url
                    to_fetch.append((item, day))
            fetch.known = known_validators(con, [item.url for item, _ in to_fetch])
            results = await asyncio.gather(*(fetch.fetch(item.url, "document") for item, _ in to_fetch))
            for (item, day), (result, body, digest) in zip(to_fetch, results):
                _keep(item, day, result, body, digest, seen_bodies, collection)


def _keep(item: Listed, day: date, result: FetchResult, body: bytes | None, digest: str | None,
          seen_bodies: dict[str, str], collection: Collection) -> None:
    """File one fetched URL: a document, a duplicate of one, or a skip/failure with its reason."""
    if body is None:
        outcome = result.outcome if result.outcome in {"skipped", "failed"} else "failed"
        reason = result.reason or ("the stored copy is missing" if result.outcome == "not_modified" else "no body")
        collection.discovered.append(_discovered(item.url, item.source, item.listed_at, outcome, reason, None, day))
        return
    if digest in seen_bodies:
        collection.discovered.append(_discovered(item.url, item.source, item.listed_at, "duplicate", f"same bytes as {seen_bodies[digest]}", None, day))
        return
    seen_bodies[digest] = item.url
    try:
        tree = lxml.html.fromstring(body)
    except (ParserError, ValueError):
        tree = None
    fetched_at = result.fetched_at or datetime.now(timezone.utc)
    when = publication_date(tree, result.final_url or item.url, fetched_at, item.feed_published, item.sitemap_lastmod)
    canonical = canonicalize_url(item.url)
    document = RawDocument(
        doc_id=document_id(canonical), url=item.url, source=item.source, fetched_at=fetched_at, content_hash=digest,
        content_length=len(body), published_at=when.published_at, date_source=when.source, partition_date=day,
        error=None, canonical_url=canonical, fetch_outcome=result.outcome, published_text=when.published_text,
    )
    collection.documents.append(document)
    collection.discovered.append(_discovered(item.url, item.source, item.listed_at, result.outcome, None, document.doc_id, day))
