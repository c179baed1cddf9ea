"""The GDELT DOC 2.0 API as a source of article URLs for any past window (so it can backfill partitions).

The API answers at most 250 articles per call (``mode=artlist``), with no body and no publication date — only
``seendate``, when GDELT saw the article. ``discover_gdelt`` therefore splits a window in halves whenever an
answer is full, down to 15-minute windows, and spaces its calls (GDELT asks for about one every 5 seconds).
The requests go through bilat's Fetcher, so they get its timeouts, retries and safety checks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

if TYPE_CHECKING:  # the Fetcher is only passed in; importing it here would tie this module to httpx
    from bilat.fetch.http import Fetcher

log = logging.getLogger(__name__)

GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250  # the API's ceiling per call
MIN_WINDOW = timedelta(minutes=15)  # windows are not split below this
_STAMP = "%Y%m%d%H%M%S"  # startdatetime / enddatetime
_SEENDATE = "%Y%m%dT%H%M%SZ"  # seendate in answers, e.g. 20230808T120000Z


class GdeltError(RuntimeError):
    """GDELT could not be reached or answered something other than an article list; the message says which."""


@dataclass(frozen=True)
class GdeltArticle:
    url: str
    title: str | None
    seendate: datetime  # UTC, when GDELT saw the article (not its publication date)
    domain: str | None
    language: str | None
    sourcecountry: str | None


def _utc(moment: datetime) -> datetime:
    """Aware UTC datetime; naive datetimes are taken to be UTC already."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def day_window(day: date) -> tuple[datetime, datetime]:
    """A daily partition's window: [day 00:00 UTC, next day 00:00 UTC)."""
    start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def gdelt_url(
    query: str, start: datetime, end: datetime, maxrecords: int = MAX_RECORDS, base: str = GDELT_DOC_API
) -> str:
    """The artlist/JSON request URL for ``query`` between ``start`` and ``end`` (converted to UTC)."""
    params = {
        "query": query,
        "mode": "artlist",
        "format": "json",
        "maxrecords": str(maxrecords),
        "startdatetime": _utc(start).strftime(_STAMP),
        "enddatetime": _utc(end).strftime(_STAMP),
    }
    return f"{base}?{urlencode(params, quote_via=quote)}"


def parse_articles(body: bytes, encoding: str | None = None) -> list[GdeltArticle]:
    """Articles of one artlist answer. GDELT reports bad queries as plain text with status 200: that, or any
    other non-JSON answer, raises GdeltError. An empty answer or ``{}`` means no articles."""
    text = body.decode(encoding or "utf-8", "replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text, strict=False)  # GDELT titles may hold raw control characters
    except json.JSONDecodeError:
        raise GdeltError(f"GDELT answered something other than JSON: {text[:200]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise GdeltError(f"GDELT answered JSON without an article list: {text[:200]!r}")
    return [_article(item) for item in data.get("articles", []) if isinstance(item, dict) and item.get("url")]


def _article(item: dict) -> GdeltArticle:
    try:
        seen = datetime.strptime(item.get("seendate", ""), _SEENDATE).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        raise GdeltError(f"unreadable seendate {item.get('seendate')!r} for {item.get('url')}") from None
    return GdeltArticle(
        url=item["url"], title=item.get("title") or None, seendate=seen, domain=item.get("domain") or None,
        language=item.get("language") or None, sourcecountry=item.get("sourcecountry") or None,
    )


class _Pacer:
    """Keeps at least ``interval`` seconds between the starts of consecutive requests."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: float | None = None

    async def wait(self) -> None:
        if self._last is not None:
            remaining = self._last + self.interval - time.monotonic()
            if remaining > 0:
                await asyncio.sleep(remaining)
        self._last = time.monotonic()


async def discover_gdelt(
    fetcher: Fetcher, query: str, start: datetime, end: datetime, base: str = GDELT_DOC_API,
    min_interval_s: float = 5.0,
) -> list[GdeltArticle]:
    """Every article GDELT lists for ``query`` in [start, end), each URL once, earliest window first.

    A full answer (250 records) means GDELT left some out: the window is split in two and each half asked
    again, recursively, until answers are not full or halves would be shorter than 15 minutes (then the full
    answer is kept and a warning logged). Requests are made one at a time, ``min_interval_s`` apart.
    """
    pacer = _Pacer(min_interval_s)

    async def window(lo: datetime, hi: datetime) -> list[GdeltArticle]:
        await pacer.wait()
        url = gdelt_url(query, lo, hi, base=base)
        result = await fetcher.fetch(url)
        if result.outcome != "fetched":
            raise GdeltError(f"GDELT request {url} {result.outcome}: {result.reason}")
        articles = parse_articles(result.body or b"", result.text_encoding)
        if len(articles) < MAX_RECORDS:
            return articles
        if hi - lo < 2 * MIN_WINDOW:
            log.warning("GDELT window %s..%s is full at %d records and too short to split", lo, hi, MAX_RECORDS)
            return articles
        middle = lo + (hi - lo) / 2
        middle = middle.replace(microsecond=0)  # the API takes whole seconds
        return await window(lo, middle) + await window(middle, hi)

    found = await window(_utc(start), _utc(end))
    unique: dict[str, GdeltArticle] = {}
    for article in found:  # a story seen at a window boundary may appear in both halves
        unique.setdefault(article.url, article)
    return list(unique.values())
