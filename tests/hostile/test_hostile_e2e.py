"""`bilat run` over the hostile site, through Dagster: the run exits 3 (its broken listings are failed sources,
by the documented policy; tests/test_web_sources.py checks --allow-source-failures), says how many items did not
make it, and leaves every listed URL accounted for. Plus the fetcher's own defences that need no pipeline: DNS
rebinding and RFC 9309 robots rules."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bilat.fetch.contract import FetchPolicy
from bilat.fetch.http import Fetcher
from tests.hostile.site import CASES, sources_yaml, start_site, stop_site
from tests.httpserver import Reply, TestServer

BIN = Path(sys.executable).parent
# Exit status and accounting, not reading: the runs read without the NER model (tests/conftest.py); the model
# reads every hostile page in tests/hostile/test_hostile_site.py.
pytestmark = pytest.mark.rules_only


def _bilat_run(tmp_path: Path, sources_text: str) -> subprocess.CompletedProcess:
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_text)
    env = {**os.environ, "BILAT_WAREHOUSE": str(tmp_path / "bilat.duckdb"), "COLUMNS": "200"}
    env.pop("DAGSTER_HOME", None)
    return subprocess.run([str(BIN / "bilat"), "run", "--sources", str(sources)], env=env, capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)


def test_bilat_run_over_the_hostile_site_exits_0_and_accounts_for_everything(tmp_path):
    site = start_site()
    try:
        done = _bilat_run(tmp_path, sources_yaml(site, "/feed-e2e.xml"))
    finally:
        stop_site(site)
    # the pipeline worked: unreadable listings are failed sources (exit 3), bad documents are only counted
    assert done.returncode == 3, done.stdout[-4000:] + done.stderr[-4000:]
    assert "source failed: bomb-feed" in " ".join(done.stdout.split()) and "Traceback" not in done.stderr
    assert "items:" in done.stdout and "quarantined" in done.stdout
    assert site.outside.requests == []
    with duckdb.connect(str(tmp_path / "bilat.duckdb"), read_only=True) as con:
        urls = {u for (u,) in con.execute("SELECT url FROM raw.discovered WHERE source = 'hostile-feed'").fetchall()}
        quarantined = con.execute("SELECT count(*) FROM core.document_outcomes WHERE outcome = 'quarantined'").fetchall()[0][0]
    assert urls == {site.link(c) for c in CASES if c.in_e2e}
    assert f"{quarantined} quarantined" in done.stdout


def test_bilat_run_with_dates_outside_the_partitions_exits_0(tmp_path):
    with TestServer() as server:
        items = "".join(f"<item><link>{server.url(f'/p/{n}')}</link><pubDate>{d}</pubDate></item>"
                        for n, d in (("old", "Sat, 01 Jun 2013 09:00:00 GMT"), ("future", "Wed, 01 Jan 3000 09:00:00 GMT")))
        server.route("/feed.xml", Reply(body=f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(), content_type="application/rss+xml"))
        server.route("/robots.txt", Reply(404))
        server.route("/p/*", Reply(body=b"<html><body><article><p>" + b"Iraq and the United States met again. " * 20 + b"</p></article></body></html>"))
        done = _bilat_run(tmp_path, f"sources:\n  - {{name: f, kind: rss, url: '{server.url('/feed.xml')}', allow_hosts: [127.0.0.1]}}\n")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_dns_rebinding_cannot_switch_the_checked_address():
    """The check resolves 'localhost' to a public address (as a rebinding DNS server would, first time round);
    the system would resolve it to 127.0.0.1 when connecting. bilat connects to the address it checked, so the
    local server never sees the request."""
    answers: list[str] = []

    def rebinding(host: str, port: int):
        answers.append(host)
        return [ipaddress.ip_address("93.184.216.34" if len(answers) == 1 else "127.0.0.1")]

    async def fetch(url: str):
        policy = FetchPolicy(respect_robots=False, connect_timeout_s=1.0, max_retries=0)
        async with Fetcher(policy, resolver=rebinding) as fetcher:
            return await fetcher.fetch(url)

    with TestServer() as server:
        server.route("/secret", Reply(body=b"<p>internal</p>"))
        result = asyncio.run(fetch(f"http://localhost:{server.port}/secret"))
        assert server.requests == [] and result.outcome == "failed" and "connection error" in result.reason
        assert answers == ["localhost"]  # resolved once: the connection used that answer


def test_robots_wildcards_and_longest_match_follow_rfc_9309():
    robots = b"User-agent: *\nDisallow: /*.pdf$\nDisallow: /news/\nAllow: /news/public/\n"

    async def fetch_all(urls):
        policy = FetchPolicy(respect_robots=True, per_host_rate=0, allowed_private_hosts=frozenset({"127.0.0.1"}))
        async with Fetcher(policy) as fetcher:
            return [await fetcher.fetch(u) for u in urls]

    with TestServer() as server:
        server.route("/robots.txt", Reply(body=robots, content_type="text/plain"))
        server.route("/*", Reply(body=b"<p>page</p>"))
        paths = ["/a/file.pdf", "/a/file.pdf?x=1", "/news/secret", "/news/public/story", "/other"]
        results = asyncio.run(fetch_all([server.url(p) for p in paths]))
    assert [r.outcome for r in results] == ["skipped", "fetched", "skipped", "fetched", "fetched"]
