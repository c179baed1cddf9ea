"""The synthetic corpus of benchmarks/synthetic_corpus.py, as bilat reads it: every text unique but the planned
copies, which bilat's rule takes for copies; bad pages that bilat refuses; one archive per collection day."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from bilat.fetch import dedup
from bilat.parse.article import ParseError, parse_article
from bilat.raw import collect_archive, collection_day
from bilat.rawstore import RawStore
from bilat.sources.archive import ArchiveSource
from bilat.sources.config import ArchiveSpec, UrlsSpec, load_sources

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("synthetic_corpus", ROOT / "benchmarks" / "synthetic_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sc = _module()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synthetic") / "corpus"
    return out, sc.write_corpus(out, 50, seed=3, per_day=20, start=date(2026, 6, 1))


@pytest.fixture(scope="module")
def read(corpus, tmp_path_factory) -> dict[str, object]:
    """Every document as bilat collects and parses it: URL -> ParsedArticle, or the reason it was refused."""
    out, _ = corpus
    store = RawStore(tmp_path_factory.mktemp("raw"))
    outcome = {}
    for spec in load_sources(out / "sources.yaml"):
        source = ArchiveSource(spec.path)
        day = collection_day(source)
        for doc in collect_archive(source, store, day, day + timedelta(days=1)):
            if doc.error or not doc.content_hash:
                outcome[doc.url] = doc.error or "empty body"
                continue
            try:
                outcome[doc.url] = parse_article(store.get(doc.content_hash), doc_id=doc.doc_id, url=doc.url, source=spec.name,
                                                 published_at=doc.published_at, date_source=doc.date_source, partition_date=day)
            except ParseError as exc:
                outcome[doc.url] = str(exc)
    return outcome


def test_one_archive_per_collection_day_at_the_fixed_rate(corpus, read):
    out, summary = corpus
    specs = load_sources(out / "sources.yaml")
    assert all(isinstance(s, ArchiveSpec) for s in specs)
    days = [collection_day(ArchiveSource(s.path)) for s in specs]
    assert days == [date(2026, 6, 1), date(2026, 6, 2), date(2026, 6, 3)]
    assert [d["pages"] for d in summary["days"]] == [20, 20, 10]
    assert len(read) == 50 == len((out / "pages.txt").read_text().split())


def test_every_text_is_unique_and_only_the_planned_copies_are_near_copies(corpus, read):
    _, summary = corpus
    articles = {url: a for url, a in read.items() if not isinstance(a, str)}
    assert len({a.text_hash for a in articles.values()}) == len(articles)  # no exact duplicate for bilat to drop
    assert summary["copies"] and all(c in articles and o in articles for c, o in summary["copies"].items())
    planned = {frozenset(pair) for pair in summary["copies"].items()}
    story = {url: summary["copies"].get(url, url) for url in articles}  # two copies of one page are copies too
    shingles = {url: dedup.shingles(a.text) for url, a in articles.items()}
    copies = {frozenset((a, b)) for a, b in itertools.combinations(sorted(articles), 2) if dedup.is_copy(shingles[a], shingles[b])}
    assert planned <= copies
    assert all(story[a] == story[b] for a, b in copies)
    assert all(articles[c].title != articles[o].title and urlhost(c) != urlhost(o) for c, o in summary["copies"].items())


def urlhost(url: str) -> str:
    return url.split("/")[2]


def test_bad_pages_are_refused_and_every_other_page_is_an_article(corpus, read):
    _, summary = corpus
    assert summary["bad"]
    refused = {url for url, a in read.items() if isinstance(a, str)}
    assert refused == set(summary["bad"])


def test_every_kind_of_bad_page_is_refused_and_the_shares_hold_from_the_first_block():
    pages = list(sc.Generator(seed=1).pages(200))
    kinds = Counter(page.kind for page in pages)
    assert kinds == {"original": 186, "copy": 10, "bad:empty": 1, "bad:binary": 1, "bad:truncated": 1, "bad:no-text": 1}
    for page in pages:
        if page.kind == "bad:empty":
            assert page.body == b""  # an archive reads it as a document with no body
        elif page.kind.startswith("bad:"):
            with pytest.raises(ParseError):
                parse_article(page.body, doc_id="d", url=page.article.url, source="s", published_at=None,
                              date_source="fetch", partition_date=page.day)


def test_the_same_seed_writes_the_same_bytes(corpus, tmp_path):
    out, _ = corpus

    def digest(folder: Path) -> str:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        return hashlib.sha256(b"".join(p.relative_to(folder).as_posix().encode() + p.read_bytes() for p in files)).hexdigest()

    sc.write_corpus(tmp_path / "again", 50, seed=3, per_day=20, start=date(2026, 6, 1))
    sc.write_corpus(tmp_path / "other", 50, seed=4, per_day=20, start=date(2026, 6, 1))
    assert digest(tmp_path / "again") == digest(out)
    assert digest(tmp_path / "other") != digest(out)
    assert sc.matches(out, 50, 3, 20, date(2026, 6, 1)) and not sc.matches(out, 51, 3, 20, date(2026, 6, 1))


def test_the_pages_are_served_over_http_as_a_url_list(corpus):
    out, _ = corpus
    server, sources = sc.serve(out)
    try:
        (spec,) = load_sources(sources)
        assert isinstance(spec, UrlsSpec) and len(spec.all_urls()) == 50
        first = spec.all_urls()[0]
        file = out / (out / "pages.txt").read_text().split()[0]
        reply = httpx.get(first)
        assert reply.status_code == 200 and reply.content == file.read_bytes()
        assert httpx.get(first.replace(".html", "-missing.html")).status_code == 404
        assert httpx.get(server.url("/corpus.json")).status_code == 404  # only the pages
    finally:
        server.stop()
    assert json.loads((out / "corpus.json").read_text())["pages"] == 50
