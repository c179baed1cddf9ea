"""The web fetcher: polite, bounded and safe downloads with httpx over HTTP/1.1.

``Fetcher`` turns every URL into exactly one ``FetchResult`` (see ``bilat.fetch.contract``) and never raises for
a bad URL or a bad server. Per request it:

* refuses non-http(s) URLs and hosts resolving to internal addresses (``bilat.fetch.safety``), again after
  every redirect hop, since redirects are followed by hand; and connects only to the addresses it checked
  (``PinnedBackend``: the Host header and TLS server name stay the host's), so DNS rebinding cannot switch them;
* honours robots.txt, parsed by protego as RFC 9309 reads it (wildcards, longest match; fetched once per
  origin and cached; 4xx means allow all, 5xx/timeouts disallow all);
* waits for a global slot, a per-host slot and the per-host rate limit (a token bucket holding one token);
* retries connection errors, timeouts, 429 and 5xx with exponential backoff and full jitter, or after the
  server's Retry-After;
* sends If-None-Match / If-Modified-Since, and reports a 304 as ``not_modified``;
* checks the Content-Type before reading, and streams the body, undoing gzip/deflate(/br) a slice at a time
  so that a body whose *decoded* size passes ``max_bytes`` is abandoned there (a gzip bomb included);
* records the body's charset: BOM, header, ``<meta>``/XML declaration, else detected; a declaration that
  cannot decode the bytes is ignored, and so is a single-byte one over bytes that are valid multi-byte UTF-8.

Usage::

    async with Fetcher(FetchPolicy()) as fetcher:
        results = await fetcher.fetch_many(urls, on_result=progress.update)

or ``fetch_all(urls, policy)`` from synchronous code.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import math
import random
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin, urlsplit

import httpcore
import httpx
from protego import Protego

from bilat.fetch.charsets import choose_encoding
from bilat.fetch.contract import KEPT_HEADERS, FetchPolicy, FetchResult
from bilat.fetch.safety import MALFORMED, UNRESOLVED, Resolver, Vetted, is_ip_literal, split_url, system_resolver, vet_url

import brotli

log = logging.getLogger(__name__)

ACCEPT_ENCODING = "gzip, deflate, br"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SLICE = 64 * 1024  # most decoded bytes produced by one decompression step
DRAIN_LIMIT = 64 * 1024  # read at most this much of an unwanted body, so the connection can be reused
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
SAFETY_CACHE_S = 60.0  # how long a host's address check is reused within one Fetcher
REFUSED_AT_CONNECT = "refused at connect:"  # a connection-time address check failed (see PinnedBackend)

ResultCallback = Callable[[FetchResult], object]
Validators = Mapping[str, tuple[str | None, str | None]]


# --- small pure helpers ---------------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), or None if absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def backoff_delay(retry: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**retry))."""
    return random.uniform(0.0, min(cap, base * 2**retry))


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def content_type_allowed(media: str | None, allowed: Iterable[str]) -> bool:
    """Whether a media type is acceptable; a missing Content-Type is accepted (the size cap still applies).

    Entries of ``allowed`` may be exact ("text/html") or a wildcard subtype ("text/*").
    """
    if media is None:
        return True
    allowed = set(allowed)
    return media in allowed or f"{media.split('/', 1)[0]}/*" in allowed


# --- content decoding -----------------------------------------------------------------------------------------


class ContentDecodingError(Exception):
    """The body's Content-Encoding is unknown or its compressed data is corrupt."""


