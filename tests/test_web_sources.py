"""bilat run --sources against feeds served from 127.0.0.1: fetched, stored, parsed and loaded; a second run
downloads nothing that has not changed; every listed URL is accounted for."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bilat.settings import bundled_archive
from tests.httpserver import Reply, Seen, TestServer

BIN = Path(sys.executable).parent
# Collecting, not reading: the runs read without the NER model (tests/conftest.py).
pytestmark = pytest.mark.rules_only
PAGES = {
    "/news/security-dialogue": ("potomacwire.example/news/2023/08/joint-security-cooperation-dialogue.html", "Wed, 09 Aug 2023 08:30:00 GMT"),
    "/news/coalition-timeline": ("gulfchronicle.example/story/coalition-mission-timeline.html", "Sat, 28 Sep 2024 09:15:00 GMT"),
}


def _conditional(body: bytes, etag: str):
    def answer(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == etag:
            return Reply(status=304, body=b"", headers={"ETag": etag})
        return Reply(body=body, headers={"ETag": etag})
    return answer


def _feed(server: TestServer) -> bytes:
    items = "".join(
        f"<item><title>{path}</title><link>{server.url(path)}</link><pubDate>{date}</pubDate></item>"
        for path, (_, date) in PAGES.items()
    )
    broken = f"<item><title>broken</title><link>{server.url('/news/broken')}</link><pubDate>Sat, 28 Sep 2024 10:00:00 GMT</pubDate></item>"
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}{broken}</channel></rss>'.encode()


@pytest.fixture
def news_site() -> Iterator[TestServer]:
    with TestServer() as server:
        server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
        server.route("/feed.xml", _conditional(_feed(server), '"feed-1"'))
        for path, (file, _) in PAGES.items():
            server.route(path, _conditional((bundled_archive() / file).read_bytes(), f'"{path}"'))
        server.route("/news/broken", Reply(status=500, body=b"oops"))
        server.route("/bad.xml", Reply(body=b'<?xml version="1.0"?><rss version="2.0"><channel><title>Q & A</title></channel></rss>',
                                       content_type="application/rss+xml"))  # a bare '&': unreadable
        server.route("/news/a-pdf", Reply(body=b"%PDF-1.4", content_type="application/pdf"))
        server.route("/private/memo", Reply(body=b"<html>secret</html>"))
        yield server


def _sources(tmp_path: Path, server: TestServer) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(f"""
sources:
  - name: local-feed
    kind: rss
    url: {server.url('/feed.xml')}
    allow_hosts: [127.0.0.1]
    rate_per_second: 50
  - name: local-list
    kind: urls
    allow_hosts: [127.0.0.1]
    rate_per_second: 50
    urls:
      - {server.url('/news/security-dialogue?utm_source=newsletter')}
      - {server.url('/news/a-pdf')}
      - {server.url('/private/memo')}
  - name: bad-feed
    kind: rss
    url: {server.url('/bad.xml')}
    allow_hosts: [127.0.0.1]
