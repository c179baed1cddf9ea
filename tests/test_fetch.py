"""The web fetcher and the GDELT source against a real HTTP server on 127.0.0.1 (tests/httpserver.py).

Nothing is mocked: every test makes real HTTP/1.1 requests and checks what the server saw. Timing assertions
are loose lower bounds (a wait at least as long as asked), never tight upper bounds, except where a test exists
to show something finishes quickly (the body cap, the gzip bomb), and there with a wide margin.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from bilat.fetch.contract import FetchPolicy, FetchResult
from bilat.fetch.http import Fetcher, fetch_all, parse_retry_after
from bilat.fetch.safety import check_url
from bilat.sources.gdelt import GdeltError, day_window, discover_gdelt, gdelt_url
from tests.httpserver import Reply, Seen, TestServer

LOCAL = frozenset({"127.0.0.1"})


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


def policy(**overrides) -> FetchPolicy:
    """A policy for tests: the local server allowed, robots and rate limit off, short backoff and timeouts."""
    settings = dict(
        allowed_private_hosts=LOCAL, respect_robots=False, per_host_rate=0.0, backoff_base_s=0.01,
        connect_timeout_s=2.0, read_timeout_s=2.0, total_timeout_s=10.0,
    )
    return FetchPolicy(**{**settings, **overrides})


def fetch_one(url: str, pol: FetchPolicy | None = None, etag: str | None = None) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(pol or policy()) as fetcher:
            return await fetcher.fetch(url, etag=etag)

    return asyncio.run(run())


def wait_for(condition, timeout: float = 5.0) -> bool:
    """Poll until the server-side ``condition`` holds (the server runs in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# --- basics ---------------------------------------------------------------------------------------------------


def test_fetches_a_page_with_bilat_user_agent(http_server):
    http_server.route("/page", Reply(body=b"<html><p>hello</p></html>", headers={"ETag": '"v1"'}))
    result = fetch_one(http_server.url("/page"))
    assert (result.outcome, result.status, result.body) == ("fetched", 200, b"<html><p>hello</p></html>")
    assert result.text_encoding == "utf-8" and result.reason is None and result.attempts == 1
    assert result.headers["etag"] == '"v1"' and result.fetched_at.tzinfo is not None
    seen = http_server.hits("/page")[0]
    assert seen.headers["user-agent"].startswith("bilat/")
    assert "gzip" in seen.headers["accept-encoding"]


def test_fetch_many_keeps_input_order_and_reports_each_result(http_server):
    http_server.route("/slow", Reply(body=b"slow", delay=0.3, content_type="text/plain"))
    http_server.route("/fast", Reply(body=b"fast", content_type="text/plain"))
    urls = [http_server.url("/slow"), http_server.url("/fast"), http_server.url("/missing")]
    reported: list[FetchResult] = []
    results = fetch_all(urls, policy(), on_result=reported.append)
    assert [r.url for r in results] == urls
    assert [r.outcome for r in results] == ["fetched", "fetched", "failed"]
    assert results[2].reason == "HTTP 404"
    assert [r.url for r in reported][-1] == urls[0]  # the slow one finished last
    assert len(reported) == 3


def test_per_host_concurrency_and_rate_limit(http_server):
    http_server.route("/p/*", Reply(body=b"x", delay=0.2, content_type="text/plain"))
    urls = [http_server.url(f"/p/{i}") for i in range(6)]
    results = fetch_all(urls, policy(per_host_concurrency=2))
    assert all(r.outcome == "fetched" for r in results)
    assert http_server.max_in_flight == 2

    http_server.requests.clear()
    fetch_all(urls[:5], policy(per_host_rate=10.0))  # one token every 0.1 s
    arrivals = sorted(seen.at for seen in http_server.requests)
    assert arrivals[-1] - arrivals[0] >= 0.35


# --- timeouts and retries -------------------------------------------------------------------------------------


def test_slow_response_within_the_read_timeout_succeeds(http_server):
    http_server.route("/slow", Reply(body=b"late", delay=0.5, content_type="text/plain"))
    result = fetch_one(http_server.url("/slow"), policy(read_timeout_s=2.0))
    assert result.outcome == "fetched" and result.body == b"late" and result.elapsed_s >= 0.45


def test_read_timeout_is_retried_then_fails(http_server):
    http_server.route("/stuck", Reply(body=b"never", delay=3.0))
    result = fetch_one(http_server.url("/stuck"), policy(read_timeout_s=0.3, max_retries=1))
    assert result.outcome == "failed"
    assert result.reason == "read timeout after 2 attempts"
    assert result.attempts == 2 and len(http_server.hits("/stuck")) == 2


def test_total_timeout_stops_a_trickling_body(http_server):
    trickle = (b"x" * 10 for _ in range(100))  # 10 bytes every 0.1 s: no read ever times out
    http_server.route("/trickle", Reply(body=trickle, chunk_delay=0.1, content_type="text/plain"))
    result = fetch_one(http_server.url("/trickle"), policy(read_timeout_s=1.0, total_timeout_s=0.5, max_retries=0))
    assert result.outcome == "failed" and result.reason.startswith("total timeout (0.5s)")
    assert result.elapsed_s < 5


def test_500_is_retried_then_fails(http_server):
    http_server.route("/broken", Reply(500, b"oops", content_type="text/plain"))
    result = fetch_one(http_server.url("/broken"), policy(max_retries=3))
    assert (result.outcome, result.status, result.attempts) == ("failed", 500, 4)
    assert result.reason == "HTTP 500 after 4 attempts"
    assert len(http_server.hits("/broken")) == 4


def test_503_then_200_succeeds(http_server):
    def flaky(seen: Seen) -> Reply:
        return Reply(503, b"busy") if len(http_server.hits("/flaky")) < 3 else Reply(200, b"<p>ok</p>")

    http_server.route("/flaky", flaky)
    result = fetch_one(http_server.url("/flaky"), policy(max_retries=3))
    assert (result.outcome, result.status, result.body, result.attempts) == ("fetched", 200, b"<p>ok</p>", 3)


def test_429_waits_for_retry_after(http_server):
    def limited(seen: Seen) -> Reply:
        first = len(http_server.hits("/limited")) == 1
        return Reply(429, b"slow down", headers={"Retry-After": "1"}) if first else Reply(body=b"<p>ok</p>")

    http_server.route("/limited", limited)
    result = fetch_one(http_server.url("/limited"), policy(backoff_base_s=0.0))
    assert result.outcome == "fetched" and result.attempts == 2
    first, second = http_server.hits("/limited")
    assert second.at - first.at >= 0.9  # the header said 1 s; backoff alone would be 0 s


def test_retry_after_beyond_the_maximum_fails_at_once(http_server):
    http_server.route("/later", Reply(503, b"", headers={"Retry-After": "3600"}))
    result = fetch_one(http_server.url("/later"), policy(max_retry_after_s=120))
    assert result.outcome == "failed" and result.attempts == 1
    assert "Retry-After 3600s exceeds 120s" in result.reason
    assert result.headers["retry-after"] == "3600"


def test_retry_after_http_date():
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after("7") == 7 and parse_retry_after("soon") is None and parse_retry_after(None) is None


# --- redirects and address safety -----------------------------------------------------------------------------


def test_redirects_are_followed(http_server):
    http_server.route("/old", Reply(301, headers={"Location": "/middle"}))
    http_server.route("/middle", Reply(302, headers={"Location": http_server.url("/new#frag")}))
    http_server.route("/new", Reply(body=b"<p>moved</p>"))
    result = fetch_one(http_server.url("/old"))
    assert (result.outcome, result.final_url, result.body) == ("fetched", http_server.url("/new"), b"<p>moved</p>")
    assert result.attempts == 3


def test_redirect_loop_fails(http_server):
    http_server.route("/a", Reply(302, headers={"Location": "/b"}))
    http_server.route("/b", Reply(302, headers={"Location": "/a"}))
    result = fetch_one(http_server.url("/a"))
    assert result.outcome == "failed" and result.reason.startswith("redirect loop")
    assert len(http_server.hits("/a")) == 1 and len(http_server.hits("/b")) == 1


def test_too_many_redirects_fail(http_server):
    http_server.route("/hop/*", lambda seen: Reply(302, headers={"Location": f"/hop/{int(seen.path[5:]) + 1}"}))
    result = fetch_one(http_server.url("/hop/0"), policy(max_redirects=3))
    assert result.outcome == "failed" and result.reason == "more than 3 redirects"
    assert len(http_server.requests) == 4  # the first request and three redirects followed


@pytest.mark.parametrize("target", [
    "http://10.0.0.1/internal", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "file:///etc/passwd",
])
def test_redirect_to_a_private_address_is_refused(http_server, target):
    http_server.route("/go", Reply(302, headers={"Location": target}))
    result = fetch_one(http_server.url("/go"))
    assert result.outcome == "skipped" and result.final_url == target and result.status == 302
    assert ("address" in result.reason) or ("scheme" in result.reason)


def test_loopback_refused_unless_allowed(http_server):
    http_server.route("/page", Reply(body=b"<p>local</p>"))
    refused = fetch_one(http_server.url("/page"), policy(allowed_private_hosts=frozenset()))
    assert refused.outcome == "skipped" and "loopback" in refused.reason
    assert http_server.requests == []  # refused before any request
    assert fetch_one(http_server.url("/page")).outcome == "fetched"


def test_check_url_refuses_internal_addresses_and_other_schemes():
    refused = {
        "http://127.0.0.1/": "loopback", "http://localhost:8080/": "loopback", "http://10.1.2.3/": "private",
        "http://192.168.0.1/": "private", "http://169.254.169.254/": "metadata", "http://[fd00:ec2::254]/": "metadata",
        "http://[::ffff:127.0.0.1]/": "loopback", "http://0.0.0.0/": "unspecified", "http://224.0.0.1/": "multicast",
        "http://100.64.0.1/": "not a global", "ftp://example.com/": "scheme", "http:///nohost": "no host",
    }
    for url, word in refused.items():
        reason = check_url(url, frozenset())
        assert reason and word in reason, (url, reason)
    assert check_url("http://8.8.8.8/", frozenset()) is None
    assert check_url("http://127.0.0.1:9/", {"127.0.0.1"}) is None


# --- body size, type, encodings -------------------------------------------------------------------------------


def test_body_far_over_the_cap_is_aborted_early(http_server):
    total = 100 * 1024 * 1024
    chunks = (b"a" * 65536 for _ in range(total // 65536))  # chunked: no Content-Length to refuse it up front
    http_server.route("/huge", Reply(body=chunks, content_type="text/plain"))
    result = fetch_one(http_server.url("/huge"), policy(max_bytes=1_000_000))
    assert result.outcome == "skipped" and result.reason == "body over 1000000 bytes" and result.body is None
    seen = http_server.hits("/huge")[0]
    assert wait_for(lambda: seen.disconnected or seen.completed)
    assert seen.disconnected and not seen.completed and seen.bytes_sent < total // 4


def test_declared_length_over_the_cap_is_refused_before_reading(http_server):
    http_server.route("/big", Reply(body=b"b" * 2_000_000, content_type="text/plain"))
    result = fetch_one(http_server.url("/big"), policy(max_bytes=1_000_000))
    assert result.outcome == "skipped" and result.reason == "body over 1000000 bytes"
    assert result.headers["content-length"] == "2000000"


def test_wrong_content_type_is_skipped(http_server):
    http_server.route("/logo.png", Reply(body=b"\x89PNG\r\n", content_type="image/png"))
    result = fetch_one(http_server.url("/logo.png"))
    assert (result.outcome, result.reason, result.body) == ("skipped", "content type image/png", None)


def test_misdeclared_charset_is_detected(http_server):
    text = ("<html><body><p>Le café était déjà servi ; la naïveté du garçon — « très » coûteuse. "
            "“Citation”, élève, où, là, fenêtre, hôpital, Noël.</p></body></html>")
    http_server.route("/latin", Reply(body=text.encode("cp1252"), content_type="text/html; charset=utf-8"))
    result = fetch_one(http_server.url("/latin"))
    assert result.outcome == "fetched" and result.text_encoding == "cp1252"
    assert result.body.decode(result.text_encoding) == text


def test_charset_from_meta_when_the_header_has_none(http_server):
    text = '<html><head><meta charset="windows-1251"></head><body>Привет, мир</body></html>'
    http_server.route("/ru", Reply(body=text.encode("cp1251"), content_type="text/html"))
    result = fetch_one(http_server.url("/ru"))
    assert result.text_encoding == "cp1251" and result.body.decode("cp1251") == text


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_compressed_bodies_are_decoded(http_server, coding):
    page = b"<html>" + b"<p>compressed news</p>" * 500 + b"</html>"
    packed = gzip.compress(page) if coding == "gzip" else zlib.compress(page)
    http_server.route("/z", Reply(body=packed, headers={"Content-Encoding": coding}))
    result = fetch_one(http_server.url("/z"))
    assert result.outcome == "fetched" and result.body == page
    assert result.headers["content-encoding"] == coding


def _gzip_of_zeros(total: int, batch: int = 256 * 1024) -> Iterator[bytes]:
    """A gzip stream of ``total`` zero bytes, compressed lazily so the server only does what the client reads.

    Sent in pieces of at least ``batch`` compressed bytes, so each network read the client makes expands to
    about 64 MB: a client decoding whole reads at once (rather than in bounded slices) shows in its memory.
    """
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    pending = b""
    for _ in range(total // len(zeros)):
        pending += packer.compress(zeros)
        if len(pending) >= batch:
            yield pending
            pending = b""
    yield pending + packer.flush()


def test_gzip_bomb_is_stopped_with_bounded_memory(http_server):
    http_server.route("/bomb", Reply(body=_gzip_of_zeros(1 << 30), headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        started = time.monotonic()
        result = fetch_one(http_server.url("/bomb"), policy(max_bytes=2_000_000))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == "skipped" and result.reason == "body over 2000000 bytes"
    assert elapsed < 10  # decoding the whole gigabyte would take far longer under tracemalloc
    assert peak < 24 * 1024 * 1024  # the 2 MB cap plus slices (~6 MB seen); decoding whole reads takes ~50 MB
    seen = http_server.hits("/bomb")[0]
    assert wait_for(lambda: seen.disconnected or seen.completed)
    assert not seen.completed


def test_brotli_pages_are_decoded_and_a_brotli_bomb_is_stopped(http_server):
    import brotli

    page = b"<html><body>" + b"<p>Brotli-compressed article text.</p>" * 200 + b"</body></html>"
    http_server.route("/br", Reply(body=brotli.compress(page), headers={"Content-Encoding": "br"}))
    http_server.route("/br-bomb", Reply(body=brotli.compress(b"\0" * (512 << 20), quality=5), headers={"Content-Encoding": "br"}))
    page_result = fetch_one(http_server.url("/br"), policy())
    assert page_result.outcome == "fetched" and page_result.body == page
    assert "br" in http_server.hits("/br")[0].headers["accept-encoding"]
    tracemalloc.start()
    try:
        result = fetch_one(http_server.url("/br-bomb"), policy(max_bytes=2_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == "skipped" and result.reason == "body over 2000000 bytes"
    assert peak < 24 * 1024 * 1024  # bounded by the cap and the slice, not the 512 MB it expands to


# --- robots.txt and conditional requests ----------------------------------------------------------------------


def test_robots_disallow_is_honoured_and_fetched_once(http_server):
    http_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    http_server.route("/*", Reply(body=b"<p>page</p>"))
    urls = [http_server.url(p) for p in ("/private/a", "/public/a", "/public/b", "/private/b")]
    results = fetch_all(urls, policy(respect_robots=True))
    assert [r.outcome for r in results] == ["skipped", "fetched", "fetched", "skipped"]
    assert results[0].reason == "robots.txt disallows"
    assert len(http_server.hits("/robots.txt")) == 1
    assert not http_server.hits("/private/a")


@pytest.mark.parametrize(("robots", "expected"), [(Reply(404, b"none"), "fetched"), (Reply(503, b"down"), "skipped")])
def test_robots_4xx_allows_and_5xx_disallows(http_server, robots, expected):
    http_server.route("/robots.txt", robots)
    http_server.route("/page", Reply(body=b"<p>page</p>"))
    assert fetch_one(http_server.url("/page"), policy(respect_robots=True)).outcome == expected


def test_etag_rerun_transfers_nothing(http_server):
    page = b"<html>" + b"<p>unchanged article</p>" * 100 + b"</html>"
    modified = "Tue, 08 Aug 2023 12:00:00 GMT"

    def conditional(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", headers={"ETag": '"v1"'})
        return Reply(body=page, headers={"ETag": '"v1"', "Last-Modified": modified})

    http_server.route("/article", conditional)
    url = http_server.url("/article")
    first = fetch_all([url], policy())[0]
    assert first.outcome == "fetched" and first.headers["etag"] == '"v1"'
    validators = {url: (first.headers["etag"], first.headers["last-modified"])}
    second = fetch_all([url], policy(), validators=validators)[0]
    assert (second.outcome, second.status, second.body) == ("not_modified", 304, None)
    rerun = http_server.hits("/article")[1]
    assert rerun.headers["if-none-match"] == '"v1"' and rerun.headers["if-modified-since"] == modified
    assert rerun.bytes_sent == 0 and http_server.hits("/article")[0].bytes_sent == len(page)


# --- GDELT ----------------------------------------------------------------------------------------------------


def _stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def _gdelt_answer(start: datetime, end: datetime, count: int, label: str) -> bytes:
    step = (end - start) / count
    articles = [{
        "url": f"https://news.example/{label}/{i}", "url_mobile": "", "title": f"Story {label} {i}",
        "seendate": (start + step * i).strftime("%Y%m%dT%H%M%SZ"), "socialimage": "",
        "domain": "news.example", "language": "English", "sourcecountry": "Iraq",
    } for i in range(count)]
    return json.dumps({"articles": articles}).encode()


def test_gdelt_url_shape():
    day, next_day = day_window(date(2023, 8, 8))
    assert (day, next_day) == (datetime(2023, 8, 8, tzinfo=timezone.utc), datetime(2023, 8, 9, tzinfo=timezone.utc))
    url = gdelt_url("iraq united states", day, next_day)
    assert url.startswith("https://api.gdeltproject.org/api/v2/doc/doc?query=iraq%20united%20states&")
    for part in ("mode=artlist", "format=json", "maxrecords=250", "startdatetime=20230808000000",
                 "enddatetime=20230809000000"):
        assert part in url


def _seen_at(article: dict) -> datetime:
    return datetime.strptime(article["seendate"], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def test_gdelt_splits_full_windows_and_spaces_requests(http_server):
    day = json.loads(_gdelt_answer(*day_window(date(2023, 8, 8)), 250, "day"))["articles"]
    boundary = {**day[0], "url": "https://news.example/boundary", "seendate": "20230808T120000Z"}

    def api(seen: Seen) -> Reply:
        start, end = _stamp(seen.query["startdatetime"]), _stamp(seen.query["enddatetime"])
        if end - start >= timedelta(days=1):
            return Reply(body=_gdelt_answer(start, end, 250, "day"), content_type="application/json")
        # A half lists 100 stories of its own, the day-level ones seen in it, and a story at the boundary
        # that both halves report (the merge must keep it once).
        own = json.loads(_gdelt_answer(start, end, 100, f"half-{start:%H}"))["articles"]
        inside = [a for a in day if start <= _seen_at(a) < end]
        return Reply(body=json.dumps({"articles": own + inside + [boundary]}).encode(), content_type="application/json")

    http_server.route("/api/v2/doc/doc", api)
    start, end = day_window(date(2023, 8, 8))

    async def run():
        async with Fetcher(policy()) as fetcher:
            return await discover_gdelt(fetcher, "iraq", start, end, base=http_server.url("/api/v2/doc/doc"),
                                        min_interval_s=0.2)

    articles = asyncio.run(run())
    windows = [(s.query["startdatetime"], s.query["enddatetime"]) for s in http_server.requests]
    assert windows == [("20230808000000", "20230809000000"), ("20230808000000", "20230808120000"),
                       ("20230808120000", "20230809000000")]
    assert all(s.query["mode"] == "artlist" and s.query["format"] == "json" for s in http_server.requests)
    urls = [a.url for a in articles]
    assert len(urls) == len(set(urls)) == 100 + 100 + 250 + 1  # both halves' own, the day's, the boundary once
    assert set(urls) >= {a["url"] for a in day}
    assert articles[0].seendate == datetime(2023, 8, 8, tzinfo=timezone.utc) and articles[0].sourcecountry == "Iraq"
    arrivals = [s.at for s in http_server.requests]
    assert all(later - earlier >= 0.18 for earlier, later in zip(arrivals, arrivals[1:]))


def test_gdelt_stops_splitting_at_fifteen_minutes(http_server):
    def always_full(seen: Seen) -> Reply:
        start, end = _stamp(seen.query["startdatetime"]), _stamp(seen.query["enddatetime"])
        return Reply(body=_gdelt_answer(start, end, 250, f"{start:%H%M}-{end:%H%M}"), content_type="application/json")

    http_server.route("/doc", always_full)
    start = datetime(2023, 8, 8, 0, 0, tzinfo=timezone.utc)

    async def run():
        async with Fetcher(policy()) as fetcher:
            return await discover_gdelt(fetcher, "iraq", start, start + timedelta(hours=2),
                                        base=http_server.url("/doc"), min_interval_s=0.01)

    articles = asyncio.run(run())
    spans = {_stamp(s.query["enddatetime"]) - _stamp(s.query["startdatetime"]) for s in http_server.requests}
    assert min(spans) == timedelta(minutes=15) and len(http_server.requests) == 1 + 2 + 4 + 8
    assert len(articles) == 8 * 250  # the eight 15-minute leaves, kept although full


@pytest.mark.parametrize("answer", [
    Reply(body=b"Invalid query: the specified phrase is too short.", content_type="text/html"),
    Reply(500, b"error"),
])
def test_gdelt_error_answers_raise(http_server, answer):
    http_server.route("/doc", answer)

    async def run():
        async with Fetcher(policy(max_retries=0)) as fetcher:
            window = day_window(date(2023, 8, 8))
            await discover_gdelt(fetcher, "x", *window, base=http_server.url("/doc"), min_interval_s=0)

    with pytest.raises(GdeltError):
        asyncio.run(run())

