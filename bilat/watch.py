"""Noticing new items in feeds without writing anything: what a sensor asks between runs.

``new_items`` lists every enabled feed, sitemap and URL list (conditionally, with the validators kept in the
cursor) and returns the days that have URLs not seen before, plus the cursor to remember for next time.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from bilat.collect import LISTING_KINDS, Listed, policy_for
from bilat.fetch.http import Fetcher
from bilat.fetch.urls import canonicalize_url
from bilat.sources.config import SourceSpec, UrlsSpec
from bilat.sources.feeds import FeedError, is_sitemap_index, parse_feed, parse_sitemap
from bilat.sources.config import RssSpec

SEEN_LIMIT = 5000  # URL fingerprints kept in the cursor; feeds list the recent past, not all of history


@dataclass
class WatchState:
    seen: list[str] = field(default_factory=list)  # fingerprints of canonical URLs already requested
    validators: dict[str, list[str | None]] = field(default_factory=dict)  # listing URL -> [etag, last_modified]

    @classmethod
    def load(cls, cursor: str | None) -> "WatchState":
        return cls(**json.loads(cursor)) if cursor else cls()

    def dump(self) -> str:
        return json.dumps({"seen": self.seen[-SEEN_LIMIT:], "validators": self.validators}, sort_keys=True)


def fingerprint(url: str) -> str:
    return hashlib.sha1(canonicalize_url(url).encode()).hexdigest()[:16]


async def _list(spec: SourceSpec, state: WatchState, problems: list[str]) -> list[Listed]:
    if isinstance(spec, UrlsSpec):
        return [Listed(spec.name, url) for url in spec.all_urls()]
    async with Fetcher(policy_for(spec)) as fetcher:
        etag, last_modified = state.validators.get(spec.url, [None, None])
        result = await fetcher.fetch(spec.url, etag, last_modified)
        if result.outcome == "not_modified":
            return []  # nothing new since the last tick
        if result.outcome != "fetched" or result.body is None:
            problems.append(f"{spec.name}: {result.outcome}: {result.reason}")
            return []
        state.validators[spec.url] = [result.headers.get("etag"), result.headers.get("last-modified")]
        try:
            if isinstance(spec, RssSpec):
                return [Listed(spec.name, i.url, i.published) for i in parse_feed(result.body)]
            if is_sitemap_index(result.body):
                return []  # the indexes' children are read by the run itself
            as_time = lambda d: datetime(d.year, d.month, d.day, tzinfo=timezone.utc) if d else None  # noqa: E731
            return [Listed(spec.name, e.url, as_time(e.lastmod)) for e in parse_sitemap(result.body)]
        except FeedError as exc:
            problems.append(f"{spec.name}: {exc}")
            return []


def new_items(specs: list[SourceSpec], cursor: str | None, today: date | None = None) -> tuple[dict[date, int], str, list[str]]:
    """(new URLs per day they belong to, the new cursor, problems)."""
    today = today or datetime.now(timezone.utc).date()
    state, problems = WatchState.load(cursor), []
    listing_specs = [s for s in specs if s.enabled and isinstance(s, LISTING_KINDS)]

    async def run() -> list[Listed]:
        found = []
        for spec in listing_specs:
            found += await _list(spec, state, problems)
        return found

    seen = set(state.seen)
    days: dict[date, int] = {}
    for item in asyncio.run(run()):
        mark = fingerprint(item.url)
        if mark in seen:
            continue
        seen.add(mark)
        state.seen.append(mark)
        day = item.listed_at.date() if item.listed_at else today
        days[day] = days.get(day, 0) + 1
    return days, state.dump(), problems
