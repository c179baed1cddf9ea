"""Parsers for RSS 2.0, Atom and sitemap XML that never expand entities or touch the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateparser
from lxml import etree


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read; the message says why."""


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: date | None = None


# No entity expansion, no DTD loading, no network: an XML bomb fails to parse instead of being expanded.
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def _parse_xml(body: bytes) -> etree._Element:
    try:
        root = etree.fromstring(body, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"malformed XML: {exc}") from exc
    if root is None:
        raise FeedError("empty XML document")
    if root.getroottree().docinfo.internalDTD is not None:
        raise FeedError("XML with an internal DTD is refused (possible entity expansion attack)")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)  # RFC 822, as RSS uses
    except (TypeError, ValueError):
        pass
    try:
        return dateparser.isoparse(text)  # ISO 8601, as Atom and sitemaps use
    except (TypeError, ValueError):
        return None


def parse_feed(body: bytes) -> list[FeedItem]:
    """Items of an RSS 2.0 or Atom feed, in document order."""
    root = _parse_xml(body)
    kind = _local(root.tag)
    items: list[FeedItem] = []
    if kind == "rss":
        for item in root.iter("item"):
            link = _child_text(item, "link") or _child_text(item, "guid")
            if link:
                published = _child_text(item, "pubDate") or _child_text(item, "date")
                items.append(FeedItem(link, _child_text(item, "title"), _parse_datetime(published)))
    elif kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            link = next(
                (c.get("href") for c in entry if _local(c.tag) == "link" and c.get("rel", "alternate") == "alternate"),
                None,
            )
            if link:
                published = _child_text(entry, "published") or _child_text(entry, "updated")
                items.append(FeedItem(link, _child_text(entry, "title"), _parse_datetime(published)))
    else:
        raise FeedError(f"not an RSS or Atom feed (root element <{kind}>)")
    return items


def is_sitemap_index(body: bytes) -> bool:
    """True for a <sitemapindex>, whose <loc> entries are further sitemaps rather than pages."""
    return _local(_parse_xml(body).tag) == "sitemapindex"


def parse_sitemap(body: bytes) -> list[SitemapEntry]:
    """URLs of a sitemap urlset, or the sitemaps of a sitemap index (see ``is_sitemap_index``)."""
    root = _parse_xml(body)
    if _local(root.tag) not in {"urlset", "sitemapindex"}:
        raise FeedError(f"not a sitemap (root element <{_local(root.tag)}>)")
    entries = []
    for url in root:
        loc = _child_text(url, "loc")
        if loc:
            lastmod = _parse_datetime(_child_text(url, "lastmod"))
            entries.append(SitemapEntry(loc, lastmod.date() if lastmod else None))
    return entries
