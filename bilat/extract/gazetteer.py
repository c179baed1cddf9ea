"""Gazetteers as data: countries (pycountry plus bilat/data/gazetteer/countries.yaml), organisations and armed
groups, people, places and office titles. Users extend coverage by editing or adding YAML, not code."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import unicodedata
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
    office_modifiers: dict[str, str] = field(default_factory=dict)  # lower-cased word -> as written in a title
    office_countries: dict[str, str] = field(default_factory=dict)  # canonical office -> the one state that has it
    references: frozenset[tuple[str, ...]] = frozenset()  # "the secretary": lower-cased token tuples
    body_heads: frozenset[str] = frozenset()  # "Ministry", "Commission": words that end an organisation's name
    only_after: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)  # alias -> the words it must follow
    provinces: dict[tuple[str, ...], str] = field(default_factory=dict)  # lower-cased token tuple -> province id
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
    def lower_places(self) -> dict[tuple[str, ...], str]:
        """Countries' and places' names compared case-insensitively ("KIRKUK", "Kurdistan region"), then the
        provinces of ISO 3166-2 ("Balochistan", "Borno State"): what a place the reader found resolves to."""
        table: dict[tuple[str, ...], str] = {}
        for key, eid in self.phrases.items():
            if self.entities[eid].kind in {"country", "place"}:
                table.setdefault(tuple(t.lower() for t in key), eid)
        for key, eid in self.provinces.items():
            table.setdefault(key, eid)
        return table

    @cached_property
    def title_starts(self) -> frozenset[str]:
        """Lower-cased words an office, rank, service or office word can start with: a quick no for most tokens."""
        keys = [*self.offices, *self.ranks, *self.services]
        return frozenset(k[0] for k in keys if k) | self.office_words | self.office_modifiers.keys()

    @cached_property
    def phrase_lengths(self) -> dict[str, tuple[int, ...]]:
        """First token of each phrase -> the lengths of the phrases it starts, longest first (most tokens start
        none, and the others few: matching tries only those)."""
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            if key:
                lengths.setdefault(key[0], set()).add(len(key))
        return {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()}

    def add(self, entity: Entity, aliases: list[str]) -> None:
        self.__dict__.pop("phrase_lengths", None)  # worked out again from the new phrases when next needed
        self.__dict__.pop("lower_places", None)
        self.entities[entity.entity_id] = entity
        for alias in aliases:
            for variant in _case_variants(alias):
                key = token_key(variant)
                # The first entity to claim an alias keeps it: data files are read in priority order.
                self.phrases.setdefault(key, entity.entity_id)

    def match(self, tokens: list[Token]) -> list[tuple[int, int, str]]:
        """Longest non-overlapping gazetteer matches as (first token, end token exclusive, entity id)."""
        found, i, texts, lengths = [], 0, [t.text for t in tokens], self.phrase_lengths
        while i < len(texts):
            for length in lengths.get(texts[i], ()):
                if i + length > len(texts):
                    continue
                key = tuple(texts[i : i + length])
                entity_id = self.phrases.get(key)
                if entity_id and key in self.only_after and (i == 0 or texts[i - 1].lower() not in self.only_after[key]):
                    continue  # "X" the platform only in "posted on X", never the letter
                if entity_id:
                    found.append((i, i + length, entity_id))
                    i += length
                    break
            else:
                i += 1
        return found

    def lookup_lower(self, table: dict[tuple[str, ...], str], tokens: list[Token], i: int, longest: int = 8) -> tuple[int, str] | None:
        """Longest case-insensitive match of a title table at token i, as (end token, canonical)."""
        if i >= len(tokens):
            return None
        for length in _lengths_by_first_word(table).get(tokens[i].text.lower(), ()):
            if length <= longest and i + length <= len(tokens):
                canonical = table.get(tuple(t.text.lower() for t in tokens[i : i + length]))
                if canonical:
                    return i + length, canonical
        return None


# keyed by the table's id, holding the table itself, so that no other table can come to have that id
_LENGTHS: dict[int, tuple[dict, int, dict[str, tuple[int, ...]]]] = {}


def _lengths_by_first_word(table: dict[tuple[str, ...], str]) -> dict[str, tuple[int, ...]]:
    """First word of each key of a title table -> the lengths of the keys it starts, longest first; worked out
    again when the table has grown (tables are only ever added to)."""
    known = _LENGTHS.get(id(table))
    if known is None or known[1] != len(table):
        lengths: dict[str, set[int]] = {}
        for key in table:
            if key:
                lengths.setdefault(key[0], set()).add(len(key))
        known = (table, len(table), {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()})
        _LENGTHS[id(table)] = known
    return known[2]


def _files_digest(paths: list[Path], data: str = "") -> str:
    digest = hashlib.sha1(data.encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _plural(demonym: str) -> str | None:
    """'Pakistani' -> 'Pakistanis', 'Afghan' -> 'Afghans', 'Filipino' -> 'Filipinos'; 'Chinese', 'French' have none."""
    return f"{demonym}s" if demonym[-1:] in {"n", "i", "o"} else None


@lru_cache(maxsize=1)
def country_facts() -> dict[str, dict]:
    """Per ISO alpha-3 code, from the countryinfo data set (a maintained compilation of names, demonyms and
    capitals): other names ('Republic of the Philippines', 'Ivory Coast'), demonyms with their plurals
    ('Pakistani', 'Pakistanis') and the capital. Short codes and names that are not plain Latin text are left out:
    news in English does not use them as words."""
    from countryinfo import CountryInfo

    facts: dict[str, dict] = {}
    owner: dict[str, tuple[int, str]] = {}  # a word several countries claim ('American', 'Chinese'): the most populous's
    plain = lambda n: n.isascii() and len(n) > 3 and "," not in n and not n.isupper()  # noqa: E731
    population = lambda info: int(info.get("population") or 0)  # noqa: E731
    # England, Scotland and Wales carry the United Kingdom's code: each code's most populous entry speaks for it
    for info in sorted(CountryInfo.all().values(), key=population, reverse=True):
        code = (info.get("ISO") or {}).get("alpha3")
        if not code or code in facts:
            continue
        # other names of more than one word ('Ivory Coast'): single ones are mostly native names or words ('Island')
        names = [n for n in [info.get("name", ""), *info.get("altSpellings", [])] if plain(n) and (" " in n or n == info.get("name"))]
        demonyms = [d.strip() for d in re.split(r"[,/]", info.get("demonym") or "") if d.strip()]
        demonyms += [p for d in demonyms if (p := _plural(d))]
        capital = info.get("capital") or ""
        capital = (capital[0] if isinstance(capital, list) and capital else capital if isinstance(capital, str) else "").strip()
        # capitals of states of a million people or more: small territories' capitals are mostly ordinary words
        # ('Douglas', 'The Valley'); places.yaml lists any other
        big = population(info) >= 1_000_000
        facts[code] = {"names": names, "demonyms": demonyms,
                       "capital": capital if big and plain(capital) and not capital.startswith("The ") and code != "USA" else None}
        for word in names + demonyms:
            owner[word] = max(owner.get(word, (-1, "")), (population(info), code))
    for code, known in facts.items():
        known["names"] = [n for n in known["names"] if owner[n][1] == code]
        known["demonyms"] = [d for d in known["demonyms"] if owner[d][1] == code]
    return facts


# First-level subdivisions of these kinds are places news names ("Balochistan", "Ontario", "Borno state");
# municipalities, districts, parishes and the like are too many and too often ordinary words.
_SUBDIVISION_TYPES = {"Province", "State", "Region", "Governorate", "Autonomous region", "Republic", "Emirate", "Land",
                      "Oblast", "Union territory", "Autonomous community", "Regional state", "Prefecture", "County",
                      "Administrative region", "Autonomous republic", "Territory", "Autonomous province", "Federal district",
                      "Capital district", "Capital territory", "Autonomous city", "Special administrative region",
                      "Federal territory", "Division", "Federal dependency", "Entity"}
# Subdivisions named with a plain word or a compass point ("Central", "Coast", "Lakes", "Eastern")
_GENERIC_PLACE_WORDS = {"central", "centre", "centrale", "center", "east", "eastern", "west", "western", "north", "northern",
                        "south", "southern", "coast", "coastal", "lakes", "bay", "gulf", "delta", "capital", "est", "ouest",
                        "nord", "sud", "littoral", "plateau", "plateaux", "islands", "upper", "lower", "mountain",
                        "highlands", "interior", "estuaire", "lac", "cascades", "border", "savanes", "maritime", "river",
                        "lagunes", "lake", "oriental", "occidental", "batman", "granma", "isabel", "colon", "falcon",
                        "constantine", "herrera", "hidalgo", "guerrero", "bolivar", "chin", "kara", "bari", "amara",
                        "mary", "victoria", "georgia", "washington", "national", "federal", "grand", "saint", "sainte"}


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def subdivision_places() -> tuple[dict, ...]:
    """Provinces, states and regions of every country from pycountry (ISO 3166-2), as place entries: the name as
    ISO writes it, its plain-letter form ("Nangarhār" is also "Nangarhar") and "X Province"/"X State" forms. A name
    two countries use ("Punjab") has no country."""
    by_name: dict[str, dict] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code or sub.type not in _SUBDIVISION_TYPES:
            continue
        name = sub.name.split(" [")[0].split(" (")[0].strip()
        plain = _ascii(name)
        if len(plain) < 4 or not plain[:1].isupper() or any(c in plain for c in ",/'") or plain.lower() in _GENERIC_PLACE_WORDS:
            continue
        if re.search(r"^(?:A[dlnrstz]|Ash|El|Ad-Dawhah) |\s[a-z]", plain):
            continue  # ISO's romanisation with its article ("Al Anbar", "Salah ad Din"), not the English name news uses
        country = pycountry.countries.get(alpha_2=sub.country_code)
        entry = by_name.setdefault(plain, {"name": plain, "country": country.alpha_3 if country else None, "aliases": []})
        if entry["country"] != (country.alpha_3 if country else None):
            entry["country"] = None
        for alias in (name, f"{plain} {sub.type}"):  # "Lamu County" is a name, "Balochistan province" a name and a word
            if alias != plain and alias not in entry["aliases"]:
                entry["aliases"].append(alias)
    return tuple(by_name.values())


def load_gazetteer(folder: Path | None = None) -> Gazetteer:
    folder = Path(folder) if folder else data_file("gazetteer")
    files = sorted(folder.glob("*.yaml"))
    gaz = Gazetteer(version=_files_digest(files, f"countryinfo {importlib.metadata.version('countryinfo')}"))
    read = lambda name: yaml.safe_load((folder / name).read_text(encoding="utf-8")) if (folder / name).exists() else None  # noqa: E731

    # People first: a person's full name outranks any other reading of the same words.
    for person in read("people.yaml") or []:
        entity = Entity(person_id(person["name"]), "person", person["name"], person.get("country"), tuple(person.get("aliases", [])))
        gaz.add(entity, [person["name"], *person.get("aliases", [])])

    for org in read("organizations.yaml") or []:
        entity = Entity(org["id"], org.get("kind", "organization"), org["name"], org.get("country"), tuple(org.get("aliases", [])))
        gaz.add(entity, [org["name"], *org.get("aliases", [])])
        if org.get("only_after"):
            for alias in org.get("aliases", []):
                gaz.only_after[token_key(alias)] = frozenset(w.lower() for w in org["only_after"])

    extra_countries = read("countries.yaml") or {}
    facts = country_facts()
    derived = []
    for country in pycountry.countries:
        extra, known = extra_countries.get(country.alpha_3, {}), facts.get(country.alpha_3, {})
        names = [n for n in (getattr(country, "common_name", None), country.name, getattr(country, "official_name", None)) if n and "," not in n]
        names = names or [country.name]
        curated, more = [*extra.get("aliases", []), *names], [*known.get("names", ()), *known.get("demonyms", ())]
        entity = Entity(country.alpha_3, "country", extra.get("name") or names[0], country.alpha_3, tuple(dict.fromkeys(curated + more)))
        gaz.add(entity, curated)
        derived.append((entity, more))
    for entity, more in derived:  # after every curated name, so countries.yaml decides what it lists
        gaz.add(entity, more)

    # Places the files list first (they carry aliases and overrides), then every country's capital.
    places = list(read("places.yaml") or [])
    places += [{"name": known["capital"], "country": code, "capital": True} for code, known in sorted(facts.items()) if known.get("capital")]
    for place in places:
        eid = f"place:{slugify(place['name'])}"
        if eid in gaz.entities:
            continue
        entity = Entity(eid, "place", place["name"], place.get("country"), tuple(place.get("aliases", [])), bool(place.get("capital")))
        gaz.add(entity, [place["name"], *place.get("aliases", [])])

    # Every state's provinces, states and regions (ISO 3166-2, from pycountry) resolve what the statistical reader
    # finds ("Balochistan" is Pakistan's), but are no phrases of the rules: thousands of names, some of them
    # people's ("Aurora", "Ishikawa"), would stop the rules reading a person's name where the reader can tell.
    for place in subdivision_places():
        if token_key(place["name"]) not in gaz.phrases and f"place:{slugify(place['name'])}" not in gaz.entities:
            entity = Entity(f"place:{slugify(place['name'])}", "place", place["name"], place["country"], tuple(place["aliases"]))
            gaz.entities[entity.entity_id] = entity
            for alias in [place["name"], *place["aliases"]]:
                gaz.provinces.setdefault(tuple(t.lower() for t in token_key(alias)), entity.entity_id)

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
    gaz.office_modifiers = {w.lower(): w for w in titles.get("office_modifiers", [])}
    gaz.office_countries = {office: code for code, offices in (titles.get("office_countries") or {}).items() for office in offices}
    gaz.body_heads = frozenset(titles.get("body_heads", []))
    gaz.references = frozenset(tuple(t.lower() for t in token_key(r)) for r in titles.get("references", []))
    return gaz


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    return load_gazetteer()
