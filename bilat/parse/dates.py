"""The publication date of a document, taken in a fixed order, with where it came from.

Order (first that yields a date wins):
  1. ``page``    — the page's own metadata: <meta> published-time tags, JSON-LD ``datePublished``, <time datetime>
  2. ``feed``    — the pubDate/published of the feed item that listed the URL
  3. ``url``     — a /YYYY/MM/DD/ (or /YYYY/MM/) path in the URL
  4. ``sitemap`` — the sitemap's <lastmod> for the URL
  5. ``fetch``   — none of the above: ``published_at`` stays NULL.

A date before 1990 or more than two days after the fetch is implausible (a placeholder, a typo, a parser's
guess): it is skipped in favour of the next source, and if no source gives a plausible date, ``published_at``
stays NULL, the source is ``implausible`` and the date is kept as text (``published_text``). Either way the
document loads: where it is filed (its partition) is the day it was collected, not its publication date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import lxml.html
from dateutil import parser as dateparser

PAGE_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "pubdate",
    "publishdate",
    "sailthru.date",
)

#: Publication dates outside [EARLIEST, fetch time + FUTURE_SLACK] are not believed (see the module docstring).
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
FUTURE_SLACK = timedelta(days=2)  # time zones and embargoed stories dated a day ahead

_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>0[1-9]|1[0-2])/(?:(?P<d>0[1-9]|[12]\d|3[01])/)?")


@dataclass(frozen=True)
class PublicationDate:
    published_at: datetime | None  # None when no plausible date is known
    source: str  # page | feed | url | sitemap | fetch | implausible
    published_text: str | None = None  # an implausible date that was given, as text (kept, not used)


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _parse(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        return _as_utc(dateparser.isoparse(text.strip()))
    except (ValueError, OverflowError):
        try:
            return _as_utc(dateparser.parse(text.strip()))
        except (ValueError, OverflowError):
            return None


def _jsonld_dates(tree: lxml.html.HtmlElement) -> list[str]:
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # malformed, or nested deeper than the parser recurses
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                if isinstance(node.get("datePublished"), str):
                    found.append(node["datePublished"])
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return found


def date_from_page(tree: lxml.html.HtmlElement) -> datetime | None:
    """The publication date a page declares about itself, or None."""
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in PAGE_META_KEYS and (value := _parse(meta.get("content"))):
            return value
    for text in _jsonld_dates(tree):
        if value := _parse(text):
            return value
    for time_el in tree.xpath("//article//time[@datetime] | //time[@pubdate][@datetime] | //time[@datetime]"):
        if value := _parse(time_el.get("datetime")):
            return value
    return None


def date_from_url(url: str) -> datetime | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    return datetime(int(match["y"]), int(match["m"]), int(match["d"] or 1), tzinfo=timezone.utc)


def publication_date(
    tree: lxml.html.HtmlElement | None,
    url: str,
    fetched_at: datetime,
    feed_published: datetime | None = None,
    sitemap_lastmod: date | None = None,
) -> PublicationDate:
    candidates = (
        ("page", date_from_page(tree) if tree is not None else None),
        ("feed", _as_utc(feed_published) if feed_published else None),
        ("url", date_from_url(url)),
        ("sitemap", datetime(sitemap_lastmod.year, sitemap_lastmod.month, sitemap_lastmod.day, tzinfo=timezone.utc) if sitemap_lastmod else None),
    )
    latest = _as_utc(fetched_at) + FUTURE_SLACK
    implausible = None
    for source, value in candidates:
        if value is None:
            continue
        if EARLIEST <= value <= latest:
            return PublicationDate(value, source, implausible)
        implausible = implausible or f"{value.isoformat()} ({source})"
    return PublicationDate(None, "implausible" if implausible else "fetch", implausible)
