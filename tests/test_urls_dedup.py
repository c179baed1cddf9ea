"""URL canonicalisation and near-duplicate clustering of syndicated copies."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import yaml

from bilat.fetch import dedup
from bilat.fetch.dedup import (
    candidate_pairs,
    cluster_near_duplicates,
    hamming,
    probe_radius,
    simhash,
    story_sizes,
)
from bilat.fetch.urls import canonicalize_url

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
    """What another site's copy of a wire story looks like: its own byline, footer or a light edit."""
    return [
        "By Sarah Ahmed, Wire Service\nBAGHDAD —\n" + text,
        text + "\nReporting by Sarah Ahmed; editing by Mark Potter. All rights reserved.",
        text.replace("Thursday", "Friday").replace("“", '"'),
        "Updated 14:32 GMT\n" + text.replace(" and that the talks would be held in Baghdad", ""),
    ]


def test_simhash_is_stable_across_processes():
    # A fixed value: Python's salted hash() would give another value in every process.
    assert simhash("Iraq and the United States agreed to begin talks") == 0xB80950C5810D110A
    assert simhash("") == 0


def test_simhash_ignores_case_punctuation_and_spacing():
    assert simhash("U.S. troops,  in IRAQ — said officials.") == simhash("u s troops in iraq said officials")


def test_hamming_counts_differing_bits():
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(0, 2**64 - 1) == 64


def test_syndicated_copies_are_near_and_different_stories_are_far():
    base = simhash(STORY)
    copies = [hamming(base, simhash(copy)) for copy in syndicated_copies(STORY)]
    assert max(copies) <= dedup.DEFAULT_MAX_DISTANCE, copies
    assert hamming(base, simhash(OTHER_STORY)) > 2 * dedup.DEFAULT_MAX_DISTANCE


def test_syndicated_copies_cluster_and_different_stories_do_not():
    docs = [("other", OTHER_STORY), ("wire", STORY)]
    docs += [(f"copy-{i}", copy) for i, copy in enumerate(syndicated_copies(STORY))]
    docs += [(f"other-copy-{i}", copy) for i, copy in enumerate(syndicated_copies(OTHER_STORY))]
    mapping = cluster_near_duplicates(docs)
    assert {doc_id: mapping[doc_id] for doc_id in ("wire", "copy-0", "copy-1", "copy-2", "copy-3")} == dict.fromkeys(
        ("wire", "copy-0", "copy-1", "copy-2", "copy-3"), "wire"
    )
    assert all(mapping[f"other-copy-{i}"] == "other" for i in range(4))
    assert story_sizes(mapping) == {"other": 5, "wire": 5}


def test_story_id_is_the_earliest_doc_in_input_order():
    mapping = cluster_near_duplicates([("z-copy", syndicated_copies(STORY)[0]), ("a-original", STORY)])
    assert mapping == {"z-copy": "z-copy", "a-original": "z-copy"}


def test_exact_and_empty_documents():
    mapping = cluster_near_duplicates([("a", STORY), ("b", STORY), ("e1", ""), ("e2", "  — "), ("c", OTHER_STORY)])
    assert mapping == {"a": "a", "b": "a", "e1": "e1", "e2": "e2", "c": "c"}  # no text is no evidence


def test_a_tighter_threshold_splits_what_a_looser_one_merges():
    docs = [("wire", STORY), ("edited", syndicated_copies(STORY)[3])]
    distance = hamming(simhash(STORY), simhash(docs[1][1]))
    assert distance > 0
    assert cluster_near_duplicates(docs, max_distance=distance)["edited"] == "wire"
    assert cluster_near_duplicates(docs, max_distance=distance - 1)["edited"] == "edited"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unique"):
        cluster_near_duplicates([("a", "x"), ("a", "y")])
    with pytest.raises(ValueError, match="max_distance"):
        cluster_near_duplicates([("a", "x")], max_distance=16)


def test_story_sizes_counts_documents_per_story():
    assert story_sizes({"a": "a", "b": "a", "c": "c"}) == {"a": 2, "c": 1}
    assert story_sizes({}) == {}


# ------------------------------------------------------------------------------------------ banding


def flip(value: int, *bits: int) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


def test_banding_finds_a_pair_sharing_one_band():
    base = 0x0123_4567_89AB_CDEF
    near = flip(base, 0, 17, 40)  # bands 0, 1 and 2 differ; band 3 is shared
    far = flip(base, 0, 17, 40, 63)  # every band differs by one bit
    assert candidate_pairs([base, near]) == {(0, 1)}
    assert candidate_pairs([base, far]) == set()
    assert candidate_pairs([base, far], radius=1) == {(0, 1)}  # probing one bit around each band finds it


def test_probe_radius_guarantees_every_pair_within_max_distance():
    rng = random.Random(7)
    hashes = []
    for _ in range(40):
        base = rng.getrandbits(64)
        hashes.append(base)
        hashes += [flip(base, *rng.sample(range(64), rng.randrange(16))) for _ in range(3)]
    for max_distance in range(dedup.MAX_SUPPORTED_DISTANCE + 1):
        found = candidate_pairs(hashes, probe_radius(max_distance))
        for i, j in itertools.combinations(range(len(hashes)), 2):
            if hamming(hashes[i], hashes[j]) <= max_distance:
                assert (i, j) in found, (max_distance, i, j)


def test_clustering_compares_candidates_not_all_pairs(monkeypatch):
    rng = random.Random(3)
    words = [f"w{n}" for n in range(5000)]
    docs = [(f"d{n}", " ".join(rng.choices(words, k=80))) for n in range(400)]
    calls = []
    real_hamming = dedup.hamming
    monkeypatch.setattr(dedup, "hamming", lambda a, b: calls.append(1) or real_hamming(a, b))
    mapping = cluster_near_duplicates(docs)
    assert len(set(mapping.values())) == 400
    assert len(calls) < 0.05 * (400 * 399 / 2), len(calls)


@pytest.mark.skipif(not ARTICLES.is_dir(), reason="the corpus sources (tools/corpus/articles) are not in this checkout")
def test_bundled_articles_stay_apart_and_their_copies_join_them():
    originals = sorted(p for p in ARTICLES.glob("*.yaml") if "syndicated" not in p.name)  # the corpus's own copies aside
    bodies = [yaml.safe_load(path.read_text(encoding="utf-8"))["body"] for path in originals]
    docs = [(f"a{n}", body) for n, body in enumerate(bodies)]
    docs += [(f"a{n}-copy{k}", copy) for n, body in enumerate(bodies) for k, copy in enumerate(syndicated_copies(body)[:2])]
    mapping = cluster_near_duplicates(docs)
    assert story_sizes(mapping) == {f"a{n}": 3 for n in range(len(bodies))}
