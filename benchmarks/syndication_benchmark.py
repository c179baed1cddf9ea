"""Syndicated copies: how many copies of one story bilat merges, and whether it ever merges different stories.

    .venv/bin/python benchmarks/syndication_benchmark.py [--copies 10] [--seed 1] [--corpus PATH]

Stories are real text: the bundled corpus's articles (tools/corpus/articles; its two syndicated copies count
as copies of their originals) and the 48 Voice of America stories of ../shared/corpora/voa/voa-dev.jsonl
(read where they are, never copied here; left out, saying so, when absent). Each story gets --copies copies
made the way outlets cut a wire story: kept to 40-100 % of its words from the top, sometimes a paragraph or
two and a sentence dropped, its own headline (sometimes as the first line), byline or dateline credit, footer
(copyright line, "Reporting by", newsletter prompt, links to other stories) and house style (straight quotes,
"US" for "U.S.").

Per shingle size and containment threshold it reports:

* merged: the share of copies that end in their original's story (all copies and originals clustered
  together), and without the originals (each story's copies alone: the share in their largest group);
* false merges: pairs of different stories that end up sharing a story id, and how many of those are on the
  same topic (corpus: the same dyad; VOA: the same desk); also follow-ups, a story with one paragraph of
  another pasted in as background;
* the closest pair of different stories (highest containment) and the least-contained copy;
* time: signatures, and the clustering (LSH candidates plus the exact rule).

Measured (seed 1, 10 copies a story, 93 stories, 932 copies; 2-core machine shared with other jobs, so times
vary by 2x): 5-shingles, LSH 0.15, containment 0.35 (bilat's rule): merged 1.000 (1.000 without the originals),
0 false merges among 4278 pairs of different stories (493 on the same topic), 0 of 164 follow-ups; containment
0.25 merges one pair, 0.20 nine; 0.50 merges 0.995 of copies. Closest different stories 0.147, least-contained
copy 0.411. Signatures ≈ 3-6 ms a text (hashing each shingle with SHA-1 is most of it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bilat.evaluate import voa_corpus
from bilat.fetch import dedup

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tools" / "corpus" / "articles"
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")

NAMES = ["Sarah Ahmed", "Mark Potter", "Lina Haddad", "John Irish", "Maya Gebeily", "Timour Azhari", "Ahmed Rasheed"]
AGENCIES = ["Reuters", "The Associated Press", "AFP", "Wire Service", "Gulf Wire"]
FOOTERS = [
    "Copyright {year} {agency}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.",
    "Reporting by {name} in {city}; additional reporting by {name2}; editing by {name3}.",
    "Sign up for our daily briefing to get the most important stories of the day in your inbox every morning.",
    "This story has been corrected to fix the spelling of a name in the fourth paragraph.",
    "Follow us on social media for the latest news from the region and around the world.",
]
CITIES = ["Baghdad", "Washington", "Ankara", "Tehran", "Dubai", "Beirut", "London"]


@dataclass
class Story:
    key: str
    topic: str
    paragraphs: list[str]
    title: str
    copies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def corpus_stories() -> list[Story]:
    stories, copies = {}, []
    for path in sorted(ARTICLES.glob("*.yaml")):
        raw = path.read_text(encoding="utf-8")
        art = yaml.safe_load(raw)
        paragraphs = [p.strip() for p in art["body"].split("\n\n") if p.strip()]
        original = re.match(r"# A syndicated copy of (\S+):", raw)
        if original:
            copies.append((original[1], "\n\n".join(paragraphs)))
        else:
            stories[art["slug"]] = Story(art["slug"], "dyad:" + "-".join(sorted(art["dyad"])), paragraphs, art["title"])
    for slug, text in copies:
        stories[slug].copies.append(text)  # the corpus's own copies, as an outlet printed them
    return list(stories.values())


def voa_stories(path: Path) -> list[Story]:
    stories = []
    for line in path.open(encoding="utf-8"):
        story = json.loads(line)
        sentences = _SENTENCE.split(story["text"])  # VOA's text is one string: paragraphs of three sentences
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        stories.append(Story(f"voa:{story['id']}", "voa:" + story["section"], paragraphs, story["title"]))
    return stories


def make_copy(story: Story, others: list[Story], rng: random.Random) -> str:
    """One outlet's copy of ``story``."""
    words_wanted = rng.uniform(0.4, 1.0) * len(story.text.split())
    kept, count = [], 0
    for paragraph in story.paragraphs:  # cut from the bottom, at a sentence
        sentences = _SENTENCE.split(paragraph)
        taken = []
        for sentence in sentences:
            if count >= words_wanted:
                break
            taken.append(sentence)
            count += len(sentence.split())
        if taken:
            kept.append(" ".join(taken))
        if count >= words_wanted:
            break
    for _ in range(rng.choice([0, 0, 1, 1, 2])):  # paragraphs dropped, never the lede
        if len(kept) > 2:
            kept.pop(rng.randrange(1, len(kept)))
    if rng.random() < 0.5 and len(kept) > 1:  # one sentence dropped
        index = rng.randrange(1, len(kept))
        sentences = _SENTENCE.split(kept[index])
        if len(sentences) > 1:
            sentences.pop(rng.randrange(len(sentences)))
            kept[index] = " ".join(sentences)
    name, agency, city = rng.choice(NAMES), rng.choice(AGENCIES), rng.choice(CITIES)
    credit = rng.choice([f"By {name}, {agency}", f"{agency} staff", f"{city.upper()} ({agency}) —"])
    lede_words = re.findall(r"[A-Za-z]+", kept[0])
    headline = " ".join(w.capitalize() for w in rng.sample(lede_words, min(8, len(lede_words))))
    lines = ([headline] if rng.random() < 0.5 else []) + [credit] + kept
    footer = rng.choice(FOOTERS).format(year=rng.randint(2014, 2025), agency=agency, name=name, name2=rng.choice(NAMES),
                                        name3=rng.choice(NAMES), city=city)
    lines.append(footer)
    if rng.random() < 0.4:  # links to other stories of the day
        lines += ["Related coverage:"] + [o.title for o in rng.sample(others, 3)]
    text = "\n\n".join(lines)
    if rng.random() < 0.5:  # house style
        text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("U.S.", "US")
    return text


