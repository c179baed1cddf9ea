"""Stage 1: collect raw documents from an archive into the raw store, all filed under the archive's capture day
(its collection day), whatever their publication dates: any date has a home, and one partition holds the archive."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import lxml.html
from lxml.etree import ParserError

from bilat.ids import stable_id
from bilat.parse.dates import PublicationDate, publication_date
from bilat.rawstore import RawStore
from bilat.sources.archive import ArchiveError, ArchiveSource, DiscoveredDocument


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    url: str
    source: str
    fetched_at: datetime
    content_hash: str | None  # None when nothing could be read
    content_length: int
    published_at: datetime | None
    date_source: str
    partition_date: date  # the collection day: when the document entered the raw store
    error: str | None  # why the document could not be read, if it could not
    canonical_url: str | None = None
    fetch_outcome: str | None = None  # fetched | not_modified
    published_text: str | None = None  # an implausible publication date, kept as text


def document_id(url: str) -> str:
    return stable_id("doc", url)


def _dated(source: ArchiveSource) -> Iterator[tuple[DiscoveredDocument, bytes, str | None, PublicationDate]]:
    """Every document the archive lists, with its bytes (or the error reading them) and its publication date."""
    for found in source.discover():
        tree, body, error = None, b"", None
        try:
            body = source.read(found.url)
            tree = lxml.html.fromstring(body)
        except ArchiveError as exc:
            error = str(exc)
        except (ParserError, ValueError) as exc:
            error = f"unreadable HTML: {exc}"
        except Exception as exc:  # noqa: BLE001 - one document never stops the others
            error = f"unreadable: {type(exc).__name__}: {exc}"
        try:
            when = publication_date(tree, found.url, source.captured_at, found.feed_published, found.sitemap_lastmod)
        except Exception:  # noqa: BLE001 - an undatable page is filed as undated, not lost
            when = PublicationDate(None, "fetch", source.captured_at.date())
        yield found, body, error, when


def collection_day(source: ArchiveSource) -> date:
    """The partition an archive's documents belong to: the day it was captured (read from its manifest only)."""
    return source.captured_at.date()


def collect_archive(source: ArchiveSource, store: RawStore, start: date, end: date) -> list[RawDocument]:
    """Every document of the archive when its capture day falls in [start, end); unreadable ones included,
    with their error, so they are accounted for rather than dropped."""
    day = collection_day(source)
    if not (start <= day < end):
        return []
    documents = []
    for found, body, error, when in _dated(source):
        documents.append(
            RawDocument(
                doc_id=document_id(found.url),
                url=found.url,
                source=found.source,
                fetched_at=source.captured_at,
                content_hash=store.put(body) if body else None,
                content_length=len(body),
                published_at=when.published_at,
                date_source=when.source,
                partition_date=day,
                error=error,
                published_text=when.published_text,
            )
        )
    return documents
