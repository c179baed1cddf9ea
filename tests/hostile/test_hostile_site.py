"""bilat's stages against the hostile site (tests/hostile/site.py): every kind of bad input ends in the outcome
and reason it should, the stages finish, nothing listed is lost, and nothing outside the allowlist is asked.

The stages are driven directly (listings, then for each day the listings file URLs under: collect, parse and
the three extraction stages) over a real DuckDB file and raw store, as the Dagster assets call them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from bilat import stages
from bilat.rawstore import RawStore
from bilat.sources.config import parse_sources
from bilat.warehouse.checks import CHECKS
from bilat.warehouse.load import connect, read_rows
from tests.hostile.site import CASES, VARIANTS, Site, sources_yaml, start_site, stop_site


@dataclass
class HostileRun:
    site: Site
    database: Path
    listing: stages.StageResult
    collected: list[stages.StageResult]
    parsed: list[stages.StageResult]
    extracted: list[stages.StageResult]
    seconds: float

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        with connect(self.database, read_only=True) as con:
            return read_rows(con, sql, params or [])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    site = start_site()
    try:
        specs = parse_sources(yaml.safe_load(sources_yaml(site)), base_dir=root)
        store, database = RawStore(root / "raw"), root / "bilat.work.duckdb"
        began = time.perf_counter()
        collected, parsed, extracted = [], [], []
        with connect(database) as con:
            listing = stages.refresh_listings_stage(con, specs, store)
            days = [d for (d,) in con.execute("SELECT DISTINCT partition_date FROM raw.listings ORDER BY 1").fetchall()]
            for day in days:  # one window per day, as one Dagster run per partition would
                end = day + timedelta(days=1)
                collected.append(stages.collect_raw(con, specs, store, day, end))
                parsed.append(stages.parse_articles(con, store, day, end))
                extracted.append(stages.extract_window(con, day, end))
        yield HostileRun(site, database, listing, collected, parsed, extracted, time.perf_counter() - began)
    finally:
        stop_site(site)


def _outcome(run: HostileRun, url: str) -> dict:
    rows = run.rows("SELECT d.outcome, d.reason, d.doc_id, o.outcome AS document, o.reason AS document_reason "
                    "FROM raw.discovered d LEFT JOIN core.document_outcomes o USING (doc_id) WHERE d.url = ?", [url])
    assert len(rows) == 1, f"{url} is in raw.discovered {len(rows)} times"
    return rows[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_kind_of_bad_input_ends_in_its_outcome_with_a_reason(hostile, case):
    found = _outcome(hostile, hostile.site.link(case))
    assert found["outcome"] == case.discovered, found
    assert found["document"] == case.document, found
    reason = found["document_reason"] if case.discovered == "fetched" else found["reason"]
    if case.reason:
        assert reason and case.reason.lower() in reason.lower(), found
    if found["outcome"] != "fetched":
        assert found["reason"], found  # every outcome but fetched says why


def test_there_are_at_least_sixty_kinds():
    listing_kinds = 5  # an XML bomb, malformed XML, an HTML page as a feed, a missing feed, a self-listing sitemap index
    assert len(CASES) + listing_kinds >= 60


def test_nothing_listed_is_lost(hostile):
    """Every URL the feed and the sitemap listed is in raw.discovered exactly once, and the outcome counts the
    stages report add up to the rows."""
    listed = {hostile.site.link(c) for c in CASES} | {hostile.site.server.url("/h/sitemap-page")}
    discovered = hostile.rows("SELECT url, count(*) AS n FROM raw.discovered WHERE source <> 'variants' GROUP BY url")
    assert {r["url"] for r in discovered} == listed
    assert all(r["n"] == 1 for r in discovered)
    tally: dict[str, int] = {}
    for stage in hostile.collected:
        for outcome, n in stage.outcomes.items():
            tally[outcome] = tally.get(outcome, 0) + n
    rows = {r["outcome"]: r["n"] for r in hostile.rows("SELECT outcome, count(*) AS n FROM raw.discovered GROUP BY 1")}
    assert {k: v for k, v in tally.items() if v} == rows
    documents = hostile.rows("SELECT count(*) AS n FROM raw.documents")[0]["n"]
    assert hostile.rows("SELECT count(*) AS n FROM core.document_outcomes")[0]["n"] == documents


def test_each_url_variant_is_accounted_for(hostile):
    urls = {r["url"] for r in hostile.rows("SELECT url FROM raw.discovered WHERE source = 'variants'")}
    assert urls == {hostile.site.server.url(v) for v in VARIANTS}


def test_url_variants_are_duplicates_not_documents(hostile):
    rows = hostile.rows("SELECT outcome, reason FROM raw.discovered WHERE source = 'variants'")
    # filed under the day bilat saw them (a URL list gives no date), they meet /h/good collected under its own
    assert rows and all(r["outcome"] == "duplicate" and ("same URL" in r["reason"] or "collected under" in r["reason"]) for r in rows)


def test_no_request_left_the_allowlist(hostile):
    assert hostile.site.outside.requests == []  # 127.0.0.2 stands for every address outside it
    assert not hostile.site.server.hits("/h/private/memo") and not [
        s for s in hostile.site.server.requests if s.path == "/h/robots-wildcard"]


def test_hostile_listings_are_named_and_the_rest_goes_on(hostile):
    problems = "\n".join(hostile.listing.problems)
    for source, word in (("bomb-feed", "DTD"), ("broken-feed", "malformed XML"), ("html-feed", ""),
                         ("missing-feed", "HTTP 404"), ("looping-index", "loopback")):
        line = next((p for p in hostile.listing.problems if p.startswith(f"{source}:")), None)
        assert line is not None and word in line, problems
    index_fetches = [s for s in hostile.site.server.requests if s.path == "/sitemap-index.xml"]
    assert len(index_fetches) == 1  # the index lists itself: read once, not followed round
    assert _outcome(hostile, hostile.site.server.url("/h/sitemap-page"))["document"] == "parsed"


def test_every_integrity_check_on_raw_and_core_passes(hostile):
    with connect(hostile.database, read_only=True) as con:
        failing = {f"{c.table}:{c.name}": c.run(con) for c in CHECKS if not c.table.startswith("marts.")}
    assert {k: v for k, v in failing.items() if v[0]} == {}


def test_a_utf8_page_labelled_latin1_keeps_its_accents(hostile):
    text = hostile.rows("SELECT text FROM core.articles WHERE url LIKE '%/h/mislabelled-utf8'")[0]["text"]
    assert "Café Rémy" in text and "naïve façade" in text and "Ã" not in text
    cp1252 = hostile.rows("SELECT text FROM core.articles WHERE url LIKE '%/h/cp1252-labelled-utf8'")[0]["text"]
    assert "café était déjà" in cp1252


def test_dates_outside_the_partitions_are_kept(hostile):
    """Any publication date has a home: documents are filed under the day they were collected; a date before
    1990 or in the far future is not used but kept as text (published_text)."""
    rows = {r["url"].rsplit("/", 1)[1]: r for r in hostile.rows(
        "SELECT url, published_at::DATE::VARCHAR AS published, published_text, date_source, partition_date::VARCHAR AS day FROM raw.documents")}
    assert rows["date-2003-in-page"]["published"] == "2003-04-09" and rows["date-2003-in-page"]["date_source"] == "page"
    assert rows["date-2013-in-feed"]["published"] == "2013-06-01"
    for name, absurd in (("date-9999-in-page", "9999-12-31"), ("date-3000-in-feed", "3000-01-01")):
        assert rows[name]["published"] != absurd and absurd in (rows[name]["published_text"] or ""), rows[name]
    assert len({r["day"] for r in rows.values()}) == 1  # one collection day: the run's


def test_fetch_log_rows_are_requests_made(hostile):
    """URLs refused before any request (robots, addresses, schemes, malformed) leave no fetch-log row."""
    logged = {r["url"] for r in hostile.rows("SELECT url FROM raw.fetch_log WHERE purpose = 'document'")}
    for name in ("link-to-outside-listener", "link-invalid-ipv6", "link-javascript", "robots-disallowed", "robots-wildcard"):
        assert hostile.site.link(next(c for c in CASES if c.name == name)) not in logged
    assert hostile.site.server.url("/h/not-found") in logged


def test_the_stages_report_what_did_not_make_it(hostile):
    quarantined = sum(s.outcomes.get("quarantined", 0) for s in hostile.parsed)
    assert quarantined == sum(1 for c in CASES if c.document == "quarantined")
    failed = sum(s.outcomes.get("failed", 0) for s in hostile.collected)
    assert failed == sum(1 for c in CASES if c.discovered == "failed")
    print(f"\nhostile site: {len(CASES)} pages in {hostile.seconds:.1f}s; {failed} failed, {quarantined} quarantined")