def follow_up(story: Story, background: Story, rng: random.Random) -> str:
    """A different story that pastes one paragraph of ``background`` in as context."""
    paragraphs = list(story.paragraphs)
    paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(background.paragraphs[1:] or background.paragraphs))
    return "\n\n".join(paragraphs)


def groups(mapping: dict[str, str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for doc, story in mapping.items():
        found.setdefault(story, set()).add(doc)
    return found


def cluster(docs: list[tuple[str, str]], sets: dict[str, frozenset], sigs: dict[str, object], threshold: float,
            lsh_threshold: float) -> dict[str, str]:
    ids = [doc_id for doc_id, _ in docs]
    index_sets = [sets[i] for i in ids]
    return dedup.cluster_signatures(ids, [sigs[i] for i in ids], lambda wanted: {i: index_sets[i] for i in wanted},
                                    min_containment=threshold, lsh_threshold=lsh_threshold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10, help="copies made of each story (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="voa-dev.jsonl (default: ../shared/corpora/voa/voa-dev.jsonl)")
    parser.add_argument("--shingles", type=int, nargs="+", default=[3, 4, 5], help="shingle sizes to try")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.2, 0.25, 0.3, 0.35, 0.4, 0.5])
    parser.add_argument("--lsh", type=float, nargs="+", default=[dedup.LSH_THRESHOLD], help="LSH Jaccard thresholds")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stories = corpus_stories()
    print(f"{len(stories)} stories of the bundled corpus", end="")
    corpus = args.corpus or voa_corpus(ROOT)
    if corpus and corpus.is_file():
        voa = voa_stories(corpus)
        stories += voa
        print(f" and {len(voa)} VOA stories ({corpus})")
    else:
        print("; no VOA stories (../shared/corpora/voa/voa-dev.jsonl is absent; pass --corpus): corpus only")
    for story in stories:
        story.copies += [make_copy(story, [o for o in stories if o is not story], rng) for _ in range(args.copies)]
    by_topic: dict[str, list[Story]] = {}
    for story in stories:
        by_topic.setdefault(story.topic, []).append(story)
    follow_ups = []  # (id, text, the story whose paragraph it borrowed)
    for topic_stories in by_topic.values():
        for a, b in itertools.permutations(topic_stories, 2):
            if rng.random() < 0.15:
                follow_ups.append((f"followup:{a.key}<{b.key}", follow_up(a, b, rng), b.key))

    originals = [(s.key, s.text) for s in stories]
    copies = [(f"{s.key}#copy{n}", text) for s in stories for n, text in enumerate(s.copies)]
    story_of = {doc_id: doc_id.split("#")[0] for doc_id, _ in originals + copies}
    topic_of = {s.key: s.topic for s in stories}
    same_topic_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_topic.values())
    print(f"{len(copies)} copies ({len(copies) / len(stories):.1f} a story: cut to 40-100 %, paragraphs and sentences dropped, "
          f"own headline, credit and footer), {len(stories) * (len(stories) - 1) // 2} pairs of different stories "
          f"({same_topic_pairs} on the same topic), {len(follow_ups)} follow-ups sharing one paragraph")
    words = sorted(len(t.split()) for _, t in copies)
    print(f"copies' length: {words[0]}-{words[-1]} words, median {words[len(words) // 2]}\n")

    header = (f"{'shingles':>8} {'LSH':>5} {'rule':>5} {'merged':>8} {'w/o orig':>9} {'false':>6} {'same topic':>11} "
              f"{'follow-up':>10} {'cluster s':>10}")
    print(header)
    print("-" * len(header))
    for size in args.shingles:
        all_docs = originals + copies + [(i, t) for i, t, _ in follow_ups]
        start = time.perf_counter()
        sets = {doc_id: dedup.shingles(text, size) for doc_id, text in all_docs}
        sigs = {doc_id: dedup.signature(s) for doc_id, s in sets.items()}
        signing = time.perf_counter() - start
        closest = max((dedup.containment(sets[a.key], sets[b.key]), a.key, b.key) for a, b in itertools.combinations(stories, 2))
        loosest = min((dedup.containment(sets[story_of[c]], sets[c]), c) for c, _ in copies)
        for lsh_threshold, threshold in itertools.product(args.lsh, args.thresholds):
            start = time.perf_counter()
            together = cluster(originals + copies, sets, sigs, threshold, lsh_threshold)
            elapsed = time.perf_counter() - start
            merged = sum(together[c] == together[story_of[c]] for c, _ in copies) / len(copies)
            alone = 0
            for story in stories:
                own = [(c, t) for c, t in copies if story_of[c] == story.key]
                alone += max(len(g) for g in groups(cluster(own, sets, sigs, threshold, lsh_threshold)).values())
            false_pairs = set()
            for members in groups(together).values():
                keys = sorted({story_of[m] for m in members})
                false_pairs.update(itertools.combinations(keys, 2))
            same = sum(topic_of[a] == topic_of[b] for a, b in false_pairs)
            follow = sum(
                cluster([(b, dict(originals)[b]), (i, t)], sets, sigs, threshold, lsh_threshold)[i] == b for i, t, b in follow_ups
            )
            print(f"{size:>8} {lsh_threshold:>5.2f} {threshold:>5.2f} {merged:>8.3f} {alone / len(copies):>9.3f} "
                  f"{len(false_pairs):>6} {same:>11} {follow:>6}/{len(follow_ups):<3} {elapsed:>10.2f}")
        print(f"{'':>8} signatures of {len(all_docs)} texts: {signing:.2f} s; closest different stories: containment "
              f"{closest[0]:.3f} ({closest[1]} / {closest[2]}); least-contained copy: {loosest[0]:.3f} ({loosest[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
