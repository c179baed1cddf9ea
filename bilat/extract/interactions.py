"""Dyadic interactions coded in PLOVER: who did what to whom, when, from cue phrases in bilat/data/plover.yaml.

Actors are states where the text names a state agent (a country, a government body, or a person through the
country of the office they hold) and the group itself for armed groups and international bodies. A meeting
between two sides is coded once; negated cues ("did not meet") are dropped and conditional ones are marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from bilat.extract.claims import DatedEvent
from bilat.extract.entities import EntityFindings
from bilat.settings import data_file

SYMMETRIC = {"CONSULT", "AGREE", "COOPERATE"}
_NEGATION = re.compile(r"\b(?:not|n't|never|no|refused to|declined to|without)\b(?:\s+\w+){0,2}\s*$", re.I)
# "was asked", "were deployed", "is backed": the grammatical subject is acted upon, or it is a state, not an act.
_PASSIVE = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+(?:\w+ly\s+)?$", re.I)
_AGENT = re.compile(r"^\S*\s+by\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|may|if|whether|plans? to|proposed|expected to|will)\b(?:\s+\w+){0,3}\s*$", re.I)


@dataclass(frozen=True)
class Cue:
    category: str
    mode: str | None
    intensity: float
    cameo: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Interaction:
    source_id: str
    target_id: str
    source_actor: str  # the entity named in the text (a person, an organisation or the country itself)
    target_actor: str
    category: str
    mode: str | None
    intensity: float
    cameo: str
    occurred_on: date | None
    date_precision: str | None
    date_basis: str  # text (a date in the sentence) | publication
    hypothetical: bool
    cue: str
    start: int
    end: int
    sentence_index: int


@lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> tuple[Cue, ...]:
    spec = yaml.safe_load(Path(path or data_file("plover.yaml")).read_text(encoding="utf-8"))
    cues = []
    for category, body in spec.items():
        for cue in body["cues"]:
            pattern = re.compile(rf"\b(?:{cue['pattern']})\b", re.I)
            cues.append(Cue(category, cue.get("mode"), float(cue.get("intensity", body["intensity"])), str(body["cameo"]), pattern))
    return tuple(cues)


def actor_of(entity_id: str, findings: EntityFindings, role_country: dict[str, str]) -> tuple[str | None, bool]:
    """(actor id, is a place) for a mentioned entity."""
    entity = findings.entities[entity_id]
    if entity.kind == "country":
        return entity.entity_id, False
    if entity.kind == "person":
        return role_country.get(entity_id) or entity.country_code, False
    if entity.kind == "armed_group":
        return entity.entity_id, False
    if entity.kind == "organization":
        return entity.country_code or entity.entity_id, False
    if entity.kind == "place":
        return entity.country_code, not entity.capital
    return None, False


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def find_interactions(
    text: str,
    sentences: list[tuple[int, int]],
    findings: EntityFindings,
    events: list[DatedEvent],
    published: date | None,
) -> list[Interaction]:
    role_country = {r.person_id: r.country_code for r in findings.roles if r.country_code}
    by_sentence: dict[int, list[tuple[int, str, str, bool]]] = {}
    for m in findings.mentions:
        actor, is_place = actor_of(m.entity_id, findings, role_country)
        if actor:
            by_sentence.setdefault(m.sentence_index, []).append((m.start, actor, m.entity_id, is_place))
    dates = {}
    for event in events:
        if event.event_date and event.sentence_index not in dates:
            dates[event.sentence_index] = (event.event_date, event.precision)

    spans = [(m.start, m.end) for m in findings.mentions]
    states = {eid for eid, e in findings.entities.items() if e.kind != "armed_group"}
    found: list[Interaction] = []
    seen: set[tuple] = set()
    for index, (s_start, s_end) in enumerate(sentences):
        actors = by_sentence.get(index, [])
        if len({a for _, a, _, _ in actors}) < 2:
            continue
        sentence = text[s_start:s_end]
        first_seen: dict[str, int] = {}
        for position, actor, _, _ in actors:
            first_seen.setdefault(actor, position)
        for cue in load_cues():
            # A cue inside a name ("Combined Joint Operation …") is part of the name, not an action.
            match = next((c for c in cue.pattern.finditer(sentence) if not _inside(s_start + c.start(), spans)), None)
            if not match:
                continue
            at = s_start + match.start()
            before_text = text[s_start:at]
            if _NEGATION.search(before_text):
                continue
            candidates = actors
            if cue.intensity > 0 and len({a[1] for a in actors if a[2] in states}) >= 2:
                candidates = [a for a in actors if a[2] in states]  # cooperation is between the states named
            before = [a for a in candidates if a[0] < at and not a[3]]
            after = [a for a in candidates if a[0] > at]
            passive = bool(_PASSIVE.search(before_text))
            if passive:
                # "X was struck by Y": Y acts on X. Without a "by" agent there is no telling who acted.
                agent_at = s_start + match.end()
                if not _AGENT.match(text[agent_at : agent_at + 40]) or not before:
                    continue
                source = next((a for a in after if a[1] != before[-1][1]), None)
                target = before[-1]
                if source is None:
                    continue
            else:
                if not before:
                    continue  # no actor before the cue: a nominal phrase we do not attempt to read
                # The actor nearest before the cue acts; the first other actor after it (or before it) is acted on.
                source = before[-1]
                target = next((a for a in after if a[1] != source[1]), None) or next(
                    (a for a in reversed(before) if a[1] != source[1]), None
                )
                if target is None:
                    continue
            if cue.category in SYMMETRIC and first_seen[target[1]] < first_seen[source[1]]:
                source, target = target, source  # joint actions read in the order the text names the sides
            occurred_on, precision = dates.get(index, (published, "day" if published else None))
            basis = "text" if index in dates else "publication"
            pair = tuple(sorted((source[1], target[1]))) if cue.category in SYMMETRIC else (source[1], target[1])
            key = (cue.category, pair, occurred_on) if cue.category in SYMMETRIC else (cue.category, pair, index)
            if key in seen:
                continue
            seen.add(key)
            found.append(
                Interaction(
                    source_id=source[1], target_id=target[1], source_actor=source[2], target_actor=target[2],
                    category=cue.category, mode=cue.mode, intensity=cue.intensity, cameo=cue.cameo,
                    occurred_on=occurred_on, date_precision=precision, date_basis=basis,
                    hypothetical=bool(_HYPOTHETICAL.search(before_text[-60:])), cue=match.group(),
                    start=s_start, end=s_end, sentence_index=index,
                )
            )
    return _one_per_meeting(found)


def _one_per_meeting(found: list[Interaction]) -> list[Interaction]:
    """A joint action reported twice in an article (once with its date, once undated) is one interaction."""
    dated = {(i.category, frozenset((i.source_id, i.target_id))) for i in found if i.category in SYMMETRIC and i.date_basis == "text"}
    kept, seen = [], set()
    for i in found:
        key = (i.category, frozenset((i.source_id, i.target_id)))
        if i.category in SYMMETRIC:
            if (i.date_basis == "publication" and key in dated) or (i.date_basis == "publication" and key in seen):
                continue
            seen.add(key)
        kept.append(i)
    return kept
