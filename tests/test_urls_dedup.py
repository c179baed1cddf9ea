"""URL canonicalisation, the URL a page names as its own, and syndicated copies (MinHash LSH and containment)."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timezone
from pathlib import Path

import lxml.html
import pytest
import yaml

from bilat import stages
from bilat.fetch import dedup
from bilat.fetch.dedup import cluster_texts, containment, is_copy, shingles, signature, story_sizes
from bilat.fetch.urls import canonicalize_url
from bilat.parse.article import declared_url
from bilat.rawstore import RawStore
from bilat.warehouse.load import append, connect, read_rows, to_arrow
from bilat.warehouse.schema import TABLES_BY_NAME

ARTICLES = Path(__file__).resolve().parents[1] / "tools" / "corpus" / "articles"

# ------------------------------------------------------------------------------------------ URLs


def test_tracking_params_go_real_params_stay_sorted():
    url = (
        "https://example.com/news/iraq-talks?utm_source=twitter&page=2&utm_medium=social&id=77&fbclid=IwAR0"
        "&gclid=x&mc_cid=1&mc_eid=2&ocid=msn&cmpid=rss&smid=tw&ref=home&ref_src=twsrc&taid=3&s_cid=4"
        "&at_medium=a&at_campaign=b&_ga=2.1&igshid=q&spm=a.b&UTM_Campaign=Spring&lang=en"
    )
    assert canonicalize_url(url) == "https://example.com/news/iraq-talks?id=77&lang=en&page=2"


def test_params_that_only_look_like_tracking_are_kept():
    url = "https://example.com/search?referrer=a&q=iraq&utm=1&refresh=1"
    assert canonicalize_url(url) == "https://example.com/search?q=iraq&referrer=a&refresh=1&utm=1"


def test_repeated_keys_keep_their_order_and_blank_values_survive():
    assert canonicalize_url("https://example.com/s?tag=b&tag=a&empty=&x") == "https://example.com/s?empty=&tag=b&tag=a&x"


def test_query_vanishes_when_only_tracking_remains():
    assert canonicalize_url("https://example.com/a/?utm_source=x&fbclid=y") == "https://example.com/a"


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.com/world/iraq-us-talks",
        "HTTPS://EXAMPLE.COM/world/iraq-us-talks",
        "https://example.com:443/world/iraq-us-talks",
        "https://example.com/world/iraq-us-talks/",
        "https://example.com/world/iraq-us-talks#comments",
        "https://example.com/world/./iraq-us-talks",
        "https://example.com/world/x/../iraq-us-talks",
        "https://example.com/world/iraq%2Dus%2dtalks",
        "https://example.com./world/iraq-us-talks",
        "  https://example.com/world/iraq-us-talks\n",
        # AMP renderings
        "https://example.com/world/iraq-us-talks/amp",
        "https://example.com/world/iraq-us-talks/amp/",
        "https://example.com/amp/world/iraq-us-talks",
        "https://example.com/world/amp/iraq-us-talks",
        "https://example.com/world/iraq-us-talks?amp",
        "https://example.com/world/iraq-us-talks?amp=1",
        "https://example.com/world/iraq-us-talks?outputType=amp",
        "https://amp.example.com/world/iraq-us-talks",
        "https://example.com/world/iraq-us-talks.amp",
        # mobile and www
        "https://m.example.com/world/iraq-us-talks",
        "https://mobile.example.com/world/iraq-us-talks",
        "https://www.example.com/world/iraq-us-talks",
        "https://www.m.example.com/world/iraq-us-talks",
        # all at once
        "HTTPS://M.Example.com:443/amp/world/iraq-us-talks/?outputType=AMP&utm_source=fb#top",
    ],
)
def test_variants_of_one_page_share_a_canonical_url(variant):
    assert canonicalize_url(variant) == "https://example.com/world/iraq-us-talks"


def test_mobile_www_and_bare_domain_compare_equal():
    hosts = ["example.com", "www.example.com", "m.example.com", "mobile.example.com"]
    assert len({canonicalize_url(f"http://{host}/a?b=1") for host in hosts}) == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com", "http://example.com/"),
        ("http://www.example.com/", "http://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),  # not the default port: kept
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com/a%7Eb", "http://example.com/a~b"),  # unreserved characters unescaped
        ("http://example.com/caf%c3%a9", "http://example.com/caf%C3%A9"),  # escapes upper-cased
        ("http://example.com/café dé", "http://example.com/caf%C3%A9%20d%C3%A9"),  # unsafe characters escaped
        ("http://example.com/a%2Fb", "http://example.com/a%2Fb"),  # an escaped slash is not a slash
        ("http://example.com/100%", "http://example.com/100%25"),
        ("http://example.com/s?q=a%20b&r=x%3Dy", "http://example.com/s?q=a%20b&r=x%3Dy"),
        ("http://example.com/News/Story", "http://example.com/News/Story"),  # paths are case-sensitive
        ("https://m.co/a", "https://m.co/a"),  # a short domain is not a mobile subdomain
        ("https://www.bbc.co.uk/news/world-1.amp", "https://bbc.co.uk/news/world-1"),
        ("http://127.0.0.1:8000/x/", "http://127.0.0.1:8000/x"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("https://user@www.example.com/x", "https://user@example.com/x"),
        ("http://bücher.example/x", "http://xn--bcher-kva.example/x"),
    ],
)
def test_canonical_form(url, expected):
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize("url", ["mailto:desk@example.com", "ftp://example.com/a/", "/relative/path", "javascript:void(0)"])
def test_non_http_urls_are_returned_as_given(url):
    assert canonicalize_url(url) == url


def test_different_pages_stay_different():
    urls = [
        "https://example.com/world/iraq-us-talks",
        "https://example.com/world/iraq-us-talks-2",
        "https://example.com/World/iraq-us-talks",
        "https://example.com/world/iraq-us-talks?page=2",
        "https://news.example.com/world/iraq-us-talks",
        "http://example.com/world/iraq-us-talks",
        "https://example.org/world/iraq-us-talks",
    ]
    assert len({canonicalize_url(url) for url in urls}) == len(urls)


def test_canonicalisation_is_idempotent():
    urls = [
        "HTTPS://M.Example.com:443/amp/world/story/?b=2&a=1&utm_source=x#top",
        "http://example.com/caf%c3%a9 x?q=%7e&z=%zz",
        "https://www.example.com/a/../b/./c.amp?outputType=amp",
    ]
    for url in urls:
        once = canonicalize_url(url)
        assert canonicalize_url(once) == once


# ------------------------------------------------------------------------------------------ near-duplicates

STORY = """Iraq and the United States agreed on Thursday to begin talks on the future of the international
coalition against the Islamic State, officials in Baghdad said, opening a process that could see American
troops leave the country after a decade. Prime Minister Mohammed Shia al-Sudani said the Higher Military
Commission would set a timetable based on the threat posed by the militants, the readiness of Iraqi forces and
conditions on the ground. The Pentagon said the talks would lead to an enduring bilateral security partnership.
About 2,500 American troops remain in Iraq in an advisory role, along with 900 in neighbouring Syria. Rocket and
drone attacks on bases hosting them have grown since October, and the United States has answered with strikes
on militia targets, which Baghdad has condemned as violations of its sovereignty. Iraqi officials said the
first meeting of the commission would take place in the coming days and that the talks would be held in
Baghdad. Western diplomats said they expected the process to take months rather than weeks, and that any
drawdown would be gradual. The coalition was formed in 2014 after the militants seized Mosul and large parts of
northern and western Iraq, and it helped Iraqi forces retake the last territory they held in 2017."""

OTHER_STORY = """The United States and Iraq held a second round of their Joint Security Cooperation Dialogue in
Washington on Tuesday, with defense officials from both countries discussing training, equipment and the fight
against the remnants of the Islamic State. The Iraqi delegation was led by Defense Minister Thabet al-Abbasi,
who met Secretary of Defense Lloyd Austin at the Pentagon. Officials said the two sides reviewed the progress of
Iraqi forces since the end of the American combat mission in 2021 and agreed to expand cooperation on air
defense and border security. The Pentagon said American forces would continue to advise and assist Iraqi units
at the invitation of the government in Baghdad. Iraqi officials said they wanted more help with maintaining
aircraft and armored vehicles bought from the United States, many of which are out of service for lack of
spare parts. The dialogue was first held in 2023 and is meant to put the relationship between the two militaries
on a regular footing. Analysts in Baghdad said the meeting showed that both governments wanted to keep close
military ties even as political pressure to reduce the American presence grows."""


def syndicated_copies(text: str) -> list[str]:
    """What other outlets' copies of a wire story look like: cut short, a paragraph or sentence dropped, their
    own headline, byline and footer."""
    sentences = [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
    def joined(parts: list[str]) -> str:
        return ". ".join(parts).rstrip(".") + "."
    return [
        "Iraq, US to Discuss Coalition's Future\nBy Sarah Ahmed, Wire Service\n" + joined(sentences[: int(len(sentences) * 0.4)]),
        "BAGHDAD (Reuters) — " + joined(sentences[:3] + sentences[5:]) + "\nReporting by Sarah Ahmed; editing by Mark Potter.",
        joined(sentences[: int(len(sentences) * 0.7)]).replace("Thursday", "Friday")
        + "\nCopyright 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
        "Updated 14:32 GMT\n" + joined(sentences[:-2]) + "\nSign up for our daily briefing to get the most important stories in your inbox.",
    ]


def test_copies_cut_short_with_their_own_headline_and_footer_are_contained_in_the_story():
    story = shingles(STORY)
    for copy in syndicated_copies(STORY):
        assert is_copy(story, shingles(copy)), containment(story, shingles(copy))
    assert not is_copy(story, shingles(OTHER_STORY))  # same relationship, same vocabulary, another story
    assert containment(story, shingles(OTHER_STORY)) < dedup.MIN_CONTAINMENT / 2


def test_shingles_ignore_case_punctuation_and_spacing():
    assert shingles("U.S. troops,  in IRAQ — said officials.") == shingles("u s troops in iraq said officials")
    assert shingles("") == frozenset() and signature(shingles("")) is None
    assert shingles("two words") == {"two words"}


def test_a_shared_sentence_is_not_a_copy():
    quote = "Prime Minister Mohammed Shia al-Sudani said the Higher Military Commission would set a timetable."
    brief = "Iraq's parliament met on Sunday to discuss the budget. " + quote
    assert containment(shingles(STORY), shingles(brief)) > dedup.MIN_CONTAINMENT  # most of the brief is in the story
    assert not is_copy(shingles(STORY), shingles(brief))  # but fewer than MIN_SHARED shingles: a quote, not a copy


def test_syndicated_copies_cluster_and_different_stories_do_not():
    docs = [("other", OTHER_STORY), ("wire", STORY)]
    docs += [(f"copy-{i}", copy) for i, copy in enumerate(syndicated_copies(STORY))]
    docs += [(f"other-copy-{i}", copy) for i, copy in enumerate(syndicated_copies(OTHER_STORY))]
    mapping = cluster_texts(docs)
    assert {doc_id: mapping[doc_id] for doc_id in ("wire", "copy-0", "copy-1", "copy-2", "copy-3")} == dict.fromkeys(
        ("wire", "copy-0", "copy-1", "copy-2", "copy-3"), "wire"
    )
    assert all(mapping[f"other-copy-{i}"] == "other" for i in range(4))
    assert story_sizes(mapping) == {"other": 5, "wire": 5}


def test_copies_join_each_other_without_the_original():
    mapping = cluster_texts([(f"copy-{i}", copy) for i, copy in enumerate(syndicated_copies(STORY))])
    assert set(mapping.values()) == {"copy-0"}


def test_story_id_is_the_earliest_doc_in_input_order():
    mapping = cluster_texts([("z-copy", syndicated_copies(STORY)[0]), ("a-original", STORY)])
    assert mapping == {"z-copy": "z-copy", "a-original": "z-copy"}


def test_exact_and_empty_documents():
    mapping = cluster_texts([("a", STORY), ("b", STORY), ("e1", ""), ("e2", "  — "), ("c", OTHER_STORY)])
    assert mapping == {"a": "a", "b": "a", "e1": "e1", "e2": "e2", "c": "c"}  # no text is no evidence


def test_a_stricter_rule_splits_what_a_looser_one_merges():
    short = syndicated_copies(STORY)[0]
    share = containment(shingles(STORY), shingles(short))
    assert 0 < share < 1
    docs = [("wire", STORY), ("short", short)]
    assert cluster_texts(docs, min_containment=share)["short"] == "wire"
    assert cluster_texts(docs, min_containment=share + 0.01)["short"] == "short"


def test_repeated_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        cluster_texts([("a", STORY), ("a", OTHER_STORY)])


def test_story_sizes_counts_documents_per_story():
    assert story_sizes({"a": "a", "b": "a", "c": "c"}) == {"a": 2, "c": 1}
    assert story_sizes({}) == {}


def test_signatures_are_stable_and_survive_the_warehouse_column():
    # Fixed bytes: signatures kept in core.articles.minhash must still compare after a restart or an upgrade.
    sig = signature(shingles("Iraq and the United States agreed to begin talks on the coalition"))
    blob = dedup.to_bytes(sig)
    assert len(blob) == 4 * dedup.NUM_PERM
    assert hashlib.sha256(blob).hexdigest()[:16] == "7e3fdc85b34432ea"
    assert dedup.from_bytes(blob).jaccard(sig) == 1.0
    assert dedup.from_bytes(blob[:-4]) is None  # not a signature bilat wrote


def test_candidates_are_a_small_share_of_all_pairs():
    rng = random.Random(3)
    words = [f"w{n}" for n in range(5000)]
    sigs = [signature(shingles(" ".join(rng.choices(words, k=80)))) for _ in range(400)]
    pairs = dedup.candidate_pairs(sigs)
    assert len(pairs) < 0.01 * (400 * 399 / 2), len(pairs)
    assert dedup.candidate_pairs([signature(shingles(STORY))] * 3, first_new=2) == {(0, 2), (1, 2)}  # old ones stay unpaired


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="the corpus sources (tools/corpus/articles) are not in this checkout")
def test_bundled_articles_stay_apart_and_their_copies_join_them():
    originals = sorted(p for p in ARTICLES.glob("*.yaml") if "syndicated" not in p.name)  # the corpus's own copies aside
    bodies = [yaml.safe_load(path.read_text(encoding="utf-8"))["body"] for path in originals]
    docs = [(f"a{n}", body) for n, body in enumerate(bodies)]
    docs += [(f"a{n}-copy{k}", copy) for n, body in enumerate(bodies) for k, copy in enumerate(syndicated_copies(body)[:2])]
    mapping = cluster_texts(docs)
    assert story_sizes(mapping) == {f"a{n}": 3 for n in range(len(bodies))}


# ------------------------------------------------------------------------------------------ the page's own URL


def page(canonical: str = "", og: str = "", paragraphs: str = STORY, title: str = "Iraq and US to begin talks") -> bytes:
    head = (f'<link rel="canonical" href="{canonical}">' if canonical else "") + (f'<meta property="og:url" content="{og}">' if og else "")
    body = "".join(f"<p>{p}</p>" for p in paragraphs.split(". "))
    return f"<html lang='en'><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>{body}</article></body></html>".encode()


@pytest.mark.parametrize(("html", "expected"), [
    (page(canonical="/world/iraq-talks"), "https://news.example/world/iraq-talks"),  # resolved against the fetched URL
    (page(canonical="https://wire.example/a/1", og="https://news.example/og"), "https://wire.example/a/1"),  # canonical first
    (page(og="https://news.example/world/iraq-talks"), "https://news.example/world/iraq-talks"),
    (page(canonical="https://news.example/", og="https://news.example/world/iraq-talks"), "https://news.example/world/iraq-talks"),
    (page(canonical="https://news.example/"), None),  # a home page is a template's mistake, not this article
    (page(canonical="javascript:alert(1)"), None),
    (page(canonical="http://[bad/x"), None),
    (page(), None),
])
def test_the_url_a_page_names_as_its_own(html, expected):
    assert declared_url(lxml.html.fromstring(html), "https://news.example/world/iraq-talks?utm_source=x") == expected


def test_rel_is_a_list_of_tokens():
    html = b'<html><head><link rel="alternate" href="https://news.example/feed"><link REL="Canonical amphtml" href="https://news.example/a/1"></head></html>'
    assert declared_url(lxml.html.fromstring(html), "https://m.news.example/a/1") == "https://news.example/a/1"


# ------------------------------------------------------------------------------------------ the parse stage


def _document(store: RawStore, url: str, body: bytes, day: date, hour: int = 9) -> dict:
    return {"doc_id": hashlib.sha1(url.encode()).hexdigest()[:16], "url": url, "source": "test", "content_hash": store.put(body),
            "content_length": len(body), "published_at": datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc),
            "fetched_at": datetime(2025, 1, 1, tzinfo=timezone.utc), "date_source": "page", "partition_date": day,
            "canonical_url": canonicalize_url(url), "error": None, "fetch_outcome": "fetched"}


def _parse_days(con, store: RawStore, docs: list[dict]) -> None:
    append(con, "raw.documents", to_arrow(TABLES_BY_NAME["raw.documents"], docs))
    for day in sorted({d["partition_date"] for d in docs}):
        stages.parse_articles(con, store, day, date.fromordinal(day.toordinal() + 1))


def test_parsing_links_copies_across_days_and_drops_mirrors_of_one_page(tmp_path: Path):
    store, day1, day2 = RawStore(tmp_path / "raw"), date(2024, 1, 25), date(2024, 1, 26)
    short = ". ".join(STORY.split(". ")[:5])  # a copy cut to 40 %, with its own headline and footer
    with connect(tmp_path / "w.duckdb") as con:
        _parse_days(con, store, [
            _document(store, "https://wire.example/iraq-talks", page(canonical="https://wire.example/iraq-talks"), day1),
            _document(store, "https://paper.example/world/talks", page(paragraphs=short + ". Reporting by Sarah Ahmed; editing by Mark Potter",
                                                                     title="Iraq sets date for coalition talks"), day2),
            _document(store, "https://mirror.example/world/talks-2", page(canonical="https://paper.example/world/talks?utm_source=feed",
                                                                        paragraphs=short + ". Mirrored"), day2, hour=10),
            _document(store, "https://paper.example/world/dialogue", page(paragraphs=OTHER_STORY, title="Security dialogue"), day2),
        ])
        articles = {r["url"]: r for r in read_rows(con, "SELECT url, article_id, story_id, canonical_url, minhash FROM core.articles")}
        outcomes = {r["url"]: (r["outcome"], r["reason"]) for r in read_rows(con, "SELECT url, outcome, reason FROM core.document_outcomes")}
        wire = articles["https://wire.example/iraq-talks"]
        assert articles["https://paper.example/world/talks"]["story_id"] == wire["article_id"] == wire["story_id"]
        assert articles["https://paper.example/world/dialogue"]["story_id"] == articles["https://paper.example/world/dialogue"]["article_id"]
        assert wire["canonical_url"] == "https://wire.example/iraq-talks" and articles["https://paper.example/world/talks"]["canonical_url"] is None
        assert outcomes["https://mirror.example/world/talks-2"] == ("duplicate", "same canonical URL as an earlier article")
        assert all(len(a["minhash"]) == 4 * dedup.NUM_PERM for a in articles.values())

        # an article kept before signatures were (minhash NULL) is still found, from its text; a re-run changes nothing
        con.execute("UPDATE core.articles SET minhash = NULL WHERE partition_date = ?", [day1])
        stages.parse_articles(con, store, day2, date(2024, 1, 27))
        again = {r["url"]: r["story_id"] for r in read_rows(con, "SELECT url, story_id FROM core.articles")}
        assert again == {url: a["story_id"] for url, a in articles.items()}
