"""A synthetic corpus of N unique news pages for benchmarks at scale, made from the bundled corpus.

    .venv/bin/python benchmarks/synthetic_corpus.py --pages 10000 --out /tmp/bilat-scale/corpus-10k [--seed 1]
    .venv/bin/python benchmarks/synthetic_corpus.py serve --corpus /tmp/bilat-scale/corpus-10k   # over HTTP

The bundled corpus (tools/corpus/articles/*.yaml, the 45 stories without their two syndicated copies) is the
material, and tools/corpus/build.py's four page layouts render it, so the pages look like the bundled ones:
header, navigation, cookie banner, sidebar, related links, footer, dates in <meta>, <time>, JSON-LD or nowhere.

* **Collection days at a fixed rate.** Pages are filed ``--per-day`` (2,000) to a collection day: one archive
  folder per day (``day-YYYY-MM-DD/``: archive.yaml with that day as ``captured_at``, feed.xml, sitemap.xml,
  the pages mirrored as host/path.html), the first day ``--start``. A day's window is therefore the same size
  at 10k (5 days) and 100k (50 days), so a per-window cost shows as a constant and only what grows with the
  warehouse grows; a corpus smaller than a day is one partial day. ``sources.yaml`` lists the days' archives
  for ``bilat run --sources``; ``corpus.json`` records the parameters, the counts, every planned copy (copy
  URL -> original URL) and every bad page; ``pages.txt`` lists every page file.
* **Every text unique, and no two pages near-copies by chance.** Each page is 350-650 words of new prose: a
  lede sentence from one bundled story (its first or another; its headline, section and dateline go with it),
  then sentences drawn from all the stories (a quarter from the same pair of countries; the sentences of one
  quotation stay together), regrouped into paragraphs of one to three sentences. Each time a sentence is used
  it is written anew: people's names (half the people a page names get an invented name, the full name and
  the surname alike), numbers (scaled 0.6-1.4x, to the same precision), dates (moved with the page's
  publication date, less a lag of up to 30 days), weekdays, and words that read the same to bilat's rules
  (agreement/accord/pact, talks/negotiations, Iraqi/Iraq's, US/U.S., ISIS/ISIL/Daesh ...); sometimes a
  connective before it ("Meanwhile,"), an aside at a clause's comma ("for now"), an attribution after it
  ("officials said"). A page whose text equals an earlier one is drawn again. Whole paragraphs, or sentences
  used verbatim, would not do at scale: with 30,000 pages within a week of each other (bilat compares an
  article with every article published within 7 days), a fixed unit of text recurs in hundreds of pages, and
  different pages would share a third of their 5-shingles (bilat's rule for a syndicated copy) by chance.
  Measured on 14,000 pages (a week): every planned copy joins its original; 12 groups of 53 pages (0.4 %)
  join by chance (recombining whole paragraphs instead, 4,000 pages already had 178 such groups).
* **Publication dates over days.** A page is published in the 36 hours before its day's capture (a page of
  day D is dated D-1 or D), at any hour; 5 % carry no date in the page (the feed or the sitemap dates them,
  or nothing does), 20 % are not in the feed (the sitemap lists every page).
* **Layouts varied.** Twelve outlets over the four layouts, each with its own name, host, URL pattern and
  dateline style; pages get, at random, a photo with a caption, an advertisement slot, a "Read more" link,
  a newsletter prompt between paragraphs, and related and most-read links to the outlet's recent pages.
* **Syndicated near-copies (5 %: 5 in every 100 pages).** A recent page (the same day or the day before)
  carried by another outlet a few hours later: cut to 40-100 % of its words at a sentence, sometimes a
  paragraph dropped, with its own headline, a credit line ("By ..., Agency", "Agency staff") and a footer.
  Their texts differ from their originals' (credit and footer), so none is an exact copy.
* **Bad pages (2 %: 1 in every 50 pages, the four kinds in turn).** An empty body, binary junk (a PNG header
  and noise, or noise with NUL bytes), HTML cut off before the article, and a page with its layout but no
  article text (a one-line stub).
* **Served over HTTP.** ``serve`` starts tests/httpserver.py's uvicorn server on 127.0.0.1 over the corpus
  folder and writes ``urls-http.txt`` and ``sources-http.yaml`` (one URL-list source) beside it.

Deterministic: the same --seed, --pages, --per-day and --start give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import re
import shutil
import sys
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import yaml

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tools" / "corpus" / "articles"
GENERATOR_VERSION = 1  # bumped when the same parameters would give other pages


def _load_build():
    """tools/corpus/build.py (not a package): its page layouts, feed and sitemap renderers."""
    spec = importlib.util.spec_from_file_location("bilat_corpus_build", ROOT / "tools" / "corpus" / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


build = _load_build()

PER_DAY = 2_000
START = date(2026, 6, 1)
SYNDICATED_SHARE = 0.05
BAD_SHARE = 0.02
UNDATED_SHARE = 0.05
NOT_IN_FEED_SHARE = 0.20
RENAMED_SHARE = 0.50  # of the people a page names, those given an invented name
SAME_DYAD_SHARE = 0.25  # of a page's sentences, those drawn from stories of the same pair of countries
BAD_KINDS = ("empty", "binary", "truncated", "no-text")
BLOCK = 50  # pages over which the shares of copies and bad pages hold exactly

# (key, name, host, template, url pattern, undated url pattern, dateline style, tagline, extra nav)
_OUTLETS = [
    ("tigris-ledger", "The Tigris Ledger", "www.tigrisledger.example", "ledger", "/{section}/{yyyy}/{mm}/{dd}/{slug}",
     "/{section}/{slug}", "span", "Independent reporting from Baghdad and the two rivers", ["Opinion", "Culture"]),
    ("euphrates-herald", "The Euphrates Herald", "www.euphratesherald.example", "ledger", "/{yyyy}/{mm}/{dd}/{section}/{slug}",
     "/{section}/{slug}", "plain", "News and comment from the Euphrates valley", ["Opinion", "Books"]),
    ("zagros-times", "Zagros Times", "zagrostimes.example", "ledger", "/news/{section}/{slug}-{hash6}",
     "/news/{section}/{slug}-{hash6}", "span", "From the mountains to the Gulf", ["Kurdistan", "Culture"]),
    ("potomac-wire", "Potomac Wire", "potomacwire.example", "wire", "/news/{yyyy}/{mm}/{slug}",
     "/news/{slug}", "plain", "Fast, fair news from Washington", ["Congress", "Pentagon", "Video"]),
    ("capitol-dispatch", "Capitol Dispatch", "www.capitoldispatch.example", "wire", "/{yyyy}/{mm}/{dd}/{slug}",
     "/stories/{slug}", "plain", "Washington, from the inside", ["Congress", "White House"]),
    ("atlantic-newswire", "Atlantic Newswire", "atlanticnewswire.example", "wire", "/world/{section}/{yyyy}{mm}{dd}-{slug}",
     "/world/{section}/{slug}", "span", "The world's news, on the wire", ["World", "Markets"]),
    ("levant-monitor", "Levant Monitor", "www.levantmonitor.example", "monitor", "/articles/{slug}-{hash6}",
     "/articles/{slug}-{hash6}", "span", "Analysis and news across the Levant and the Gulf", ["Analysis", "Podcasts"]),
    ("bosphorus-review", "Bosphorus Review", "www.bosphorusreview.example", "monitor", "/{section}/{slug}",
     "/{section}/{slug}", "plain", "Turkey and its neighbours, in depth", ["Analysis", "Interviews"]),
    ("gulf-observer", "Gulf Observer", "gulfobserver.example", "monitor", "/a/{hash6}/{slug}",
     "/a/{hash6}/{slug}", "span", "The Gulf, explained", ["Analysis", "Energy Desk"]),
    ("gulf-chronicle", "The Gulf Chronicle", "gulfchronicle.example", "chronicle", "/story/{slug}",
     "/story/{slug}", "plain", "The region's paper of record", ["Business", "Sport"]),
    ("amman-courier", "The Amman Courier", "ammancourier.example", "chronicle", "/story/{yyyy}/{mm}/{slug}",
     "/story/{slug}", "plain", "Jordan's independent daily", ["Business", "Sport"]),
    ("mesopotamia-post", "Mesopotamia Post", "www.mesopotamiapost.example", "chronicle", "/{section}/{slug}-{hash6}",
     "/{section}/{slug}-{hash6}", "span", "Iraq's news, every hour", ["Provinces", "Sport"]),
]
OUTLETS = [
    {"key": k, "name": n, "host": h, "template": t, "url_pattern": u, "undated_url_pattern": uu, "dateline_style": d,
     "tagline": tag, "extra_nav": nav, "date_style": ""}
    for k, n, h, t, u, uu, d, tag, nav in _OUTLETS
]
# What each layout prints of its own outlet's name outside the fields; another outlet on it prints its own.
_LAYOUT_NAMES = {"wire": ["Potomac Wire", "POTOMAC WIRE", "Get the Wire Daily"], "monitor": ["Levant Monitor"],
                 "chronicle": ["the Chronicle", "Chronicle"], "ledger": ["The Ledger Briefing"]}

FIRST_NAMES = ["Karim", "Layla", "Omar", "Nadia", "Yusuf", "Samira", "Tariq", "Hana", "Emre", "Zeynep", "Dariush",
               "Shirin", "Michael", "Rachel", "Daniel", "Susan", "Hassan", "Mariam", "Kemal", "Ayse", "Reza", "Parisa",
               "James", "Laura", "Faisal", "Rania", "Bilal", "Dilan", "Kaveh", "Elif", "Thomas", "Grace", "Salim",
               "Amal", "Murat", "Leyla", "Arash", "Nasrin", "Robert", "Helen"]
SURNAMES = ["Haddad", "al-Jubouri", "Rahimi", "Yilmaz", "Kareem", "Tamimi", "Demir", "Hosseini", "Whitfield", "Nasser",
            "al-Rubaie", "Ozturk", "Mansour", "Kazemi", "Caldwell", "Saleh", "al-Dulaimi", "Aydin", "Farahani",
            "Morrison", "Khalil", "Shammari", "Celik", "Moradi", "Hartley", "Aziz", "al-Zubaidi", "Kaya", "Jafari",
            "Pearson", "Obeidat", "Talabani", "Sahin", "Ansari", "Greene", "Majali", "al-Karbalai", "Erdem", "Tehrani",
            "Holloway"]
AGENCIES = ["Reuters", "The Associated Press", "AFP", "Gulf Wire", "Levant News Agency", "Anatolia Press"]
CITIES = ["Baghdad", "Washington", "Ankara", "Tehran", "Amman", "Erbil", "Beirut", "London", "Istanbul", "Basra"]
FOOTERS = [
    "Copyright {year} {agency}. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without permission.",
    "Reporting by {name} in {city}; additional reporting by {name2}; editing by {name3}.",
    "This story was first published by {agency} and is republished with permission.",
    "{name} contributed reporting from {city}. Sign up for our morning briefing to get the day's top stories.",
    "This version corrects the spelling of a name in the fourth paragraph. Reporting by {name}.",
]
CAPTIONS = ["Officials arrive for talks in {city}.", "Security forces stand guard at a checkpoint outside {city}.",
            "Delegations meet at the foreign ministry in {city}.", "A convoy moves along a highway near {city}.",
            "Reporters wait outside a government building in {city}.", "Soldiers take part in a training exercise near {city}."]
STUBS = ["This story is developing and will be updated.", "Live updates will appear here shortly.",
         "Video: watch the briefing in full.", "This content is no longer available."]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_MONTH_NUMBER = {m: i for i, m in enumerate(MONTHS, 1)} | {m: i for i, m in enumerate(AP_MONTHS, 1)}
_MONTH = "|".join(re.escape(m) for m in sorted(_MONTH_NUMBER, key=len, reverse=True))
# A full or partial date, a month and year, a bare year, or another number (in that order of preference).
_DATE_OR_NUMBER = re.compile(
    rf"\b(?P<month>{_MONTH})(?:\s+(?P<day>\d{{1,2}})\b(?:,\s+(?P<year>\d{{4}})\b)?|\s+(?P<myear>(?:19|20)\d\d)\b|(?![\w.]))"
    r"|(?<![\w.$-])(?P<bare>(?:19[5-9]|20[0-4])\d)(?![\w-])"
    r"|(?<![\w.:-])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?(?![\w:-])"
)
_SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV"}
_ABBREVIATIONS = {"Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Dr", "Mr", "Mrs", "Ms", "St", "No", "Jr", "Sr", "Rep",
                  "Sen", "Gov", "Prof", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "vs", "approx"}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
# Words put another way, each time one is written: a pattern and what may stand for it. What bilat's rules read
# stays readable (cue nouns stay cue nouns, speech verbs stay speech verbs and are not swapped before a name).
SYNONYMS = [
    (r"agreement", ["agreement", "accord", "pact"]), (r"agreements", ["agreements", "accords", "pacts"]),
    (r"talks", ["talks", "negotiations", "consultations"]), (r"militants", ["militants", "insurgents"]),
    (r"officials", ["officials", "authorities"]), (r"country", ["country", "nation"]), (r"began", ["began", "started"]),
    (r"region", ["region", "area"]), (r"city", ["city", "town"]), (r"major", ["major", "key", "significant"]),
    (r"percent", ["percent", "per cent"]), (r"troops", ["troops", "soldiers"]), (r"forces", ["forces", "troops"]),
    (r"announced", ["announced", "said"]), (r"large", ["large", "big"]), (r"also ", ["also ", ""]),
    (r"roughly", ["roughly", "about", "around", "some"]), (r"border", ["border", "frontier"]),
    (r"visit", ["visit", "trip"]), (r"government", ["government", "authorities"]), (r"presence", ["presence", "deployment"]),
    (r"personnel", ["personnel", "staff"]), (r"leaders", ["leaders", "officials"]), (r"campaign", ["campaign", "offensive"]),
    (r"several(?! of)", ["several", "a number of"]), (r"said(?! [A-Z])", ["said", "said", "added", "noted"]),
    (r"the United States", ["the United States", "Washington", "the US"]), (r"would", ["would", "will"]),
    (r"statement", ["statement", "written statement"]), (r"still ", ["still ", ""]), (r"now ", ["now ", ""]),
    (r"already ", ["already ", ""]), (r"could", ["could", "might"]), (r"remain", ["remain", "stay"]),
    (r"ready", ["ready", "prepared"]), (r"near", ["near", "close to"]), (r"mission", ["mission", "operation"]),
    (r"fighters", ["fighters", "militants"]), (r"the two sides", ["the two sides", "both sides"]),
    (r"Iraqi(?= [a-z])", ["Iraqi", "Iraq's"]), (r"Iranian(?= [a-z])", ["Iranian", "Iran's"]),
    (r"Turkish(?= [a-z])", ["Turkish", "Turkey's"]), (r"Jordanian(?= [a-z])", ["Jordanian", "Jordan's"]),
    (r"American(?= [a-z])", ["American", "US", "U.S."]), (r"U\.S\.|US(?= [a-z])", ["U.S.", "US"]), (r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
]
_END = r"\b"  # after a pattern that ends in a letter (one ending in a lookahead or a space has its own)
_WORDS = re.compile("|".join(rf"(?P<w{i}>\b(?:{pattern}){_END if pattern[-1].isalpha() else ''})"
                             for i, (pattern, _) in enumerate(SYNONYMS)))
CONNECTIVES = ["Meanwhile,", "Separately,", "In addition,", "At the same time,", "Earlier,", "Still,", "By then,", "Later,"]
ASIDES = ["for now", "in effect", "by most accounts", "so far", "in practice", "at least for now", "in the end",
          "on paper", "for the moment", "by all accounts"]
_CLAUSE_COMMA = re.compile(r", (?=(?:and|but|which|who|while|as|after|the|a|its|their|his|her)\b)")
ATTRIBUTIONS = ["officials said", "according to officials", "a spokesperson said", "diplomats said", "sources said",
                "according to a statement"]
_ISIS = re.compile(r"\b(?P<the>the )?(?:ISIS|ISIL|Daesh|Islamic State(?: group)?)\b(?! of| in)")


def _balanced_quote_or_speech(text: str) -> bool:
    return any(q in text for q in "“”\"") or re.search(r"\b(?:said|says|told|added|according)\b", text) is not None


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; a period after an abbreviation, an initial or "U.S." ends none."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start()].rstrip("\"”’)")
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        word = last.rstrip(".")
        if last.endswith(".") and (word in _ABBREVIATIONS or len(word) <= 1 or "." in word):
            continue
        sentences.append(paragraph[start : match.start() + len(match.group(0).rstrip())].strip())
        start = match.end()
    sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


def _balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def quote_safe_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, those inside one quotation kept together (a quote is never cut)."""
    groups, current = [], []
    for sentence in split_sentences(paragraph):
        current.append(sentence)
        if _balanced(" ".join(current)):
            groups.append(" ".join(current))
            current = []
    if current:
        groups.append(" ".join(current))
    return groups


