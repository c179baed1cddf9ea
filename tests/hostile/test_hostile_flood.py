"""A feed of 50,000 items: a run fetches what the caps allow, defers the rest, and a second run fetches the next
batch, new URLs first. Each run is its own process, so its peak RSS is measured (and printed) on its own.

Bounds are generous on purpose (a shared machine): memory under 1 GB; no timing assertion.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.hostile.site import page
from tests.httpserver import Reply, TestServer

ITEMS = 50_000
CAP = 500  # max_documents, the default


def _feed(server: TestServer) -> bytes:
    items = "".join(f"<item><title>story {i}</title><link>{server.url(f'/f/{i}')}</link>"
                    f"<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate></item>" for i in range(ITEMS))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>flood</title>{items}</channel></rss>'.encode()


def _run(tmp_path: Path, sources: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.hostile.flood_run", str(sources), str(tmp_path / "bilat.duckdb"),
                           str(tmp_path / "raw")], capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_50000_item_feed_is_fetched_in_bounded_batches(tmp_path):
    with TestServer() as server:
        server.requests = _Counted()  # 50,000 Seen records would be the test's memory, not bilat's
        feed = _feed(server)
        server.route("/flood.xml", Reply(body=feed, content_type="application/rss+xml"))
        server.route("/robots.txt", Reply(404))
        server.route("/f/*", lambda seen: Reply(body=page(f"flood story {seen.path[3:]}")))
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{name: flood, kind: rss, url: '{server.url('/flood.xml')}', allow_hosts: [127.0.0.1], "
                           f"rate_per_second: 1000, max_bytes: {len(feed) + 1}}}\n")
        first = _run(tmp_path, sources)
        second = _run(tmp_path, sources)
        with duckdb.connect(str(tmp_path / "bilat.duckdb"), read_only=True) as con:
            fetch_log = con.execute("SELECT count(*) FROM raw.fetch_log WHERE purpose = 'document'").fetchall()[0][0]
            kept = con.execute("SELECT count(*) FROM raw.discovered WHERE reason LIKE 'kept from an earlier fetch%'").fetchall()[0][0]
            documents = con.execute("SELECT count(*) FROM raw.documents").fetchall()[0][0]
            parsed = con.execute("SELECT count(*) FROM core.document_outcomes WHERE outcome = 'parsed'").fetchall()[0][0]
    print(f"\nflood: run 1 {first}\n       run 2 {second}")
    assert first["outcomes"] == {"fetched": CAP, "deferred": ITEMS - CAP}
    # the second run fetches 500 URLs it had never fetched, keeps the first 500 without asking again, defers the rest
    assert second["outcomes"] == {"fetched": 2 * CAP, "deferred": ITEMS - 2 * CAP} and kept == CAP
    assert fetch_log == 2 * CAP  # fetch-log rows are the requests made, not the URLs listed
    assert documents == parsed == 2 * CAP
    assert server.requests.count <= 2 * CAP + 10  # two feed reads, robots.txt, and the documents
    for run in (first, second):
        assert run["peak_rss_mb"] < 1024


class _Counted(list):
    """A request log that only counts."""

    count = 0

    def append(self, item: object) -> None:
        self.count += 1