class BoundedDecoder:
    """Undoes a Content-Encoding in slices of at most SLICE bytes.

    zlib's ``max_length`` and brotli's ``output_buffer_limit`` keep each step's output small, so the caller can
    count decoded bytes and stop at its cap: a gzip or brotli bomb costs the cap in memory, not its expanded size.
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1:
            raise ContentDecodingError(f"stacked content encodings {content_encoding!r} are not supported")
        self.coding = codings[0] if codings else None
        self._zlib: zlib._Decompress | None = None
        self._brotli = None
        if self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "br":
            self._brotli = brotli.Decompressor()
        elif self.coding not in (None, "deflate"):
            raise ContentDecodingError(f"unsupported content encoding {self.coding!r}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            if self.coding is None:
                yield data
            elif self._brotli is not None:
                yield from self._unbrotli(data)
            else:
                yield from self._inflate(data)
        except (zlib.error, brotli.error) as exc:
            raise ContentDecodingError(f"corrupt {self.coding} body: {exc}") from exc

    def _unbrotli(self, data: bytes) -> Iterator[bytes]:
        out = self._brotli.process(data, output_buffer_limit=SLICE)
        while True:
            if out:
                yield out
            if self._brotli.can_accept_more_data() or self._brotli.is_finished():
                return
            out = self._brotli.process(b"", output_buffer_limit=SLICE)  # output still pending: drain it

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None:  # deflate: servers send zlib-wrapped or raw deflate; the first byte tells
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        while True:
            out = self._zlib.decompress(data, SLICE)
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data and self.coding != "deflate":
                data = self._zlib.unused_data  # another gzip member follows
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
            elif not data and len(out) < SLICE:  # a full slice may leave output pending: ask again
                return


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes | None:
    """The decoded body, or None as soon as more than ``max_bytes`` decoded bytes have been seen."""
    decoder = BoundedDecoder(response.headers.get("content-encoding"))
    parts: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            size += len(piece)
            if size > max_bytes:
                return None
            parts.append(piece)
    return b"".join(parts)


async def drain(response: httpx.Response) -> None:
    """Read a small unwanted body to its end so the connection returns to the pool; leave big ones unread."""
    read = 0
    async for raw in response.aiter_raw():
        read += len(raw)
        if read > DRAIN_LIMIT:
            return


# --- per-host limits ------------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket holding one token, refilled ``rate`` times a second: requests are spaced 1/rate apart.

    A rate of 0 or infinity turns the limit off. Reservations are taken without awaiting, so no lock is needed.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 and math.isfinite(rate) else 0.0
        self._next_free = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        start = max(now, self._next_free)
        self._next_free = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


# --- connecting only where the check said ---------------------------------------------------------------------

class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting to the addresses ``pick(host, port)`` returns instead of resolving
    the host again. The request keeps its URL, so the Host header and the TLS server name (SNI and the
    certificate check) are still the host's; only the socket goes to the checked address. ``pick`` raises
    ``httpcore.ConnectError`` when the host must not be contacted."""

    def __init__(self, pick) -> None:
        self._pick = pick
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options=None) -> httpcore.AsyncNetworkStream:
        addresses = await self._pick(host, port)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used by bilat")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a ``PinnedBackend``. httpx does not take a network backend yet (encode/httpx
    #3749), so the connection pool it builds is replaced by one that does, with the same settings."""

    def __init__(self, pick, limits: httpx.Limits) -> None:
        super().__init__(http1=True, http2=False, limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            http1=True, http2=False, network_backend=PinnedBackend(pick),
        )


# --- the fetcher ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """What differs between fetching a page and fetching a robots.txt."""

    robots: bool
    content_types: tuple[str, ...] | None  # None: any type
    max_bytes: int
    max_retries: int