# --------------------------------------------------------------------------------------------- material


@dataclass(frozen=True)
class Unit:
    """A sentence of one bundled story (the sentences of one quotation stay together)."""

    text: str
    story: int


@dataclass
class Story:
    data: dict
    published: datetime
    units: list[Unit]
    ledes: list[str]  # sentences that can open a page: the story's first, and any other without a quote


@dataclass
class Material:
    stories: list[Story]
    units: list[Unit]
    by_dyad: dict[tuple, list[Unit]]
    people: dict[str, list[str]]  # surname as written -> the full names that end in it
    pattern: re.Pattern  # what a page may vary: ISIS's names, people's names, dates and numbers, other words
    lower_words: set[str]  # words the corpus writes in lower case somewhere (not names)
    _segments: dict[str, list[tuple[str, re.Match | None]]] = field(default_factory=dict)

    def segments(self, text: str) -> list[tuple[str, re.Match | None]]:
        """``text`` cut at what may vary: (the text before it, its match), the last with no match. Worked out once
        per text, since the same sentences come back on page after page."""
        if text not in self._segments:
            found, at = [], 0
            for match in self.pattern.finditer(text):
                found.append((text[at : match.start()], match))
                at = match.end()
            self._segments[text] = found + [(text[at:], None)]
        return self._segments[text]