""")
    return path


def _run(tmp_path: Path, sources: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BILAT_WAREHOUSE": str(tmp_path / "bilat.duckdb"), "COLUMNS": "200"}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(BIN / "bilat"), "run", "--sources", str(sources), *extra], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)


def _query(tmp_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "bilat.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_feed_is_fetched_stored_parsed_and_loaded_and_a_rerun_downloads_nothing_unchanged(tmp_path, news_site):
    sources = _sources(tmp_path, news_site)
    first = _run(tmp_path, sources)
    # The unreadable feed fails its source: said in the summary, exit 3; what the others gave is published.
    assert first.returncode == 3, first.stdout[-3000:] + first.stderr[-3000:]
    assert "1 sources unreadable" in first.stdout
    assert f"source failed: bad-feed: {news_site.url('/bad.xml')}: malformed XML" in first.stdout
    titles = [t for (t,) in _query(tmp_path, "SELECT title FROM core.articles ORDER BY published_at")]
    assert len(titles) == 2 and "Pentagon" in titles[0]
    outcomes = dict(_query(tmp_path, "SELECT outcome, count(*) FROM raw.discovered GROUP BY 1"))
    # Listed: 3 feed items + 3 URLs. The tracking-parameter copy is a duplicate; the PDF and robots-disallowed
    # memo are skipped by policy; the 500 failed after retries. Together they add up to what was listed.
    assert outcomes == {"fetched": 2, "duplicate": 1, "skipped": 2, "failed": 1}
    reasons = dict(_query(tmp_path, "SELECT url, reason FROM raw.discovered WHERE outcome <> 'fetched'"))
    assert "robots.txt" in reasons[news_site.url("/private/memo")]
    assert "application/pdf" in reasons[news_site.url("/news/a-pdf")]
    assert "500" in reasons[news_site.url("/news/broken")]
    assert _query(tmp_path, "SELECT count(*) FROM core.interactions")[0][0] > 0

    sent_before = {p: sum(s.bytes_sent for s in news_site.requests if s.path == p) for p in [*PAGES, "/feed.xml"]}
    second = _run(tmp_path, sources, "--allow-source-failures")  # the documented way to accept a failing source
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "source failed: bad-feed" in second.stdout
    sent_after = {p: sum(s.bytes_sent for s in news_site.requests if s.path == p) for p in [*PAGES, "/feed.xml"]}
    assert sent_after == sent_before  # every unchanged page and the feed answered 304: no body sent again
    assert dict(_query(tmp_path, "SELECT outcome, count(*) FROM raw.discovered GROUP BY 1"))["not_modified"] == 2
    assert len(_query(tmp_path, "SELECT title FROM core.articles")) == 2  # nothing lost, nothing doubled
    log = dict(_query(tmp_path, "SELECT outcome, count(*) FROM raw.fetch_log WHERE url LIKE '%/news/security-dialogue' GROUP BY 1"))
    assert log == {"fetched": 1, "not_modified": 1}


def test_a_bad_sources_file_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: x\n    kind: rss2\n    url: https://a.example/feed\n")
    result = _run(tmp_path, path)
    assert result.returncode == 2
    assert "field 'kind'" in result.stdout and "rss2" in result.stdout


def test_a_gdelt_query_collects_the_articles_it_lists_for_a_day(tmp_path):
    """GDELT's DOC API (served locally in its JSON shape) lists articles for a daily window; bilat fetches them."""
    import json

    with TestServer() as server:
        listed = [{"url": server.url(path), "title": path, "seendate": "20230809T120000Z", "domain": "127.0.0.1",
                   "language": "English", "sourcecountry": "United States"} for path in PAGES]
        server.route("/api/v2/doc/doc", lambda seen: Reply(body=json.dumps({"articles": listed if seen.query.get("startdatetime", "").startswith("20230809") else []}).encode(),
                                                            content_type="application/json"))
        server.route("/robots.txt", Reply(status=404))
        for path, (file, _) in PAGES.items():
            server.route(path, Reply(body=(bundled_archive() / file).read_bytes()))
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"""
sources:
  - name: gdelt-local
    kind: gdelt
    query: Iraq
    base_url: {server.url('/api/v2/doc/doc')}
    min_interval_s: 0.1
    allow_hosts: [127.0.0.1]
    rate_per_second: 50
""")
        env = {**os.environ, "BILAT_WAREHOUSE": str(tmp_path / "bilat.duckdb"), "COLUMNS": "120"}
        env.pop("DAGSTER_HOME", None)
        result = subprocess.run([str(BIN / "bilat"), "run", "--sources", str(sources), "--start", "2023-08-08", "--end", "2023-08-10"],
                                env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        windows = sorted(s.query["startdatetime"] for s in server.requests if s.path == "/api/v2/doc/doc")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert windows == ["20230808000000", "20230809000000", "20230810000000"]  # one daily window per partition
    rows = _query(tmp_path, "SELECT source, partition_date, outcome FROM raw.discovered ORDER BY url")
    assert {(s, str(d), o) for s, d, o in rows} == {("gdelt-local", "2023-08-09", "fetched")}
    assert len(rows) == 2 and len(_query(tmp_path, "SELECT * FROM core.articles")) == 2
    api = _query(tmp_path, "SELECT count(*), min(status), count(content_hash) FROM raw.fetch_log WHERE purpose = 'listing'")
    assert api == [(3, 200, 3)]  # every GDELT request is in the fetch log, its answer in the raw store


def test_tracking_parameter_variants_in_one_feed_each_end_in_raw_discovered(tmp_path):
    """Three items of one feed are one article under three URLs: one is fetched, the two variants are
    accounted as duplicates of it (they used to vanish when raw.listings kept one row per canonical URL)."""
    from datetime import timedelta

    from bilat import stages
    from bilat.rawstore import RawStore
    from bilat.sources.config import parse_sources
    from bilat.warehouse.load import connect

    path, (file, pub) = next(iter(PAGES.items()))
    with TestServer() as server:
        server.route("/robots.txt", Reply(status=404))
        server.route(path, Reply(body=(bundled_archive() / file).read_bytes()))
        urls = [server.url(f"{path}?utm_source=a"), server.url(path), server.url(f"{path}?utm_medium=b&fbclid=c")]
        items = "".join(f"<item><title>t</title><link>{u.replace('&', '&amp;')}</link><pubDate>{pub}</pubDate></item>" for u in urls)
        server.route("/feed.xml", Reply(body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
                                        content_type="application/rss+xml"))
        specs = parse_sources({"sources": [{"name": "feed", "kind": "rss", "url": server.url("/feed.xml"),
                                            "allow_hosts": ["127.0.0.1"], "rate_per_second": 50}]})
        store = RawStore(tmp_path / "raw")
        with connect(tmp_path / "w.duckdb") as con:
            for _ in range(2):  # a second refresh keeps the variants
                stages.refresh_listings_stage(con, specs, store)
            ((day,),) = con.execute("SELECT DISTINCT partition_date FROM raw.listings").fetchall()  # the collection day
            stage = stages.collect_raw(con, specs, store, day, day + timedelta(days=1))
            listed = con.execute("SELECT url, variants FROM raw.listings").fetchall()
            discovered = dict(con.execute("SELECT url, outcome FROM raw.discovered").fetchall())
    assert listed == [(urls[1], sorted([urls[0], urls[2]]))]  # the canonical URL is the one kept
    assert discovered == {urls[1]: "fetched", urls[0]: "duplicate", urls[2]: "duplicate"}
    assert stage.outcomes["duplicate"] == 2 and stage.outcomes["fetched"] == 1
