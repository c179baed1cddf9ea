"""A hostile web site on 127.0.0.1, served by the project's test server (tests/httpserver.py).

Every ``Case`` is one kind of bad input: a page, a server behaviour, a redirect, a link. The site's feed lists
them all (and one a URL list gives), each with the outcome bilat must record and a word of the reason. A
second server on 127.0.0.2 stands for everything outside the allowlist: it counts the requests that reach it,
which must be none.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import brotli

from tests.httpserver import Reply, Seen, TestServer

DAY = "Tue, 05 Mar 2024 09:00:00 GMT"  # the feed's date for every case unless it says otherwise
DAY_ISO = "2024-03-05"


@dataclass(frozen=True)
class Case:
    name: str  # also the page's path, /h/<name>
    reply: object  # a Reply, or a function of (Seen, Site) returning one
    discovered: str  # raw.discovered outcome
    reason: str | None = None  # a word of the reason (raw.discovered's, or core.document_outcomes' when fetched)
    document: str | None = None  # core.document_outcomes outcome, when a document is kept
    link: str | None = None  # the feed's link when not the page itself ({outside} and {port} are filled in)
    pub_date: str = DAY
    in_e2e: bool = True  # listed in the feed the end-to-end `bilat run` reads (absurd dates wait for #9's partitions)


#: Variants of /h/good's URL, listed by a URL list of their own. raw.listings keeps one row per canonical URL,
#: so today only one of them reaches raw.discovered; recording each variant is another change's work.
VARIANTS = ("/h/good?utm_source=feed&fbclid=x", "/h/good/amp")


def article(name: str, *, head: str = "", paragraph: str | None = None, title: str | None = None) -> str:
    """A page of a fictional outlet whose text is the case's own, so no two cases share a text."""
    words = name.replace("-", " ")
    paragraph = paragraph or (
        f"BAGHDAD — Officials met on Tuesday to discuss the {words} arrangement, which covers training, "
        f"equipment and the pace of the coalition's withdrawal. Iraq's defense minister said the {words} talks "
        f"would continue next month, and a United States delegation said it welcomed the progress made so far.")
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>{head}<title>{title or words.title()} | Hostile Herald</title></head>"
            f"<body><nav><a href=/>Home</a> <a href=/world>World</a></nav><article><h1>{title or words.title()}</h1>"
            f"<p>{paragraph}</p><p>Both sides described the {words} discussions as frank and constructive, and said "
            f"technical teams would meet again before the end of the quarter to settle the remaining questions.</p>"
            f"</article><footer>© Hostile Herald</footer></body></html>")


def page(name: str, **kwargs) -> bytes:
    return article(name, **kwargs).encode()


def _gzip_zeros(total: int) -> Iterator[bytes]:
    packer = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    for _ in range(total >> 20):
        yield packer.compress(zeros)
    yield packer.flush()


def _deep_jsonld(depth: int) -> str:
    nested = '{"a":' * depth + '{"datePublished": "2024-03-05"}' + "}" * depth
    return f'<script type="application/ld+json">{nested}</script>'


def _each(make) -> object:
    """A streamed body is a generator, used up by one request: make a new Reply for each request."""
    return lambda seen, site: make()


def _redirect(target: str) -> Reply:
    return Reply(302, headers={"Location": target})


def _flaky() -> object:
    calls = {"n": 0}

    def answer(seen: Seen, site: Site) -> Reply:
        calls["n"] += 1
        return Reply(503, b"busy") if calls["n"] == 1 else Reply(body=page("flaky-then-ok"))
    return answer


MISLABELLED = article("mislabelled-utf8", head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
                      paragraph="BAGHDAD — At the Café Rémy, the négociateurs met again: Iraq’s ministers and the "
                                "United States delegation agreed that the naïve façade of the old accord had gone, "
                                "and that the next round would open in Erbil. " * 2).replace("<meta charset=utf-8>", "")

