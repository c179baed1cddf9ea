from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest

from bilat.parse.article import ParseError, parse_article
from bilat.parse.dates import publication_date
from bilat.rawstore import RawStore
from bilat.settings import bundled_archive
from bilat.sources.archive import ArchiveError, ArchiveSource
from bilat.sources.feeds import FeedError, parse_feed, parse_sitemap

FETCHED = datetime(2025, 12, 31, tzinfo=timezone.utc)


def _page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}<p>text</p></body></html>")


def test_publication_date_is_taken_in_the_documented_order():
    meta = _page('<meta property="article:published_time" content="2023-08-09T08:30:00Z">')
    jsonld = _page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-07-27"}</script>')
    time_el = _page(body='<article><time datetime="2019-03-24T10:00:00+03:00">March 24</time></article>')
    bare = _page()
    feed = datetime(2020, 1, 5, 12, tzinfo=timezone.utc)
    assert publication_date(meta, "https://x.example/a", FETCHED, feed).source == "page"
    assert publication_date(jsonld, "https://x.example/a", FETCHED).published_at.date() == date(2021, 7, 27)
    assert publication_date(time_el, "https://x.example/a", FETCHED).published_at.date() == date(2019, 3, 24)
    assert publication_date(bare, "https://x.example/2014/06/20/a", FETCHED, feed).source == "feed"
    assert publication_date(bare, "https://x.example/2014/06/20/a", FETCHED).published_at.date() == date(2014, 6, 20)
    assert publication_date(bare, "https://x.example/a", FETCHED, sitemap_lastmod=date(2022, 1, 2)).source == "sitemap"
    undated = publication_date(bare, "https://x.example/a", FETCHED)
    assert (undated.published_at, undated.source, undated.published_text) == (None, "fetch", None)


def test_an_implausible_publication_date_gives_way_to_the_next_source_or_is_kept_as_text():
    def dated(content: str, **kwargs):
        return publication_date(_page(f'<meta property="article:published_time" content="{content}">'), "https://x.example/a", FETCHED, **kwargs)

    assert dated("1990-01-01T00:00:00Z").published_at.year == 1990  # historical archives load
    assert dated("2003-03-21").source == "page"
    far = dated("9999-12-31")
    assert (far.published_at, far.source, far.published_text) == (None, "implausible", "9999-12-31T00:00:00+00:00 (page)")
    assert dated("1989-12-31").source == "implausible"
    assert dated((FETCHED + timedelta(days=3)).isoformat()).source == "implausible"  # more than 2 days after the fetch
    assert dated((FETCHED + timedelta(days=1)).isoformat()).source == "page"  # a day ahead: time zones, embargoes
    fallback = dated("3000-01-01", feed_published=datetime(2020, 1, 5, tzinfo=timezone.utc))
    assert (fallback.published_at.year, fallback.source, fallback.published_text) == (2020, "feed", "3000-01-01T00:00:00+00:00 (page)")


def test_bundled_archive_lists_every_page_once_with_feed_and_sitemap_dates():
    archive = ArchiveSource(bundled_archive())
    documents = archive.discover()
    assert len(documents) >= 40
    assert len({d.url for d in documents}) == len(documents)
    assert all(archive.read(d.url).lstrip().lower().startswith(b"<!doctype html>") for d in documents)
    assert sum(1 for d in documents if d.feed_published is None and d.sitemap_lastmod is None) >= 1


def test_archive_paths_cannot_escape_the_archive(tmp_path: Path):
    (tmp_path / "archive.yaml").write_text("name: t\ncaptured_at: '2025-01-01T00:00:00+00:00'\n")
    (tmp_path.parent / "secret.html").write_text("secret")
    archive = ArchiveSource(tmp_path)
    with pytest.raises(ArchiveError, match="escapes"):
        archive.read("https://host.example/../../secret.html")
    with pytest.raises(ArchiveError, match="not in the archive"):
        archive.read("https://host.example/missing")


