"""A local archive: a web mirror on disk (host/path.html) described by an archive.yaml, a feed and a sitemap.

The bundled corpus is such an archive. Documents are discovered from the feed and the sitemap, so the dates
those carry travel with each URL; files are read by mapping the URL onto the mirror, never outside its folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from bilat.sources.feeds import parse_feed, parse_sitemap


class ArchiveError(Exception):
    """A document cannot be read from the archive; the message is the reason recorded for it."""


@dataclass(frozen=True)
class DiscoveredDocument:
    """A URL a source knows about, with the dates the source itself supplies (if any)."""

    url: str
    source: str
    feed_title: str | None = None
    feed_published: datetime | None = None
    sitemap_lastmod: date | None = None


@dataclass
class ArchiveSource:
    root: Path
    name: str = field(init=False)
    captured_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        manifest_path = self.root / "archive.yaml"
        if not manifest_path.is_file():
            raise ArchiveError(f"{self.root} is not an archive: archive.yaml is missing")
        self.manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
        self.name = f"archive:{self.manifest.get('name', self.root.name)}"
        captured = self.manifest.get("captured_at")
        self.captured_at = (
            datetime.fromisoformat(str(captured)) if captured else datetime.fromtimestamp(manifest_path.stat().st_mtime, timezone.utc)
        )

    def discover(self) -> list[DiscoveredDocument]:
        """Every URL listed in the archive's feed or sitemap, once, with the dates each listing gives."""
        feed_items = {}
        if feed := self.manifest.get("feed"):
            feed_items = {item.url: item for item in parse_feed(self._read_inside(feed))}
        sitemap_entries = {}
        if sitemap := self.manifest.get("sitemap"):
            sitemap_entries = {entry.url: entry for entry in parse_sitemap(self._read_inside(sitemap))}
        documents = []
        for url in sorted(feed_items.keys() | sitemap_entries.keys()):
            item, entry = feed_items.get(url), sitemap_entries.get(url)
            documents.append(
                DiscoveredDocument(
                    url=url,
                    source=self.name,
                    feed_title=item.title if item else None,
                    feed_published=item.published if item else None,
                    sitemap_lastmod=entry.lastmod if entry else None,
                )
            )
        return documents

    def read(self, url: str) -> bytes:
        """The stored page for a URL: host/path in the mirror, with .html added when the path has none."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ArchiveError(f"not an http(s) URL: {url!r}")
        path = unquote(parts.path).lstrip("/") or "index"
        if path.endswith("/"):
            path += "index"
        if not path.endswith((".html", ".htm")):
            path += ".html"
        return self._read_inside(f"{parts.hostname}/{path}")

    def _read_inside(self, relative: str) -> bytes:
        target = (self.root / relative).resolve()
        if not target.is_relative_to(self.root):
            raise ArchiveError(f"path escapes the archive folder: {relative!r}")
        if not target.is_file():
            raise ArchiveError(f"not in the archive: {relative}")
        return target.read_bytes()
