"""Extraction throughput on real prose: the Voice of America stories of ../shared/corpora/voa, in the default
reading mode (rules plus the en_core_web_sm entity recogniser on the sentences that need it) and rules-only,
one core, medians of several runs, run one after the other in the same sitting so the ratio is fair.

    .venv/bin/python benchmarks/reading_benchmark.py [--runs 5] [--corpus PATH]

Per mode it prints articles per second for the whole of extraction (entities, claims, interactions) and the
part of it the recogniser takes; the model is loaded before timing starts (about 3 s, once per process).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bilat import settings
from bilat.evaluate import voa_corpus
from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.ner import load_recognizer, recognize
from bilat.extract.entities import find_entities
from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities, extract_interactions
from bilat.extract.text import tokenize


def extract_all(articles: list[ArticleText], recognizer) -> None:
    for article in articles:
        entities = extract_entities(article, recognizer=recognizer)
        claims = extract_claims(article, entities)
        extract_interactions(article, entities, claims.events, claims.quotes)


def model_only(articles: list[ArticleText], recognizer) -> None:
    """The recogniser's share: the candidate sentences it reads, given the rules' findings (computed outside)."""
    gaz = default_gazetteer()
    found = [find_entities(a.text, tokenize(a.text), a.sentences, gaz) for a in articles]
    began = time.perf_counter()
    for article, findings in zip(articles, found):
        recognize(recognizer, article.text, article.sentences, findings)
    return time.perf_counter() - began


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="voa-dev.jsonl (default: ../shared/corpora/voa/voa-dev.jsonl)")
    args = parser.parse_args()
    corpus = args.corpus or voa_corpus(Path(__file__).resolve().parent)
    if corpus is None or not corpus.is_file():
        print("no VOA corpus here (../shared/corpora/voa/voa-dev.jsonl); pass --corpus", file=sys.stderr)
        return 2
    stories = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    articles = [ArticleText.of(s["text"], date.fromisoformat(s["published"][:10])) for s in stories]
    chars = sum(len(a.text) for a in articles)
    print(f"{len(articles)} VOA stories, {chars / len(articles):,.0f} characters each on average; {args.runs} runs, medians, one core")
    recognizer = load_recognizer(settings.DEFAULT_NER_MODEL)
    extract_all(articles[:2], recognizer)  # warm up: caches, the model's first call
    rules = median_seconds(lambda: extract_all(articles, None), args.runs)
    default = median_seconds(lambda: extract_all(articles, recognizer), args.runs)
    model = statistics.median(model_only(articles, recognizer) for _ in range(args.runs))
    print(f"{'mode':<28}{'articles/s':>12}{'s per run':>12}")
    print(f"{'rules only':<28}{len(articles) / rules:>12.1f}{rules:>12.2f}")
    print(f"{'default (rules + NER)':<28}{len(articles) / default:>12.1f}{default:>12.2f}")
    print(f"{'  of which the recogniser':<28}{'':>12}{model:>12.2f}  ({model / default:.0%} of the default's time)")
    print(f"default / rules-only throughput: {rules / default:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