CASES: tuple[Case, ...] = (
    # --- good pages, the control group -------------------------------------------------------------------
    Case("good", Reply(body=page("good")), "fetched", document="parsed"),
    Case("good-same-day-as-deep-jsonld", Reply(body=page("good-same-day-as-deep-jsonld")), "fetched", document="parsed"),
    Case("redirected-twice", _redirect("/h/redirect-middle"), "fetched", document="parsed"),
    Case("slow-but-in-time", Reply(body=page("slow-but-in-time"), delay=0.3), "fetched", document="parsed"),
    Case("flaky-then-ok", _flaky(), "fetched", document="parsed"),
    Case("no-content-type", Reply(body=page("no-content-type"), content_type=None), "fetched", document="parsed"),
    Case("xhtml-with-xml-declaration", Reply(body=b'<?xml version="1.0" encoding="utf-8"?>' + page("xhtml-with-xml-declaration"),
                                             content_type="application/xhtml+xml"), "fetched", document="parsed"),
    Case("unknown-meta-charset", Reply(body=page("unknown-meta-charset").replace(b"charset=utf-8", b"charset=x-no-such-charset"),
                                       content_type="text/html"), "fetched", document="parsed"),
    Case("mislabelled-utf8", Reply(body=MISLABELLED.encode("utf-8"), content_type="text/html; charset=ISO-8859-1"), "fetched", document="parsed"),
    Case("cp1252-labelled-utf8", Reply(body=article("cp1252-labelled-utf8", paragraph="BAGHDAD — Le café était déjà servi ; la "
                                                    "naïveté du négociateur — « très » coûteuse — fit sourire la délégation, "
                                                    "réunie à l'hôtel pour l'accord de sécurité entre l'Irak et les États-Unis.")
                                       .replace("<meta charset=utf-8>", "").encode("cp1252"), content_type="text/html; charset=utf-8"),
         "fetched", document="parsed"),
    Case("utf16-with-bom", Reply(body=article("utf16-with-bom").replace("<meta charset=utf-8>", "").encode("utf-16"), content_type="text/html"),
         "fetched", document="parsed"),
    Case("deep-jsonld", Reply(body=page("deep-jsonld", head=_deep_jsonld(5000))), "fetched", document="parsed"),
    Case("stray-nul", Reply(body=page("stray-nul").replace(b"</footer>", b"\0</footer>")), "fetched", document="parsed"),
    Case("date-2003-in-page", Reply(body=page("date-2003-in-page", head='<meta property="article:published_time" content="2003-04-09T10:00:00Z">')),
         "fetched", document="parsed"),
    Case("date-9999-in-page", Reply(body=page("date-9999-in-page", head='<meta property="article:published_time" content="9999-12-31T00:00:00Z">')),
         "fetched", document="parsed", in_e2e=False),
    Case("date-2013-in-feed", Reply(body=page("date-2013-in-feed")), "fetched", document="parsed",
         pub_date="Sat, 01 Jun 2013 09:00:00 GMT", in_e2e=False),
    Case("date-3000-in-feed", Reply(body=page("date-3000-in-feed")), "fetched", document="parsed",
         pub_date="Wed, 01 Jan 3000 09:00:00 GMT", in_e2e=False),
    Case("unreadable-feed-date", Reply(body=page("unreadable-feed-date")), "fetched", document="parsed", pub_date="the day after tomorrow"),
    # --- HTTP errors and broken servers --------------------------------------------------------------------
    Case("not-found", Reply(404, b"gone", content_type="text/plain"), "failed", "HTTP 404"),
    Case("gone", Reply(410, b"gone", content_type="text/plain"), "failed", "HTTP 410"),
    Case("forbidden", Reply(403, b"no", content_type="text/plain"), "failed", "HTTP 403"),
    Case("teapot", Reply(418, b"", content_type="text/plain"), "failed", "HTTP 418"),
    Case("always-500", Reply(500, b"oops", content_type="text/plain"), "failed", "HTTP 500 after 2 attempts"),
    Case("always-429", Reply(429, b"slow down", content_type="text/plain"), "failed", "HTTP 429"),
    Case("retry-after-an-hour", Reply(503, b"", headers={"Retry-After": "3600"}), "failed", "exceeds"),
    Case("retry-after-date-far-away", Reply(503, b"", headers={"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}), "failed", "exceeds"),
    Case("stalls-before-headers", Reply(body=b"late", delay=3.0), "failed", "timeout"),
    Case("trickles-forever", _each(lambda: Reply(body=(b"<p>x</p>" for _ in range(10_000)), chunk_delay=0.2)), "failed", "total timeout"),
    Case("truncated-body", _each(lambda: Reply(body=iter([b"<p>only a little</p>"]), headers={"Content-Length": "100000"})),
         "failed", "connection error"),
    Case("unsolicited-304", Reply(304, b""), "failed", "no stored copy"),
    Case("blank-200", Reply(body=b"  \n"), "fetched", "not parseable", document="quarantined"),
    Case("no-content-204", Reply(204, b""), "fetched", "not parseable", document="quarantined"),
    # --- redirects -------------------------------------------------------------------------------------------
    Case("redirect-loop", _redirect("/h/redirect-loop-back"), "failed", "redirect loop"),
    Case("redirect-chain-too-long", _redirect("/hop/1"), "failed", "more than 5 redirects"),
    Case("redirect-without-location", Reply(302), "failed", "without a Location"),
    Case("redirect-to-outside-listener", lambda seen, site: _redirect(site.outside.url("/steal")), "skipped", "loopback"),
    Case("redirect-to-outside-by-ipv4-mapped", lambda seen, site: _redirect(f"http://[::ffff:127.0.0.2]:{site.outside.port}/steal"), "skipped", "loopback"),
    Case("redirect-to-localhost", lambda seen, site: _redirect(f"http://localhost:{site.outside.port}/steal"), "skipped", "loopback"),
    Case("redirect-to-ipv6-loopback", _redirect("http://[::1]/"), "skipped", "loopback"),
    Case("redirect-to-private-10", _redirect("http://10.0.0.1/internal"), "skipped", "private"),
    Case("redirect-to-private-192", _redirect("http://192.168.1.1/"), "skipped", "private"),
    Case("redirect-to-private-172", _redirect("http://172.16.0.1/"), "skipped", "private"),
    Case("redirect-to-metadata", _redirect("http://169.254.169.254/latest/meta-data/"), "skipped", "metadata"),
    Case("redirect-to-link-local", _redirect("http://169.254.1.1/"), "skipped", "link-local"),
    Case("redirect-to-unspecified", _redirect("http://0.0.0.0/"), "skipped", "unspecified"),
    Case("redirect-to-multicast", _redirect("http://224.0.0.1/"), "skipped", "multicast"),
    Case("redirect-to-carrier-nat", _redirect("http://100.64.0.1/"), "skipped", "not a global"),
    Case("redirect-to-decimal-ip", _redirect("http://2130706434/"), "skipped", "loopback"),
    Case("redirect-to-file", _redirect("file:///etc/passwd"), "skipped", "scheme"),
    Case("redirect-to-gopher", _redirect("gopher://127.0.0.2/"), "skipped", "scheme"),
    Case("redirect-to-malformed", _redirect("http://[::1/"), "failed", "malformed URL"),
    # --- links the feed gives ---------------------------------------------------------------------------------
    Case("link-to-outside-listener", Reply(body=b""), "skipped", "loopback", link="http://127.0.0.2:{outside}/steal"),
    Case("link-invalid-ipv6", Reply(body=b""), "failed", "malformed URL", link="http://[::1"),
    Case("link-ftp", Reply(body=b""), "skipped", "scheme", link="ftp://127.0.0.2/file"),
    Case("link-javascript", Reply(body=b""), "skipped", "scheme", link="javascript:alert(1)"),
    Case("link-unresolvable", Reply(body=b""), "failed", "cannot resolve", link="http://no-such-host.invalid/story"),
    Case("twin-of-good", Reply(body=page("good")), "duplicate", "same bytes"),
    Case("robots-disallowed", Reply(body=page("robots-disallowed")), "skipped", "robots.txt", link="http://127.0.0.1:{port}/h/private/memo"),
    Case("robots-wildcard", Reply(body=page("robots-wildcard")), "skipped", "robots.txt", link="http://127.0.0.1:{port}/h/robots-wildcard?print=1"),
    # --- bodies: too big, bombs, broken encodings, wrong types ------------------------------------------------
    Case("declared-too-big", Reply(body=b"b" * 6_000_000, content_type="text/plain"), "skipped", "body over"),
    Case("chunked-too-big", _each(lambda: Reply(body=(b"a" * 65536 for _ in range(1600)), content_type="text/plain")), "skipped", "body over"),
    Case("gzip-bomb", _each(lambda: Reply(body=_gzip_zeros(1 << 30), headers={"Content-Encoding": "gzip"})), "skipped", "body over"),
    Case("brotli-bomb", Reply(body=brotli.compress(b"\0" * (64 << 20), quality=1), headers={"Content-Encoding": "br"}), "skipped", "body over"),
    Case("corrupt-gzip", Reply(body=b"\x1f\x8b\x08\x00garbage" * 10, headers={"Content-Encoding": "gzip"}), "failed", "corrupt gzip"),
    Case("unknown-encoding", Reply(body=b"xx", headers={"Content-Encoding": "zstd-9000"}), "failed", "unsupported content encoding"),
    Case("stacked-encodings", Reply(body=b"xx", headers={"Content-Encoding": "gzip, br"}), "failed", "stacked"),
    Case("image-type", Reply(body=b"\x89PNG\r\n\x1a\n", content_type="image/png"), "skipped", "content type image/png"),
    Case("pdf-type", Reply(body=b"%PDF-1.4", content_type="application/pdf"), "skipped", "content type application/pdf"),
    # --- content that is not an article, whatever its header says -----------------------------------------------
    Case("png-as-html", Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20), "fetched", "PNG", document="quarantined"),
    Case("pdf-as-html", Reply(body=b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 50), "fetched", "PDF", document="quarantined"),
    Case("gzip-without-header", Reply(body=gzip.compress(page("gzip-without-header"))), "fetched", "gzip", document="quarantined"),
    Case("zip-as-html", Reply(body=b"PK\x03\x04" + b"\x14\x00" * 200), "fetched", "ZIP", document="quarantined"),
    Case("nul-heavy", Reply(body=b"<html><body>" + b"text\0\0\0\0" * 500 + b"</body></html>"), "fetched", "NUL", document="quarantined"),
    Case("million-angle-brackets", Reply(body=b"<html><body>" + b"<" * 1_000_000 + b"</body></html>"), "fetched", "text", document="quarantined"),
    Case("symbols-not-words", Reply(body=page("symbols-not-words", paragraph="%$#@! 12345 ;;;; ---- 0x0F 0x1F {} [] () <> " * 20)),
         "fetched", "no plausible text", document="quarantined"),
    Case("deeply-nested-markup", Reply(body=b"<html><body>" + b"<div>" * 20_000 + page("deeply-nested-markup") + b"</div>" * 20_000 + b"</body></html>"),
         "fetched", "text", document="quarantined"),
    Case("navigation-only", Reply(body=b"<html><body><nav><a href=/>Home</a><a href=/a>A</a></nav><footer>(c)</footer></body></html>"),
         "fetched", "no article text", document="quarantined"),
    Case("json-as-html", Reply(body=json.dumps({"articles": [{"id": i} for i in range(200)]}).encode()), "fetched", "text", document="quarantined"),
)

ROBOTS = b"User-agent: *\nDisallow: /h/private/\nDisallow: /*?print=\n"


@dataclass
class Site:
    """The hostile site and the outside listener, running."""

    server: TestServer
    outside: TestServer
    cases: dict[str, Case] = field(default_factory=dict)

    def link(self, case: Case) -> str:
        if case.link:
            return case.link.format(outside=self.outside.port, port=self.server.port)
        return self.server.url(f"/h/{case.name}")

    def feed(self, e2e: bool = False) -> bytes:
        items = "".join(
            f"<item><title>{c.name}</title><link>{_xml(self.link(c))}</link><pubDate>{c.pub_date}</pubDate></item>"
            for c in self.cases.values() if c.in_e2e or not e2e)
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile Herald</title>{items}</channel></rss>'.encode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><item><title>&lol4;</title><link>http://127.0.0.1/x</link></item></channel></rss>"""


def start_site() -> Site:
    """Serve the hostile site on 127.0.0.1 and the outside listener on 127.0.0.2 (stop both with stop_site)."""
    server, outside = TestServer().start(), TestServer("127.0.0.2").start()
    site = Site(server, outside, {c.name: c for c in CASES})
    outside.route("/*", Reply(body=page("outside")))
    server.route("/robots.txt", Reply(body=ROBOTS, content_type="text/plain"))
    server.route("/feed.xml", lambda seen: Reply(body=site.feed(), content_type="application/rss+xml"))
    server.route("/feed-e2e.xml", lambda seen: Reply(body=site.feed(e2e=True), content_type="application/rss+xml"))
    server.route("/h/redirect-middle", _redirect("/h/redirect-end"))
    server.route("/h/redirect-end", Reply(body=page("redirected-twice")))
    server.route("/h/redirect-loop-back", _redirect("/h/redirect-loop"))
    server.route("/hop/*", lambda seen: _redirect(f"/hop/{int(seen.path[5:]) + 1}"))
    for case in CASES:
        reply = case.reply
        handler = (lambda seen, r=reply: r(seen, site)) if callable(reply) else reply
        server.route(f"/h/{case.name}", handler)
    # listings that are themselves hostile: the run must go on past each
    server.route("/bomb.xml", Reply(body=XML_BOMB, content_type="application/rss+xml"))
    server.route("/not-xml.xml", Reply(body=b"<rss><channel><item>unclosed", content_type="application/rss+xml"))
    server.route("/html-feed.xml", Reply(body=page("html-feed"), content_type="text/html"))
    server.route("/sitemap-index.xml", lambda seen: Reply(body=_index(site), content_type="application/xml"))
    server.route("/sitemap-pages.xml", lambda seen: Reply(body=_urlset([site.server.url("/h/sitemap-page")]), content_type="application/xml"))
    server.route("/h/sitemap-page", Reply(body=page("sitemap-page")))
    return site


def _index(site: Site) -> bytes:
    """A sitemap index that lists itself, its one real child, and a child on the outside listener."""
    locs = [site.server.url("/sitemap-index.xml"), site.server.url("/sitemap-pages.xml"), site.outside.url("/sitemap.xml")]
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


def _urlset(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{u}</loc><lastmod>{DAY_ISO}</lastmod></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def stop_site(site: Site) -> None:
    site.server.stop()
    site.outside.stop()


def sources_yaml(site: Site, feed: str = "/feed.xml") -> str:
    """The sources file for the hostile site: its feed, the hostile listings, a sitemap index; timeouts short."""
    common = "allow_hosts: [127.0.0.1], rate_per_second: 500, timeout_s: 1.0, max_retries: 1"
    return f"""sources:
  - {{name: hostile-feed, kind: rss, url: '{site.server.url(feed)}', {common}}}
  - {{name: bomb-feed, kind: rss, url: '{site.server.url('/bomb.xml')}', {common}}}
  - {{name: broken-feed, kind: rss, url: '{site.server.url('/not-xml.xml')}', {common}}}
  - {{name: html-feed, kind: rss, url: '{site.server.url('/html-feed.xml')}', {common}}}
  - {{name: missing-feed, kind: rss, url: '{site.server.url('/no-such-feed.xml')}', {common}}}
  - {{name: looping-index, kind: sitemap, url: '{site.server.url('/sitemap-index.xml')}', {common}}}
  - {{name: variants, kind: urls, urls: [{', '.join(repr(site.server.url(v)) for v in VARIANTS)}], {common}}}
"""