def load_material(articles: Path = ARTICLES) -> Material:
    stories, people = [], {}
    for path in sorted(articles.glob("*.yaml")):
        raw = path.read_text(encoding="utf-8")
        if raw.startswith("# A syndicated copy"):
            continue  # the corpus's own copies would repeat their originals' sentences
        data = yaml.safe_load(raw)
        published = build.parse_published(data["published"], str(path))
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", data["body"].strip()) if p.strip()]
        index = len(stories)
        units = []
        first, *rest = quote_safe_sentences(paragraphs[0])
        for paragraph in [" ".join(rest)] + paragraphs[1:]:
            units += [Unit(s, index) for s in quote_safe_sentences(paragraph) if s]
        ledes = [first] + [u.text for u in units if not any(q in u.text for q in "“”\"")]
        stories.append(Story(data, published, units, ledes))
        for person in data["expected"].get("people", []):
            tokens = [t for t in person["name"].split() if t not in _SUFFIXES]
            if len(tokens) >= 2:
                people.setdefault(tokens[-1], [])
                if person["name"] not in people[tokens[-1]]:
                    people[tokens[-1]].append(person["name"])
    forms = set(people) | {n for names in people.values() for n in names}
    forms |= {s[3:] for s in people if s.startswith("al-")}  # "al-Sudani" is "Sudani" on second mention
    names = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    pattern = re.compile(rf"(?P<isis>{_ISIS.pattern})|(?P<name>\b(?:{names})\b)|(?P<dn>{_DATE_OR_NUMBER.pattern})|{_WORDS.pattern}")
    by_dyad: dict[tuple, list[Unit]] = {}
    for story in stories:
        by_dyad.setdefault(tuple(story.data["dyad"]), []).extend(story.units)
    lower_words = {w for s in stories for w in re.findall(r"\b[a-z]+\b", s.data["body"])}
    return Material(stories, [u for s in stories for u in s.units], by_dyad, people, pattern, lower_words)


