"""The fetcher's interface, shared by the fetcher (bilat.fetch.http) and everything that uses it.

Every URL handed to the fetcher comes back as exactly one FetchResult whose ``outcome`` is one of
OUTCOMES; nothing raises for a bad URL or a bad server. ``reason`` says why for anything but ``fetched``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: fetched: a body was downloaded; not_modified: the server answered 304 to our conditional request;
#: skipped: policy refused it (robots, private address, size, content type, scheme); failed: it could not be
#: fetched (timeouts, connection errors, HTTP errors after retries, redirect loops, decoding errors).
OUTCOMES = ("fetched", "not_modified", "skipped", "failed")

#: Response headers kept in the fetch log.
KEPT_HEADERS = ("content-type", "content-length", "content-encoding", "etag", "last-modified", "retry-after", "location")


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = "bilat/0.1 (news research pipeline; +https://pypi.org/project/bilat/)"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 15.0
    total_timeout_s: float = 45.0  # one attempt, from connect to the last byte
    max_retries: int = 3  # retries after the first attempt, on connection errors, timeouts, 429 and 5xx
    backoff_base_s: float = 0.5  # exponential backoff with full jitter: uniform(0, base * 2**attempt), capped
    backoff_max_s: float = 30.0
    max_retry_after_s: float = 120.0  # a longer Retry-After fails the URL instead of stalling the run
    max_redirects: int = 5
    max_bytes: int = 5_000_000  # decoded body size cap, enforced while streaming
    concurrency: int = 32  # requests in flight overall
    per_host_concurrency: int = 4
    per_host_rate: float = 2.0  # requests per second per host (token bucket)
    content_types: tuple[str, ...] = (
        "text/html", "application/xhtml+xml", "application/xml", "text/xml", "application/rss+xml",
        "application/atom+xml", "application/json", "text/plain",
    )
    respect_robots: bool = True
    allowed_private_hosts: frozenset[str] = frozenset()  # e.g. {"127.0.0.1"} in tests


@dataclass
class FetchResult:
    url: str  # as requested
    outcome: str  # one of OUTCOMES
    final_url: str | None = None  # after redirects
    status: int | None = None  # last HTTP status seen
    reason: str | None = None  # why, for anything but fetched
    body: bytes | None = None  # decoded (gzip/deflate/br undone) bytes, only when fetched
    text_encoding: str | None = None  # charset of the body: header, else meta tag, else detected
    headers: dict[str, str] = field(default_factory=dict)  # KEPT_HEADERS that were present
    fetched_at: datetime | None = None  # UTC, when the final response started
    attempts: int = 0
    elapsed_s: float = 0.0