def test_feeds_refuse_entity_expansion_and_name_what_is_wrong():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <rss><channel><item><title>&lol2;</title><link>https://a.example/x</link></item></channel></rss>"""
    with pytest.raises(FeedError, match="DTD"):
        parse_feed(bomb)
    with pytest.raises(FeedError, match="malformed"):
        parse_feed(b"<rss><channel><item>")
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<html/>")
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title>
    <link href="https://a.example/1"/><published>2024-01-02T03:04:05Z</published></entry></feed>"""
    (item,) = parse_feed(atom)
    assert (item.url, item.published.date()) == ("https://a.example/1", date(2024, 1, 2))
    sitemap = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/1</loc>
    <lastmod>2024-05-06</lastmod></url></urlset>"""
    assert parse_sitemap(sitemap)[0].lastmod == date(2024, 5, 6)


def test_boilerplate_is_removed_and_dateline_kept():
    archive = ArchiveSource(bundled_archive())
    url = next(d.url for d in archive.discover() if "joint-security-cooperation-dialogue" in d.url)
    article = parse_article(archive.read(url), doc_id="d", url=url, source="s", published_at=None, date_source="fetch", partition_date=date(2023, 8, 9))
    assert article.dateline == "WASHINGTON"
    assert article.text.startswith("WASHINGTON — ")
    for boilerplate in ("Most read", "Related coverage", "cookie", "Newsletter", "All rights reserved"):
        assert boilerplate.lower() not in article.text.lower()
    assert article.title and "|" not in article.title


def test_a_page_laid_out_in_tables_keeps_its_article():
    # older news sites put the story in a layout table's cell; such a page must not be quarantined as empty (its
    # navigation and footer cells may come with it: a few words of boilerplate cost less than a lost article)
    paragraphs = [f"ANKARA — Paragraph {n} of the story says that the ministers of Turkey and the United States met on Monday "
                  f"to discuss the air defence purchase, and that talks would go on in the coming weeks." for n in range(1, 5)]
    cells = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (f"<html><head><title>Talks go on | Old Wire</title></head><body><table width='100%'><tr><td class='nav'>"
            f"<a href='/'>Home</a> | <a href='/world'>World</a></td></tr><tr><td class='story'><h1>Talks go on</h1>{cells}"
            f"</td></tr><tr><td class='footer'>Copyright Old Wire. All rights reserved.</td></tr></table></body></html>").encode()
    article = parse_article(page, doc_id="d", url="https://old.example/talks", source="s", published_at=None,
                            date_source="fetch", partition_date=date(2024, 1, 1))
    assert all(p[-40:] in article.text for p in paragraphs)


def test_an_empty_page_is_a_parse_error_with_a_reason():
    with pytest.raises(ParseError, match="no article text"):
        parse_article(b"<html><body><nav>Home</nav></body></html>", doc_id="d", url="https://a.example/x", source="s",
                      published_at=None, date_source="fetch", partition_date=date(2024, 1, 1))


def test_raw_store_keeps_each_body_once(tmp_path: Path):
    store = RawStore(tmp_path)
    first, second = store.put(b"<html>same</html>"), store.put(b"<html>same</html>")
    assert first == second and store.get(first) == b"<html>same</html>"
    assert len(list(tmp_path.rglob("*.gz"))) == 1


def test_the_main_text_of_every_bundled_page_is_its_article_and_nothing_else():
    """Measured on all our pages: the words trafilatura keeps against the article as written (dateline and body)."""
    import re
    from collections import Counter

    import yaml

    sources = Path(__file__).resolve().parents[1] / "tools" / "corpus" / "articles"
    written = {d["title"]: f"{d['dateline']} {d['body']}" for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sources.glob("*.yaml"))}
    words = lambda text: Counter(re.findall(r"\w+", text.lower()))  # noqa: E731
    archive = ArchiveSource(bundled_archive())
    scores = []
    for doc in archive.discover():
        article = parse_article(archive.read(doc.url), doc_id="d", url=doc.url, source="s", published_at=None,
                                date_source="fetch", partition_date=date(2024, 1, 1))
        got, want = words(article.text), words(written[article.title])
        common = sum((got & want).values())
        scores.append((doc.url, common / sum(got.values()), common / sum(want.values())))
    assert len(scores) == 47
    assert [s for s in scores if s[1] < 0.99 or s[2] < 0.99] == []  # no boilerplate kept, no paragraph lost