# --------------------------------------------------------------------------------------------- variation


class Variation:
    """One page's way of varying the text: its invented names, house style and publication date."""

    def __init__(self, material: Material, rng: random.Random, published: datetime) -> None:
        self.material, self.rng, self.published = material, rng, published
        self.surnames: dict[str, str | None] = {}
        self.full: dict[str, str] = {}
        self.isis = rng.choice(["ISIS", "ISIL", "Daesh", "Islamic State"])
        self.date_lag = timedelta(days=rng.randint(0, 30))  # the events a page recalls happened a little earlier

    def _surname(self, surname: str) -> str | None:
        if surname not in self.surnames:
            self.surnames[surname] = self.rng.choice(SURNAMES) if self.rng.random() < RENAMED_SHARE else None
        return self.surnames[surname]

    def _name(self, match: re.Match) -> str:
        form = match.group(0)
        people = self.material.people
        if form in people or f"al-{form}" in people:  # a surname alone
            surname = form if form in people else f"al-{form}"
            new = self._surname(surname)
            return form if new is None else (new[3:] if form != surname and new.startswith("al-") else new)
        surname = [t for t in form.split() if t not in _SUFFIXES][-1]
        new = self._surname(surname)
        if new is None:
            return form
        if form not in self.full:
            self.full[form] = f"{self.rng.choice(FIRST_NAMES)} {new}"
        return self.full[form]

    def text(self, text: str, story_published: datetime) -> str:
        shift = self.published - story_published - self.date_lag
        parts = []
        for before, m in self.material.segments(text):
            parts.append(before)
            if m is None:
                break
            if m.group("isis"):
                parts.append(self._isis(m))
            elif m.group("name"):
                parts.append(self._name(m))
            elif m.group("dn"):
                parts.append(self._date_or_number(m, story_published, shift))
            else:
                parts.append(self.rng.choice(SYNONYMS[int(m.lastgroup[1:])][1]))
        return "".join(parts)

    def sentence(self, text: str) -> str:
        """A sentence as this page words it: sometimes with a connective before it, an attribution after it, or
        an aside at a clause's comma."""
        if not any(q in text for q in "“”\""):
            text = _CLAUSE_COMMA.sub(lambda m: f", {self.rng.choice(ASIDES)}, " if self.rng.random() < 0.35 else m.group(0), text)
        draw, first = self.rng.random(), text.split(None, 1)[0]
        if draw < 0.25 and first.lower() in self.material.lower_words and first not in ("I", "US"):
            return f"{self.rng.choice(CONNECTIVES)} {first.lower()}{text[len(first):]}"
        if draw > 0.88 and text.endswith(".") and not _balanced_quote_or_speech(text):
            return f"{text[:-1]}, {self.rng.choice(ATTRIBUTIONS)}."
        return text

    def _isis(self, m: re.Match) -> str:
        if self.isis != "Islamic State":
            return self.isis  # "the ISIS" is not written
        return "the Islamic State group" if m.group("the") else "Islamic State"

    def _date_or_number(self, m: re.Match, story_published: datetime, shift: timedelta) -> str:
        if m.group("month"):
            month = _MONTH_NUMBER[m.group("month")]
            ap = m.group("month") in AP_MONTHS and m.group("month") not in MONTHS
            names = AP_MONTHS if ap else MONTHS
            if m.group("myear"):
                moved = date(int(m.group("myear")), month, 15) + shift
                return f"{MONTHS[moved.month - 1]} {moved.year}"
            if not m.group("day"):  # a month alone: "since September"
                moved = date(story_published.year, month, 15) + shift
                return names[moved.month - 1]
            year = int(m.group("year") or story_published.year)
            try:
                moved = date(year, month, int(m.group("day"))) + shift
            except ValueError:  # "May 40": not a date
                return m.group(0)
            return f"{names[moved.month - 1]} {moved.day}" + (f", {moved.year}" if m.group("year") else "")
        if m.group("bare"):
            return str(int(m.group("bare")) + round(shift.days / 365.25))
        return scale_number(m.group("number"), m.group("decimals"), self.rng.uniform(0.6, 1.4))