@dataclass
class _Response:
    """What one HTTP request produced; the hop loop and the retry loop decide what happens next."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    outcome: str | None = None  # set when this response settles the URL
    reason: str | None = None
    body: bytes | None = None
    text_encoding: str | None = None
    redirect_to: str | None = None
    retry: bool = False
    retry_after: float | None = None


def _failed(reason: str, retry: bool = False, **fields) -> _Response:
    return _Response(outcome="failed", reason=reason, retry=retry, **fields)


class Fetcher:
    """Async fetcher bound to one FetchPolicy; use as ``async with Fetcher(policy) as f``.

    Robots rules, per-host slots, rate limiters and address checks are kept for the Fetcher's lifetime, so one
    Fetcher per run is the intended use. ``resolver`` (host, port -> addresses) is the system's unless given.
    """

    def __init__(self, policy: FetchPolicy | None = None, resolver: Resolver = system_resolver) -> None:
        self.policy = policy or FetchPolicy()
        self._allowed = frozenset(h.lower() for h in self.policy.allowed_private_hosts)
        self._resolver = resolver
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(self.policy.concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._rates: dict[str, RateLimiter] = {}
        self._robots: dict[str, asyncio.Task[Protego]] = {}
        self._safety: dict[tuple[str, int], tuple[float, Vetted]] = {}
        self._page = _Options(
            robots=self.policy.respect_robots, content_types=self.policy.content_types,
            max_bytes=self.policy.max_bytes, max_retries=self.policy.max_retries,
        )
        self._robots_options = _Options(
            robots=False, content_types=None, max_bytes=min(self.policy.max_bytes, ROBOTS_MAX_BYTES),
            max_retries=min(self.policy.max_retries, 1),
        )

    async def __aenter__(self) -> Fetcher:
        p = self.policy
        limits = httpx.Limits(max_connections=p.concurrency, max_keepalive_connections=p.concurrency)
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: they would bypass the address checks
            transport=PinnedTransport(self._connect_to, limits),
            timeout=httpx.Timeout(connect=p.connect_timeout_s, read=p.read_timeout_s, write=p.read_timeout_s,
                                  pool=p.total_timeout_s),
            headers={"User-Agent": p.user_agent, "Accept-Encoding": ACCEPT_ENCODING, "Accept": ACCEPT},
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for task in self._robots.values():
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public API --

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; conditional when ``etag`` / ``last_modified`` (from an earlier fetch) are given."""
        if self._client is None:
            raise RuntimeError("use the Fetcher as 'async with Fetcher(policy) as fetcher:'")
        started = time.monotonic()
        try:
            result = await self._fetch(url, etag, last_modified, self._page)
        except Exception as exc:  # a bug here must not lose the URL or stop the batch
            log.exception("fetching %s", url)
            result = FetchResult(url=url, outcome="failed", reason=f"internal error: {exc!r}")
        result.elapsed_s = time.monotonic() - started
        return result

    async def fetch_many(
        self, urls: Iterable[str], validators: Validators | None = None, on_result: ResultCallback | None = None
    ) -> list[FetchResult]:
        """Fetch all ``urls`` concurrently within the policy's limits; results in input order.

        ``validators`` maps a URL to its (etag, last_modified) from an earlier run; ``on_result`` is called
        with each result as it finishes (for progress bars).
        """
        validators = validators or {}

        async def one(url: str) -> FetchResult:
            result = await self.fetch(url, *validators.get(url, (None, None)))
            if on_result is not None:
                on_result(result)
            return result

        return list(await asyncio.gather(*(one(url) for url in urls)))

    # -- one URL: safety, robots, redirects --

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None, options: _Options) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = FetchResult(url=url, outcome="failed")
        visited = [url]
        current = url
        while True:
            result.final_url = current
            refusal = (await self._vet(current)).refusal
            if refusal:
                return _settle(result, "failed" if refusal.startswith((UNRESOLVED, MALFORMED)) else "skipped", refusal)
            if options.robots and not await self._robots_allow(current):
                return _settle(result, "skipped", "robots.txt disallows")
            response = await self._with_retries(current, headers, options, result)
            result.status, result.headers, result.fetched_at = response.status, response.headers, response.fetched_at
            if response.redirect_to is None:
                result.body, result.text_encoding = response.body, response.text_encoding
                return _settle(result, response.outcome or "failed", response.reason)
            if len(visited) > self.policy.max_redirects:
                return _settle(result, "failed", f"more than {self.policy.max_redirects} redirects")
            if response.redirect_to in visited:
                return _settle(result, "failed", "redirect loop: " + " -> ".join([*visited, response.redirect_to]))
            current = response.redirect_to
            visited.append(current)

    async def _vet(self, url: str) -> Vetted:
        """vet_url, run off the event loop when it must resolve a name, cached per host and port for a minute."""
        try:
            scheme, host, port = split_url(url)
        except ValueError as exc:
            return Vetted(f"{MALFORMED}: {exc}")
        if scheme not in ("http", "https") or not host or host in self._allowed or is_ip_literal(host):
            return vet_url(url, self._allowed)  # no DNS lookup needed
        cached = self._safety.get((host, port))
        if cached is None or time.monotonic() - cached[0] >= SAFETY_CACHE_S:
            cached = self._safety[(host, port)] = (time.monotonic(), await asyncio.to_thread(vet_url, url, self._allowed, self._resolver))
        return cached[1]

    async def _connect_to(self, host: str, port: int) -> tuple[str, ...]:
        """Where the connection to host:port may go: the addresses the last check passed (pinned), or the host
        itself when it needs no pinning (an IP literal, an allowed host). Checks again if the check expired."""
        host = host.lower()
        if host in self._allowed or is_ip_literal(host.strip("[]")):
            return (host.strip("[]"),)
        cached = self._safety.get((host, port))
        if cached is None or time.monotonic() - cached[0] >= SAFETY_CACHE_S:
            await self._vet(f"http://{host}:{port}/")
            cached = self._safety[(host, port)]
        vetted = cached[1]
        if vetted.refusal or not vetted.addresses:
            raise httpcore.ConnectError(f"{REFUSED_AT_CONNECT} {vetted.refusal or 'no checked address'}")
        return vetted.addresses

    # -- robots.txt --

    async def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        task = self._robots.get(origin)
        if task is None:  # one fetch per origin, shared by every URL waiting on it
            task = self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        rules = await asyncio.shield(task)
        return rules.can_fetch(url, self.policy.user_agent)

    async def _load_robots(self, origin: str) -> Protego:
        """Rules for ``origin``: parsed when fetched, allow-all on a 4xx, disallow-all otherwise (5xx, timeout,
        a refused redirect, an oversized file, a file the parser chokes on)."""
        result = await self._fetch(origin + "/robots.txt", None, None, self._robots_options)
        if result.outcome == "fetched":
            try:
                return Protego.parse((result.body or b"").decode(result.text_encoding or "utf-8", "replace"))
            except Exception as exc:  # noqa: BLE001 - whatever a hostile file does to the parser
                result.reason = f"unparseable: {exc!r}"
        elif result.status is not None and 400 <= result.status < 500 and result.status != 429:
            return Protego.parse("")
        log.info("robots.txt of %s unavailable (%s): disallowing the host", origin, result.reason)
        return Protego.parse("User-agent: *\nDisallow: /\n")

    # -- one hop: retries, limits, one request --

    async def _with_retries(
        self, url: str, headers: dict[str, str], options: _Options, result: FetchResult
    ) -> _Response:
        p = self.policy
        for retry in range(options.max_retries + 1):
            result.attempts += 1
            response = await self._attempt(url, headers, options)
            if not response.retry:
                return response
            if response.retry_after is not None and response.retry_after > p.max_retry_after_s:
                return replace(response, retry=False, reason=(
                    f"{response.reason}: Retry-After {response.retry_after:.0f}s exceeds {p.max_retry_after_s:.0f}s"))
            if retry == options.max_retries:
                break
            delay = response.retry_after
            if delay is None:
                delay = backoff_delay(retry, p.backoff_base_s, p.backoff_max_s)
            log.debug("retrying %s in %.2fs after %s", url, delay, response.reason)
            await asyncio.sleep(delay)  # holding no slot while waiting
        return replace(response, retry=False, reason=f"{response.reason} after {result.attempts} attempts")

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """A per-host slot, then the host's rate limit, then a global slot: waiting on a busy host never holds
        a global slot that another host could use."""
        host_slot = self._host_slots.setdefault(host, asyncio.Semaphore(self.policy.per_host_concurrency))
        rate = self._rates.setdefault(host, RateLimiter(self.policy.per_host_rate))
        async with host_slot:
            await rate.wait()
            async with self._global:
                yield

    async def _attempt(self, url: str, headers: dict[str, str], options: _Options) -> _Response:
        """One GET within the limits and the total timeout; every error becomes a _Response."""
        assert self._client is not None
        try:
            async with self._slot((urlsplit(url).hostname or "").lower()):
                async with asyncio.timeout(self.policy.total_timeout_s):
                    async with self._client.stream("GET", url, headers=headers) as response:
                        return await self._read(response, url, options)
        except TimeoutError:
            return _failed(f"total timeout ({self.policy.total_timeout_s:g}s)", retry=True)
        except httpx.TimeoutException as exc:
            kind = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read", httpx.WriteTimeout: "write",
                    httpx.PoolTimeout: "pool"}.get(type(exc), "")
            return _failed(f"{kind} timeout".strip(), retry=True)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            return _failed(f"invalid URL: {exc}")
        except httpx.RemoteProtocolError as exc:
            if "location header" in str(exc).lower():  # httpx reads a redirect's Location itself, and chokes
                return _failed(f"{MALFORMED} in the Location header: {exc}")
            return _failed(f"connection error: {type(exc).__name__} {exc}".strip(), retry=True)
        except httpx.ConnectError as exc:
            if str(exc).startswith(REFUSED_AT_CONNECT):  # the address check at connection time said no
                return _Response(outcome="skipped", reason=str(exc))
            return _failed(f"connection error: {type(exc).__name__} {exc}".strip(), retry=True)
        except httpx.TransportError as exc:
            return _failed(f"connection error: {type(exc).__name__} {exc}".strip(), retry=True)
        except ContentDecodingError as exc:
            return _failed(str(exc))

    async def _read(self, response: httpx.Response, url: str, options: _Options) -> _Response:
        """Turn a response whose headers have arrived into a _Response, reading the body only if wanted."""
        status = response.status_code
        kept = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
        seen = {"status": status, "headers": kept, "fetched_at": datetime.now(timezone.utc)}
        if status in REDIRECT_STATUSES or status == 304 or status >= 400:
            await drain(response)
        if status in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                return _failed(f"HTTP {status} without a Location header", **seen)
            try:
                return _Response(redirect_to=urldefrag(urljoin(url, location.strip())).url, **seen)
            except ValueError as exc:  # e.g. an unclosed IPv6 bracket
                return _failed(f"{MALFORMED} in the Location header {location[:200]!r}: {exc}", **seen)
        if status == 304:
            return _Response(outcome="not_modified", reason="HTTP 304 Not Modified", **seen)
        if status == 429 or 500 <= status < 600:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            return _failed(f"HTTP {status}", retry=True, retry_after=retry_after, **seen)
        if not 200 <= status < 300:
            return _failed(f"HTTP {status}", **seen)
        return await self._read_body(response, options, seen)

    async def _read_body(self, response: httpx.Response, options: _Options, seen: dict) -> _Response:
        content_type = response.headers.get("content-type")
        media = media_type(content_type)
        if options.content_types is not None and not content_type_allowed(media, options.content_types):
            return _Response(outcome="skipped", reason=f"content type {media}", **seen)
        cap = options.max_bytes
        declared = response.headers.get("content-length", "")
        identity = response.headers.get("content-encoding", "identity").strip().lower() == "identity"
        if identity and declared.isdigit() and int(declared) > cap:  # refuse before reading anything
            return _Response(outcome="skipped", reason=f"body over {cap} bytes", **seen)
        body = await read_capped(response, cap)
        if body is None:
            return _Response(outcome="skipped", reason=f"body over {cap} bytes", **seen)
        return _Response(outcome="fetched", body=body, text_encoding=choose_encoding(body, content_type), **seen)


def _settle(result: FetchResult, outcome: str, reason: str | None) -> FetchResult:
    result.outcome = outcome
    result.reason = None if outcome == "fetched" else reason
    if outcome != "fetched":
        result.body = result.text_encoding = None
    return result


def fetch_all(
    urls: Iterable[str], policy: FetchPolicy | None = None, validators: Validators | None = None,
    on_result: ResultCallback | None = None,
) -> list[FetchResult]:
    """Synchronous wrapper: fetch ``urls`` with a fresh Fetcher in a new event loop (not from inside one)."""

    async def run() -> list[FetchResult]:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch_many(urls, validators, on_result)

    return asyncio.run(run())
