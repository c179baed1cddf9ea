"""Gazetteers as data: countries (pycountry plus bilat/data/gazetteer/countries.yaml), organisations and armed
groups, people, places and office titles. Users extend coverage by editing or adding YAML, not code."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pycountry
import yaml

from bilat.extract.text import Token, token_key
from bilat.ids import slugify
from bilat.settings import data_file

ENTITY_KINDS = ("person", "organization", "country", "armed_group", "place")


@dataclass(frozen=True)
class Entity:
    entity_id: str
    kind: str
    name: str
    country_code: str | None
    aliases: tuple[str, ...] = ()
    capital: bool = False  # a capital city may stand for its government


NAME_SUFFIXES = {"Jr", "Sr", "II", "III", "IV"}


def person_id(name: str) -> str:
    return f"person:{slugify(name)}"


def _case_variants(alias: str) -> set[str]:
    """'al-Abassi' is also written 'Al-Abassi' at the start of a sentence."""
    variants = {alias}
    if alias[:1].islower():
        variants.add(alias[:1].upper() + alias[1:])
    return variants


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # token tuple -> entity id
    offices: dict[tuple[str, ...], str] = field(default_factory=dict)  # lower-cased token tuple -> canonical title
    ranks: dict[tuple[str, ...], str] = field(default_factory=dict)
    services: set[tuple[str, ...]] = field(default_factory=set)
    honorifics: set[tuple[str, ...]] = field(default_factory=set)
    name_particles: frozenset[str] = frozenset()
    office_words: frozenset[str] = frozenset()
    references: frozenset[tuple[str, ...]] = frozenset()  # "the secretary": lower-cased token tuples
    body_heads: frozenset[str] = frozenset()  # "Ministry", "Commission": words that end an organisation's name
    version: str = ""

    @cached_property
    def people_by_surname(self) -> dict[str, tuple[str, ...]]:
        """Last word of each known person's names ("Austin" for "Lloyd J. Austin III") -> their ids, in file order."""
        index: dict[str, list[str]] = {}
        for entity in self.entities.values():
            if entity.kind == "person":
                for name in (entity.name, *entity.aliases):
                    words = name.split()
                    while len(words) > 1 and words[-1].rstrip(".,") in NAME_SUFFIXES:
                        words.pop()
                    ids = index.setdefault(words[-1], [])
                    if entity.entity_id not in ids:
                        ids.append(entity.entity_id)
        return {surname: tuple(ids) for surname, ids in index.items()}

    @cached_property
    def title_starts(self) -> frozenset[str]:
        """Lower-cased words an office, rank, service or office word can start with: a quick no for most tokens."""
        keys = [*self.offices, *self.ranks, *self.services]
        return frozenset(k[0] for k in keys if k) | self.office_words

    @property
    def max_phrase(self) -> int:
        return max((len(k) for k in self.phrases), default=1)

    def add(self, entity: Entity, aliases: list[str]) -> None:
        self.entities[entity.entity_id] = entity
        for alias in aliases:
            for variant in _case_variants(alias):
                key = token_key(variant)
                # The first entity to claim an alias keeps it: data files are read in priority order.
                self.phrases.setdefault(key, entity.entity_id)

    def match(self, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """Longest non-overlapping gazetteer matches as (first token, end token exclusive, entity id)."""
        found, i, texts, longest = [], 0, [t.text for t in tokens], self.max_phrase
        while i < len(texts):
            for length in range(min(longest, len(texts) - i), 0, -1):
                entity_id = self.phrases.get(tuple(texts[i : i + length]))
                if entity_id:
                    found.append((i, i + length, entity_id))
                    i += length
                    break
            else:
                i += 1
        return found

    def lookup_lower(self, table: dict[tuple[str, ...], str], tokens: list[Token], i: int, longest: int = 8) -> tuple[int, str] | None:
        """Longest case-insensitive match of a title table at token i, as (end token, canonical)."""
        lowered = [t.text.lower() for t in tokens[i : i + longest]]
        for length in range(len(lowered), 0, -1):
            canonical = table.get(tuple(lowered[:length]))
            if canonical:
                return i + length, canonical
        return None


def _files_digest(paths: list[Path]) -> str:
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_gazetteer(folder: Path | None = None) -> Gazetteer:
    folder = Path(folder) if folder else data_file("gazetteer")
    files = sorted(folder.glob("*.yaml"))
    gaz = Gazetteer(version=_files_digest(files))
    read = lambda name: yaml.safe_load((folder / name).read_text(encoding="utf-8")) if (folder / name).exists() else None  # noqa: E731

    # People first: a person's full name outranks any other reading of the same words.
    for person in read("people.yaml") or []:
        entity = Entity(person_id(person["name"]), "person", person["name"], person.get("country"), tuple(person.get("aliases", [])))
        gaz.add(entity, [person["name"], *person.get("aliases", [])])

    for org in read("organizations.yaml") or []:
        entity = Entity(org["id"], org.get("kind", "organization"), org["name"], org.get("country"), tuple(org.get("aliases", [])))
        gaz.add(entity, [org["name"], *org.get("aliases", [])])

    extra_countries = read("countries.yaml") or {}
    for country in pycountry.countries:
        extra = extra_countries.get(country.alpha_3, {})
        names = [n for n in (getattr(country, "common_name", None), country.name, getattr(country, "official_name", None)) if n and "," not in n]
        names = names or [country.name]
        aliases = [*extra.get("aliases", []), *names]
        entity = Entity(country.alpha_3, "country", extra.get("name") or names[0], country.alpha_3, tuple(aliases))
        gaz.add(entity, aliases)

    for place in read("places.yaml") or []:
        entity = Entity(f"place:{slugify(place['name'])}", "place", place["name"], place.get("country"), tuple(place.get("aliases", [])), bool(place.get("capital")))
        gaz.add(entity, [place["name"], *place.get("aliases", [])])

    titles = read("titles.yaml") or {}
    for canonical, variants in (titles.get("offices") or {}).items():
        for variant in [canonical, *variants]:
            gaz.offices.setdefault(tuple(t.lower() for t in token_key(variant)), canonical)
    for canonical, variants in (titles.get("ranks") or {}).items():
        for variant in [canonical, *variants]:
            gaz.ranks.setdefault(tuple(t.lower() for t in token_key(variant)), canonical)
    gaz.services = {tuple(t.lower() for t in token_key(s)) for s in titles.get("services", [])}
    gaz.honorifics = {tuple(t.lower() for t in token_key(s)) for s in titles.get("honorifics", [])}
    gaz.name_particles = frozenset(titles.get("name_particles", []))
    gaz.office_words = frozenset(w.lower() for w in titles.get("office_words", []))
    gaz.body_heads = frozenset(titles.get("body_heads", []))
    gaz.references = frozenset(tuple(t.lower() for t in token_key(r)) for r in titles.get("references", []))
    return gaz


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    return load_gazetteer()