def scale_number(digits: str, decimals: str | None, factor: float) -> str:
    """``digits[decimals]`` times ``factor``, written with the same precision and thousands separators."""
    value = float(digits.replace(",", "") + (decimals or ""))
    if decimals:
        places = len(decimals) - 1
        return f"{max(value * factor, 10 ** -places):.{places}f}"
    plain = digits.replace(",", "")
    significant = max(1, len(plain.rstrip("0")))
    scaled = max(1, round(value * factor))
    scaled = int(round(scaled, significant - len(str(scaled)))) or 1
    return f"{scaled:,}" if "," in digits else str(scaled)


# --------------------------------------------------------------------------------------------- pages


@dataclass
class Page:
    day: date
    article: object  # build.Article, for the layouts, the feed and the sitemap
    body: bytes
    kind: str  # original, copy or bad:<kind>
    text: str = ""  # the paragraphs as written (originals and copies)
    original_url: str | None = None  # for a copy


@dataclass
class _Recent:
    """What later pages link to and copy: the last pages of each outlet, and the last originals."""

    originals: deque = field(default_factory=lambda: deque(maxlen=400))
    by_outlet: dict[str, deque] = field(default_factory=dict)


class Generator:
    def __init__(self, seed: int = 1, per_day: int = PER_DAY, start: date = START, material: Material | None = None) -> None:
        self.rng = random.Random(seed)
        self.per_day, self.start = per_day, start
        self.material = material or load_material()
        self.sections, _ = build.load_outlets(build.OUTLETS_FILE)
        self.seen_texts: set[bytes] = set()
        self.recent = _Recent()
        self.serial = 0

    def day_of(self, index: int) -> date:
        return self.start + timedelta(days=index // self.per_day)

    @staticmethod
    def captured_at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 23, 30, tzinfo=timezone.utc)

    def plan(self) -> Iterator[str]:
        """What each page is, in blocks of BLOCK pages holding the shares exactly (so even 50 pages have a bad
        one), shuffled; the bad pages take the kinds in turn."""
        block, copies, bad = 0, 0.0, 0
        while True:
            copies += SYNDICATED_SHARE * BLOCK
            kinds = ["copy"] * int(copies) + ["bad"] * round(BAD_SHARE * BLOCK)
            copies -= int(copies)
            kinds += ["original"] * (BLOCK - len(kinds))
            self.rng.shuffle(kinds)
            for kind in kinds:
                if kind == "bad":
                    kind, bad = f"bad:{BAD_KINDS[bad % len(BAD_KINDS)]}", bad + 1
                yield kind
            block += 1

    def pages(self, count: int) -> Iterator[Page]:
        plan, owed = self.plan(), 0
        for index in range(count):
            day = self.day_of(index)
            kind = "copy" if owed and self.recent.originals else next(plan)
            if kind == "copy" and not self.recent.originals:  # nothing to copy yet: a copy later instead
                kind, owed = "original", owed + 1
            elif kind == "copy" and owed:
                owed -= 1
            if kind.startswith("bad:"):
                yield self.bad_page(day, kind[4:])
            elif kind == "copy":
                yield self.copy_page(day)
            else:
                yield self.original_page(day)

    # -- the parts of a page --

    def _published(self, day: date) -> datetime:
        return self.captured_at(day) - timedelta(seconds=self.rng.randint(600, 36 * 3600))

    def _unique(self, paragraphs: list[str]) -> bool:
        digest = hashlib.sha256("\n\n".join(paragraphs).encode()).digest()
        if digest in self.seen_texts:
            return False
        self.seen_texts.add(digest)
        return True

    def _article(self, outlet: dict, story: Story, variation: Variation, published: datetime, paragraphs: list[str],
                 title: str, dated: bool | None = None):
        self.serial += 1
        words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-").split("-")
        slug = "-".join(w for w in words[:8] if w) + f"-{self.serial:06d}"
        dated = self.rng.random() >= UNDATED_SHARE if dated is None else dated
        data = {
            "slug": slug, "dyad": story.data["dyad"], "section": story.data["section"], "dateline": story.data["dateline"],
            "byline": f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}", "title": title,
            "summary": variation.text(story.data["summary"], story.published), "body": "\n\n".join(paragraphs),
            "date_in_page": dated, "in_feed": self.rng.random() >= NOT_IN_FEED_SHARE, "expected": {},
        }
        article = build.Article(Path(f"synthetic/{slug}"), data, published, outlet)
        pattern = outlet["url_pattern"] if dated else outlet["undated_url_pattern"]
        article.url = "https://" + outlet["host"] + pattern.format(
            section=data["section"].lower(), yyyy=f"{published.year:04d}", mm=f"{published.month:02d}",
            dd=f"{published.day:02d}", slug=slug, hash6=hashlib.sha1(slug.encode()).hexdigest()[:6])
        return article

    def _render(self, article, paragraphs: list[str]) -> bytes:
        outlet = article.outlet
        pool = list(self.recent.by_outlet.get(outlet["key"], ()))
        if not article.dated:
            pool = [a for a in pool if not re.search(r"/\d{4}/|\d{8}", a.url)]
        related = self.rng.sample(pool, min(3, len(pool)))
        most_read = self.rng.sample(pool, min(4, len(pool)))
        html = build.TEMPLATES[outlet["template"]](article, self.sections, most_read, related)
        for own in _LAYOUT_NAMES[outlet["template"]]:
            if outlet["key"] not in ("potomac-wire", "levant-monitor", "gulf-chronicle", "tigris-ledger"):
                html = html.replace(own, outlet["name"].upper() if own.isupper() else outlet["name"])
        html = self._decorate(html, article, paragraphs, pool)
        self.recent.by_outlet.setdefault(outlet["key"], deque(maxlen=12)).append(article)
        return html.encode("utf-8")

    def _decorate(self, html: str, article, paragraphs: list[str], pool: list) -> str:
        """Blocks between paragraphs, as outlets add them: a photo, an ad, a read-more link, a newsletter prompt."""
        rng, city = self.rng, self.rng.choice(CITIES)
        blocks = []
        if rng.random() < 0.5:
            caption = rng.choice(CAPTIONS).format(city=city)
            blocks.append(f'<figure class="inline-photo"><img src="/media/{article.slug}.jpg" alt="{build.esc(caption)}" '
                          f'width="800" height="450"><figcaption>{build.esc(caption)} (Photo: {rng.choice(AGENCIES)})</figcaption></figure>')
        if rng.random() < 0.5:
            blocks.append('<div class="ad-slot ad-slot--inline" data-ad-unit="mid-article"><span class="ad-label">Advertisement</span></div>')
        if pool and rng.random() < 0.4:
            other = rng.choice(pool)
            blocks.append(f'<aside class="read-more"><strong>Read more:</strong> <a href="{build.esc(other.url)}">{build.esc(other.title)}</a></aside>')
        if rng.random() < 0.2:
            blocks.append('<div class="newsletter-inline"><p>Get our morning briefing in your inbox.</p>'
                          '<a class="button" href="/newsletters/">Sign up</a></div>')
        for block in blocks:
            anchor = build.esc(rng.choice(paragraphs[:-1] or paragraphs)) + "</p>"
            at = html.find(anchor)
            if at >= 0:
                html = html[: at + len(anchor)] + "\n" + block + html[at + len(anchor):]
        return html

    def _draw_paragraphs(self, story: Story, variation: Variation, published: datetime) -> list[str]:
        rng, material = self.rng, self.material
        wanted = rng.randint(350, 650)
        same_dyad = material.by_dyad[tuple(story.data["dyad"])]
        lede = rng.choice(story.ledes)  # not always the first: pages of one story would all share it
        chosen, used, words = [], {lede}, len(lede.split())
        while words < wanted:
            unit = rng.choice(same_dyad if rng.random() < SAME_DYAD_SHARE else material.units)
            if unit.text in used:
                continue
            used.add(unit.text)
            chosen.append(unit)
            words += len(unit.text.split())
        paragraphs = [variation.text(lede, story.published)]
        sentences: list[str] = []
        size = rng.randint(1, 3)
        for unit in chosen:
            text = variation.sentence(variation.text(unit.text, material.stories[unit.story].published))
            if any(q in unit.text for q in "“”\""):  # a quotation stands alone
                if sentences:
                    paragraphs.append(" ".join(sentences))
                    sentences = []
                paragraphs.append(text)
                continue
            sentences.append(text)
            if len(sentences) >= size:
                paragraphs.append(" ".join(sentences))
                sentences, size = [], rng.randint(1, 3)
        if sentences:
            paragraphs.append(" ".join(sentences))
        return paragraphs

    def original_page(self, day: date) -> Page:
        while True:
            story = self.rng.choice(self.material.stories)
            published = self._published(day)
            variation = Variation(self.material, self.rng, published)
            paragraphs = self._draw_paragraphs(story, variation, published)
            if self._unique(paragraphs):
                break
        title = variation.text(story.data["title"], story.published)
        article = self._article(self.rng.choice(OUTLETS), story, variation, published, paragraphs, title)
        page = Page(day, article, self._render(article, paragraphs), "original", "\n\n".join(paragraphs))
        self.recent.originals.append((page, story, variation))
        return page

    def copy_page(self, day: date) -> Page:
        """Another outlet's copy of a recent original: cut, a paragraph maybe dropped, its own headline, credit and footer."""
        rng = self.rng
        original, story, variation = rng.choice(self.recent.originals)
        source_paragraphs = original.text.split("\n\n")
        while True:
            wanted = rng.uniform(0.4, 1.0) * len(original.text.split())
            kept, count = [], 0
            for paragraph in source_paragraphs:  # cut from the bottom, at a sentence
                taken = []
                for sentence in split_sentences(paragraph):
                    if count >= wanted:
                        break
                    taken.append(sentence)
                    count += len(sentence.split())
                if taken:
                    kept.append(" ".join(taken))
                if count >= wanted:
                    break
            if len(kept) > 3 and rng.random() < 0.4:
                kept.pop(rng.randrange(1, len(kept)))
            agency, city = rng.choice(AGENCIES), rng.choice(CITIES)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            credit = rng.choice([[f"By {name}, {agency}"], [f"{agency} staff"], []])
            footer = rng.choice(FOOTERS).format(year=day.year, agency=agency, name=name, city=city,
                                                name2=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                                                name3=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}")
            paragraphs = credit + kept + [footer]
            if self._unique(paragraphs):
                break
        lede_words = re.findall(r"[A-Za-z][\w'-]*", kept[0])[:rng.randint(7, 11)]
        title = rng.choice([" ".join(w.capitalize() for w in lede_words), original.article.title + f" - {agency}",
                            "What We Know: " + original.article.title])
        outlet = rng.choice([o for o in OUTLETS if o["host"] != original.article.outlet["host"]])
        published = min(original.article.published + timedelta(seconds=rng.randint(3600, 20 * 3600)),
                        self.captured_at(day) - timedelta(minutes=5))
        article = self._article(outlet, story, variation, published, paragraphs, title, dated=original.article.dated)
        return Page(day, article, self._render(article, paragraphs), "copy", "\n\n".join(paragraphs), original.article.url)

    def bad_page(self, day: date, kind: str) -> Page:
        rng = self.rng
        story = rng.choice(self.material.stories)
        published = self._published(day)
        variation = Variation(self.material, rng, published)
        if kind == "no-text":
            paragraphs = [rng.choice(STUBS)]
        else:
            paragraphs = self._draw_paragraphs(story, variation, published)
        article = self._article(rng.choice(OUTLETS), story, variation, published, paragraphs,
                                variation.text(story.data["title"], story.published))
        if kind == "no-text":  # a placeholder: no standfirst either
            article.data["summary"] = ""
        if kind == "empty":
            body = b""
        elif kind == "binary":
            noise = rng.randbytes(rng.randint(2_000, 20_000))
            body = b"\x89PNG\r\n\x1a\n" + noise if rng.random() < 0.5 else noise.replace(b"<", b"\x00")
        else:
            body = self._render(article, paragraphs)
            if kind == "truncated":  # cut off before the article begins, as a download stopped short
                text_at = body.find(b"<h1")
                text_at = text_at if text_at > 0 else len(body) // 4
                body = body[: int(text_at * rng.uniform(0.2, 0.9))]
        return Page(day, article, body, f"bad:{kind}")


