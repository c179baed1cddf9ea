"""Scoring the extractor against gold-annotated articles (tests/gold/*.yaml, format in GOLD_FORMAT.md).

For each item type the extractor's items and the gold items of an article are matched one to one, and
precision, recall and F1 are summed over the set. Matching is deliberately tolerant of wording (titles,
quote openings and people's names are compared case- and spelling-insensitively) and strict on facts
(values, units, bounds, dates, precision, speakers, sides and PLOVER types).
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bilat.extract.gazetteer import default_gazetteer
from bilat.extract.ner import load_recognizer
from bilat.settings import ner_model
from bilat.extract.interactions import SYMMETRIC
from bilat.extract.pipeline import ArticleText, extract_claims, extract_entities, extract_interactions
from bilat.extract.text import tokenize


def fold(text: str | None) -> str:
    """Lower-case, ASCII, no punctuation, doubled letters single: 'Al-Abassi' ~ 'al-Abbasi' ~ 'Abbasi'."""
    text = (text or "").replace("’", "'").replace("‘", "'")  # "O’Brien" ~ "O'Brien": both marks split the same way
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\b(?:al|el|the)\b", " ", text)  # as whole words, wherever they stand
    return re.sub(r"(\w)\1", r"\1", " ".join(text.split()))


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, gold: int, predicted: int, matched: int) -> None:
        self.gold, self.predicted, self.matched = self.gold + gold, self.predicted + predicted, self.matched + matched


@dataclass
class Miss:
    """A gold item nothing matched (``missed``) or a prediction matching no gold item (``spurious``)."""

    article: str
    kind: str  # missed | spurious
    item: str


def _match(gold: list, predicted: list, same: Callable[[object, object], bool]) -> tuple[int, list, list]:
    """Greedy one-to-one matching: (how many gold items found a partner, gold items left, predictions left)."""
    free = list(predicted)
    unmatched = []
    for g in gold:
        for i, p in enumerate(free):
            if same(g, p):
                del free[i]
                break
        else:
            unmatched.append(g)
    return len(gold) - len(unmatched), unmatched, free


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=dict)
    misses: dict[str, list[Miss]] = field(default_factory=dict)
    articles: int = 0

    def score(self, kind: str) -> Score:
        return self.scores.setdefault(kind, Score())

    def add(self, kind: str, article: str, gold: list, predicted: list, same: Callable[[object, object], bool],
            repeats_count: bool = True) -> None:
        matched, missed, spurious = _match(gold, predicted, same)
        if not repeats_count:
            # A prediction that is an annotated item said again (the same words, the same value) is that item, not
            # a wrong one: annotators differ on listing a repeated mention once ("three mentions") or every time.
            spurious = [p for p in spurious if not any(same(g, p) for g in gold)]
        self.score(kind).add(len(gold), matched + len(spurious), matched)
        self.misses.setdefault(kind, []).extend(
            [Miss(article, "missed", _show(g)) for g in missed] + [Miss(article, "spurious", _show(p)) for p in spurious])

    def rows(self) -> list[dict]:
        return [
            {"type": kind, "gold": s.gold, "predicted": s.predicted, "matched": s.matched,
             "precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
            for kind, s in self.scores.items()
        ]


def _show(item) -> str:
    if isinstance(item, dict):
        return ", ".join(f"{k}={v}" for k, v in item.items() if k != "surfaces")
    fields = getattr(item, "__dataclass_fields__", None)
    if fields:
        return ", ".join(f"{k}={getattr(item, k)!r}" for k in fields if k not in {"start", "end", "sentence_index", "text_start", "text_end"})
    return str(item)


def _canonical_title(title: str) -> str:
    """Every office and rank in a title in its gazetteer wording, so wording aside the same office compares
    equal: "Defense Secretary" and "Secretary of Defense", "Maj. Gen." and "Major General"."""
    gaz, tokens, words, i = default_gazetteer(), tokenize(title), [], 0
    while i < len(tokens):
        hit = gaz.lookup_lower(gaz.offices, tokens, i) or gaz.lookup_lower(gaz.ranks, tokens, i)
        if hit:
            i, canonical = hit
            words.append(canonical)
        else:
            words.append(tokens[i].text)
            i += 1
    return fold(" ".join(words))


def _names_of(entity_id: str, findings) -> set[str]:
    entity = findings.entities.get(entity_id)
    names = {fold(m.surface) for m in findings.mentions if m.entity_id == entity_id}
    if entity:
        names |= {fold(entity.name), *(fold(a) for a in entity.aliases)}
        names.add(fold(entity.entity_id))
    return {n for n in names if n}


def _person_matches(gold_name: str, entity_id: str | None, findings) -> bool:
    if not entity_id:
        return False
    wanted = fold(gold_name)
    names = _names_of(entity_id, findings)
    return wanted in names or any(wanted.split()[-1:] == n.split()[-1:] and len(n.split()) > 1 for n in names)


def _actor_matches(gold_actor: str, actor_id: str, findings) -> bool:
    if gold_actor == actor_id:
        return True
    entity = findings.entities.get(actor_id) or default_gazetteer().entities.get(actor_id)
    names = {fold(actor_id)} | ({fold(entity.name), *(fold(a) for a in entity.aliases)} if entity else set())
    return fold(gold_actor) in names


def evaluate_article(gold: dict, evaluation: Evaluation) -> None:
    published = gold.get("published")
    published = date.fromisoformat(str(published)) if published else None
    article = ArticleText.of(gold["text"].strip(), published)
    findings = extract_entities(article, recognizer=load_recognizer(ner_model()))  # the default reading mode
    claims = extract_claims(article, findings)
    interactions = extract_interactions(article, findings, claims.events, claims.quotes)
    annotations = gold.get("gold") or {}
    evaluation.articles += 1
    name = gold.get("id", f"article {evaluation.articles}")

    # Entities: a predicted entity is right when one of its surfaces is a surface of a gold entity.
    gold_entities = annotations.get("entities")
    predicted_ids = sorted({m.entity_id for m in findings.mentions})
    surfaces = {eid: {fold(m.surface) for m in findings.mentions if m.entity_id == eid} for eid in predicted_ids}
    same_entity = lambda g, eid: bool({fold(s) for s in g.get("surfaces", [g["name"]])} & surfaces[eid]) or g.get("id") == eid  # noqa: E731
    if gold_entities is not None:  # the dev corpus does not annotate entities: not scored there
        evaluation.add("entities", name, gold_entities, predicted_ids, same_entity)

    # One id per person: of the people the text names twice or more, how many got a single id across every
    # mention of theirs that was found (at least one found). A share, so precision and recall are the same.
    if gold_entities is not None:
        people = [g for g in gold_entities if g.get("kind") == "person"]
        named_twice = [g for g in people if sum(len(re.findall(rf"(?<!\w){re.escape(s)}(?!\w)", article.text)) for s in g.get("surfaces", [g["name"]])) >= 2]
        ids_of = lambda g: {m.entity_id for m in findings.mentions if fold(m.surface) in {fold(s) for s in g.get("surfaces", [g["name"]])}}  # noqa: E731
        single = [g for g in named_twice if len(ids_of(g)) == 1]
        evaluation.score("person ids").add(len(named_twice), len(named_twice), len(single))
        evaluation.misses.setdefault("person ids", []).extend(
            Miss(name, "missed", f"{g['name']}: ids {sorted(ids_of(g)) or 'none'}") for g in named_twice if g not in single)

    # Person-office attribution: the right person, the office (wording aside) and the office's country.
    gold_roles = annotations.get("roles") or []
    predicted_roles = list({(r.person_id, fold(r.title), r.country_code): r for r in findings.roles}.values())

    def same_role(g, r) -> bool:
        title, wanted = _canonical_title(r.title), _canonical_title(g["title"])
        return (_person_matches(g["person"], r.person_id, findings) and (title == wanted or wanted in title or title in wanted)
                and (g.get("country") is None or g.get("country") == r.country_code))

    evaluation.add("person-office", name, gold_roles, predicted_roles, same_role)

    # Quotes: the right words (by their opening) attributed to the right speaker.
    gold_quotes = annotations.get("quotes") or []

    def same_quote(g, q) -> bool:
        return fold(q.text).startswith(fold(g["starts"])[:40]) and _person_matches(g["speaker"], q.speaker_id, findings)

    kinds = set(annotations.get("quote_kinds") or ("direct", "partial", "reported"))
    # Only quotes given to a person are scored: annotations leave out what organisations, governments and
    # unnamed officials say, so a quote whose speaker is no one known, or a body, can match nothing.
    predicted_quotes = [q for q in claims.quotes if q.kind in kinds and (q.speaker_id or "").startswith("person:")]
    evaluation.add("quote speaker", name, gold_quotes, predicted_quotes, same_quote)

    # Quantities: value, unit and bound all right.
    gold_quantities = annotations.get("quantities") or []

    def same_quantity(g, q) -> bool:
        same_unit = _canonical_unit(g["unit"]) == _canonical_unit(q.unit)
        return abs(float(g["value"]) - q.value) <= 1e-6 * max(1.0, abs(q.value)) and same_unit and g.get("bound", "exact") == q.bound

    evaluation.add("quantities", name, gold_quantities, claims.quantities, same_quantity)

    # Dates: the expression found and resolved to the right value and precision.
    gold_dates = annotations.get("dates") or []

    def same_date(g, e) -> bool:
        # the same expression however far its span reaches: "on Tuesday" / "Tuesday's" / "late Tuesday" are "Tuesday",
        # "earlier this month" is "this month"
        strip = lambda t: fold(re.sub(r"[’']s$", "", re.sub(r"^(?:(?:on|in)\s+)?(?:(?:early|late|earlier|later)\s+)?", "", t, flags=re.I)))  # noqa: E731
        value = str(g.get("date")) if g.get("date") else None
        same_text = "text" not in g or strip(g["text"]) == strip(e.date_text)  # the dev corpus annotates no text
        return same_text and value == (e.event_date.isoformat() if e.event_date else None) and g.get("precision") == e.precision

    evaluation.add("date value", name, gold_dates, claims.events, same_date, repeats_count=False)

    # Interactions: sides and PLOVER type (either order for joint actions).
    gold_interactions = annotations.get("interactions") or []
    predicted = [i for i in interactions if not i.hypothetical]

    def same_interaction(g, i) -> bool:
        if g["type"] != i.category:
            return False
        forward = _actor_matches(g["source"], i.source_id, findings) and _actor_matches(g["target"], i.target_id, findings)
        backward = _actor_matches(g["source"], i.target_id, findings) and _actor_matches(g["target"], i.source_id, findings)
        return forward or (i.category in SYMMETRIC and backward)

    evaluation.add("interactions", name, gold_interactions, predicted, same_interaction)


VOA_CORPUS_ENV = "BILAT_VOA_CORPUS"
VOA_CORPUS = Path("shared") / "corpora" / "voa" / "voa-dev.jsonl"


class MissingText(Exception):
    """Annotations point at a text that is not on this machine (the shared VOA corpus)."""


def voa_corpus(folder: Path) -> Path | None:
    """The shared VOA stories: $BILAT_VOA_CORPUS, else shared/corpora/voa/voa-dev.jsonl in a folder above
    ``folder`` (the checkout sits beside ``shared/``); None when neither exists."""
    configured = os.environ.get(VOA_CORPUS_ENV)
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    return next((p / VOA_CORPUS for p in Path(folder).resolve().parents if (p / VOA_CORPUS).is_file()), None)


@functools.cache
def _voa_stories(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {str(story["id"]): story for story in map(json.loads, handle)}


def load_gold(folder: Path) -> Iterable[dict]:
    """Gold articles; corpus sources (tools/corpus/articles, with an ``expected`` block) are read as gold too,
    so the development corpus can be scored the same way (it has no entity or date-text annotations).
    Annotations of a VOA story (``voa: <story id>``, tools/voa) carry no text: it is read from the shared
    corpus, which stays outside the repository (MissingText when it is absent)."""
    for path in sorted(Path(folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "voa" in data:
            yield _from_voa(data, folder)
        else:
            yield _from_corpus(data) if "expected" in data else data


def _from_voa(data: dict, folder: Path) -> dict:
    corpus = voa_corpus(folder)
    if corpus is None:
        raise MissingText(f"{data.get('id')}: the VOA stories are not here (looked for {VOA_CORPUS} above {Path(folder).resolve()}; "
                          f"set ${VOA_CORPUS_ENV})")
    story = _voa_stories(corpus).get(str(data["voa"]))
    if story is None:
        raise MissingText(f"{data.get('id')}: no story {data['voa']} in {corpus}")
    return {**data, "published": story["published"][:10], "text": story["text"]}


def _from_corpus(article: dict) -> dict:
    expected = article["expected"] or {}
    published = str(article["published"])[:10] if article.get("date_in_page", True) or article.get("in_feed", True) else None

    def event(e: dict) -> dict:
        value = str(e["date"])
        full = {"day": value, "month": f"{value[:7]}-01", "year": f"{value[:4]}-01-01"}.get(e["precision"], value)
        return {"date": full, "precision": e["precision"]}

    return {
        "id": article.get("id") or article.get("slug"),
        "published": published,
        "text": f"{article['dateline']} — {article['body'].strip()}",
        "gold": {
            "roles": [{"person": p["name"], "title": p["title"], "country": p.get("country")} for p in expected.get("people") or []],
            "quotes": [{"speaker": q["speaker"], "starts": q["starts"]} for q in expected.get("quotes") or []],
            "quote_kinds": ["direct"],  # the corpus annotates direct quotes only
            "quantities": expected.get("quantities") or [],
            "dates": [event(e) for e in expected.get("events") or []],
            "interactions": [{"source": i["source"], "target": i["target"], "type": i["type"]} for i in expected.get("interactions") or []],
        },
    }


def evaluate(folder: Path) -> Evaluation:
    evaluation = Evaluation()
    for gold in load_gold(folder):
        evaluate_article(gold, evaluation)
    return evaluation


#: One unit under several names in annotations (annotators write the word, bilat its symbol): scored as one.
#: Soldiers and personnel are the format's troops (GOLD_FORMAT.md lists the unit as troops).
UNIT_SPELLINGS = {"tons": "tonnes", "metric_tons": "tonnes", "meters": "m", "kilometers": "km", "soldiers": "troops", "personnel": "troops"}


def _canonical_unit(unit: str) -> str:
    """British and American spellings alike ('cubic_metres_per_second' ~ 'cubic_meters_per_second'), then one name per unit."""
    unit = unit.replace("metre", "meter")
    return UNIT_SPELLINGS.get(unit, unit)


TARGETS = {"person ids": 0.90, "entities": 0.92, "person-office": 0.90, "quote speaker": 0.90, "quantities": 0.90, "date value": 0.85, "interactions": 0.75}