# --------------------------------------------------------------------------------------------- writing


def day_folder(day: date) -> str:
    return f"day-{day.isoformat()}"


def write_corpus(out: Path, pages: int, seed: int = 1, per_day: int = PER_DAY, start: date = START) -> dict:
    """Write the corpus into ``out`` (which must not exist or hold an earlier corpus); return its summary."""
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not (out / "corpus.json").exists():
            raise SystemExit(f"{out}: not empty and not a synthetic corpus; refusing to overwrite it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    generator = Generator(seed, per_day, start)
    summary = {"generator_version": GENERATOR_VERSION, "seed": seed, "pages": pages, "per_day": per_day,
               "start": start.isoformat(), "days": [], "kinds": {}, "copies": {}, "bad": {}}
    listed, day_pages = [], []

    def flush() -> None:
        if not day_pages:
            return
        day = day_pages[0].day
        folder = out / day_folder(day)
        articles = [p.article for p in day_pages]
        for page in day_pages:
            path = build.page_file(folder, page.article.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page.body)
            listed.append(path.relative_to(out).as_posix())
        build.write(folder / "feed.xml", build.render_feed(articles))
        build.write(folder / "sitemap.xml", build.render_sitemap(articles))
        build.write(folder / "archive.yaml",
                    f"# A synthetic corpus day written by benchmarks/synthetic_corpus.py (seed {seed}); do not edit.\n"
                    f"name: synthetic-{day.isoformat()}\ncaptured_at: \"{Generator.captured_at(day).isoformat()}\"\n"
                    "feed: feed.xml\nsitemap: sitemap.xml\n")
        summary["days"].append({"day": day.isoformat(), "pages": len(day_pages)})
        day_pages.clear()

    for page in generator.pages(pages):
        if day_pages and page.day != day_pages[0].day:
            flush()
        day_pages.append(page)
        summary["kinds"][page.kind] = summary["kinds"].get(page.kind, 0) + 1
        if page.kind == "copy":
            summary["copies"][page.article.url] = page.original_url
        elif page.kind.startswith("bad:"):
            summary["bad"][page.article.url] = page.kind[4:]
    flush()
    entries = [{"name": f"synthetic-{d['day']}", "kind": "archive", "path": day_folder(date.fromisoformat(d["day"]))}
               for d in summary["days"]]
    (out / "sources.yaml").write_text(
        f"# {pages} synthetic pages, {per_day} a collection day, seed {seed}: benchmarks/synthetic_corpus.py\n"
        + yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
    (out / "pages.txt").write_text("\n".join(listed) + "\n", encoding="utf-8")
    (out / "corpus.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def matches(out: Path, pages: int, seed: int, per_day: int, start: date) -> bool:
    """Whether ``out`` already holds the corpus these parameters would write."""
    try:
        summary = json.loads((Path(out) / "corpus.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (summary.get("generator_version"), summary.get("pages"), summary.get("seed"), summary.get("per_day"),
            summary.get("start")) == (GENERATOR_VERSION, pages, seed, per_day, start.isoformat())


# --------------------------------------------------------------------------------------------- HTTP


def serve(corpus: Path):
    """A real HTTP server on 127.0.0.1 serving the corpus's files (tests/httpserver.py's uvicorn server), and a
    URL-list sources file for it. Returns (server, sources file); stop the server with ``server.stop()``.

    All the URLs are one list, so bilat files them under one collection day, the day it first lists them."""
    sys.path.insert(0, str(ROOT))
    from tests.httpserver import Reply, TestServer, _Discard

    corpus = Path(corpus).resolve()

    def page(seen) -> Reply:
        target = (corpus / seen.path.lstrip("/")).resolve()
        if not target.is_relative_to(corpus) or not target.is_file() or target.suffix != ".html":
            return Reply(404, b"not found", content_type="text/plain")
        return Reply(body=target.read_bytes())

    server = TestServer()
    server.route("/*", page)
    server.requests = _Discard()  # many requests: keep none
    server.start()
    files = (corpus / "pages.txt").read_text(encoding="utf-8").split()
    (corpus / "urls-http.txt").write_text("".join(server.url("/" + f) + "\n" for f in files), encoding="utf-8")
    sources = corpus / "sources-http.yaml"
    sources.write_text(yaml.safe_dump({"sources": [{
        "name": "synthetic-http", "kind": "urls", "file": "urls-http.txt", "allow_hosts": ["127.0.0.1"],
        "respect_robots": False, "rate_per_second": 100000.0, "max_documents": len(files), "max_items": max(len(files), 1),
    }]}, sort_keys=False), encoding="utf-8")
    return server, sources


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    gen = sub.add_parser("generate", help="write a corpus (the default command)")
    srv = sub.add_parser("serve", help="serve a written corpus on 127.0.0.1 until stdin closes")
    srv.add_argument("--corpus", type=Path, required=True)
    for p in (parser, gen):
        p.add_argument("--pages", type=int, default=1000)
        p.add_argument("--out", type=Path, default=Path("/tmp/bilat-scale/corpus"))
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--per-day", type=int, default=PER_DAY, help=f"pages per collection day (default {PER_DAY})")
        p.add_argument("--start", type=date.fromisoformat, default=START, help=f"the first collection day (default {START})")
    args = parser.parse_args()
    if args.command == "serve":
        server, sources = serve(args.corpus)
        print(f"{server.port} {sources}", flush=True)
        try:
            sys.stdin.read()  # until the parent closes our stdin (or dies)
        finally:
            server.stop()
        return 0
    summary = write_corpus(args.out, args.pages, args.seed, args.per_day, args.start)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(summary["kinds"].items()))
    print(f"{args.pages} pages over {len(summary['days'])} collection days -> {args.out} ({kinds})")
    print(f"sources file: {args.out / 'sources.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
