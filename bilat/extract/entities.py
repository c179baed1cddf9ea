"""People, organisations, countries, armed groups and places in one article, resolved to gazetteer ids,
with the office each person is said to hold.

People are found three ways: a gazetteer name ("Lloyd Austin"), a title before a name ("US Secretary of
Defense Lloyd J. Austin III", "Army Maj. Gen. Matt McFarlane"), and an appositive ("Dana Stroul, US Deputy
Assistant Secretary of Defense for the Middle East,"). Later short forms ("Austin", "Al-Abassi") resolve to
the person introduced earlier in the same article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from bilat.extract.gazetteer import NAME_SUFFIXES, Entity, Gazetteer, person_id
from bilat.extract.text import DATELINE, SentenceIndex, Token, tokenize
from bilat.ids import slugify

QUALIFIER_WORDS = {"of", "for", "to", "on"}
# "US Ambassador to Iraq" serves the US; a special representative "for North Korea" is not North Korea's
FOREIGN_POSTS = {"Ambassador", "Special Envoy", "Chargé d'Affaires", "Special Representative", "Special Rapporteur"}
CLOSING = {",", ".", ";", ":", ")", "—", "–", "!", "?", "and", "who", "said", "says", "told", "added"}
_RANK_TITLES = {"General", "Lieutenant General", "Major General", "Brigadier General", "Colonel", "Lieutenant Colonel",
                "Admiral", "Vice Admiral", "Rear Admiral", "Major", "Captain", "Sergeant"}
SPEECH_VERBS = {"said", "says", "told", "added", "noted", "stressed", "warned", "argued", "explained", "wrote", "insisted"}
LEADER_TITLES = ("President", "Prime Minister", "King", "Emir", "Crown Prince", "Supreme Leader")
_NOT_NAMES = {"The", "A", "An", "Its", "His", "Her", "Their", "Our", "This", "That", "These", "Those", "Both", "Each"}
# Capitalised at the start of a sentence, never a name: "In Tokyo, Iran's foreign minister …"
_FUNCTION_WORDS = {"In", "On", "At", "For", "From", "By", "With", "After", "Before", "During", "But", "And", "As", "When",
                   "While", "If", "Since", "Under", "Over", "Of", "To", "Then", "Meanwhile", "Earlier", "Later", "Last",
                   "Next", "Asked", "Speaking", "Like", "Unlike", "Despite", "Although", "Though", "Instead", "Also"}
# Possessors that stand for a body named earlier: "the region's president", "the group's spokesman"
_POSSESSORS = {"region", "country", "kingdom", "group", "militia", "movement", "organisation", "organization", "government",
               "alliance", "coalition", "party", "army", "ministry"}
_NON_STATE = {"group", "militia", "movement", "organisation", "organization", "alliance", "coalition", "party"}
_COPULAS = {"is", "was", "served", "serves", "became", "becomes"}
_AT = {"at", "with", "from", "in"}
_DESCRIBED_BY = re.compile(r"\b[\w.’']+-(?:led|backed|based|run|funded|owned|allied|aligned)\s+(?=[A-Z])")
_NOMINEES = {"nominee", "candidate", "hopeful", "designate", "pick"}
_PREPOSITIONS = {"in", "to", "into", "from", "with", "against", "on", "about", "toward", "towards", "at", "for", "by",
                 "across", "inside", "within", "over", "through", "and"}
# "Baghdad-based", "Kurdish-led", "Trump-era": what follows a hyphen in a compound, never in a name
_COMPOUND_TAILS = {"led", "based", "backed", "era", "run", "made", "born", "held", "type", "like", "wide", "free", "only", "up", "out", "in", "on", "off"}
# Words that end the name of a body a title's qualifier may name, besides the gazetteer's body heads.
_NAME_HEADS = {"Program", "Programme", "Office", "Initiative", "Project", "Relations", "Studies", "Affairs", "Rights"}
# Where an appositive's office ends: "Jane Roe, professor of law at …", "…, special envoy since 2021, said".
_OPEN_ENDS = CLOSING | _AT | {"since", "until", "between", "during", "when", "after", "before", "under", "as"}
# Words that open a clause: an appositive's qualifier never runs over one.
_CLAUSE_WORDS = {"is", "was", "are", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could",
                 "may", "might", "should", "must", "said", "says", "told", "who", "which", "that", "whose", "whom",
                 "did", "does", "do", "not", "he", "she", "they", "it", "we"}
# Words that end the name of a sea, strait, island or other feature of the map: "South China Sea", "Taiwan
# Strait", "Riau Archipelago"; the first few also open one: "Strait of Hormuz", "Gulf of Aden"
FEATURE_WORDS = {"Sea", "Seas", "Ocean", "Strait", "Straits", "Gulf", "Bay", "Peninsula", "Shoal", "Reef", "Island",
                 "Islands", "Archipelago", "Desert", "River", "Lake", "Canal", "Channel", "Mountains", "Valley",
                 "Plateau", "Basin", "Forest", "Strip", "Heights", "Corridor", "Atoll"}
_FEATURE_OPENERS = {"Sea", "Strait", "Straits", "Gulf", "Bay", "Lake", "Isle", "Island", "Islands", "Sea", "Cape"}
_NUMBER_WORDS = {"One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve",
                 "Dozens", "Hundreds", "Thousands", "Several", "Many", "Some", "Most", "All"}
# A body named after its country is a name with the country in it when it is no state's organ: "Singapore
# Institute of International Affairs", "National University of Singapore" (not "the Iraqi Oil Ministry")
_NAMED_WITH_COUNTRY = {"Institute", "University", "College", "School", "Academy", "Institution", "Endowment",
                       "Observatory", "Foundation", "Society", "Association", "Center", "Centre", "Group", "Partners",
                       "Network"}
# The last word of a document's name: "Coast Guard Law" is a law, not the coast guard
_DOCUMENT_WORDS = {"Law", "Act", "Bill", "Treaty", "Accord", "Agreement", "Constitution", "Program", "Programme",
                   "Plan", "Initiative", "Doctrine", "Strategy", "Report", "Pact", "Resolution", "Declaration", "Charter"}
# What may follow a name in a sentence (a verb, a function word) or a name used before a noun that still is
# one ("3R rebels", "Borno state", "Quetta railway station")
AFTER_A_NAME = {"said", "says", "told", "added", "is", "was", "has", "had", "have", "will", "would", "could", "can",
                 "may", "might", "must", "should", "did", "does", "and", "or", "but", "who", "which", "that", "of", "in",
                 "on", "at", "to", "for", "with", "from", "by", "as", "than", "into", "over", "near", "since", "after",
                 "before", "during", "under", "against", "between", "across", "via", "where", "when", "while", "also", "later",
                 "then", "again", "now", "still", "himself", "herself", "itself",
                 "reported", "announced", "denied", "accused", "called", "rebels", "militants", "militia", "militias",
                 "fighters", "forces", "troops", "region", "state", "province", "county", "district", "city", "town",
                 "village", "port", "airport", "border", "coast", "area", "areas", "river", "base", "island", "railway",
                 "station", "mosque", "compound", "capital", "news", "newspaper", "agency", "group", "government",
                 "officials", "authorities", "administration", "army", "police", "ministry", "parliament", "court"}
PAST_VERBS = {"came", "went", "met", "took", "made", "gave", "saw", "sent", "led", "won", "lost", "held", "began", "fought",
               "struck", "hit", "left", "got", "put", "set", "ran", "became", "brought", "bought", "built", "kept",
               "paid", "sought", "spoke", "wrote", "chose", "drew", "grew", "knew", "rose", "fell", "stood", "shot"}
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
          "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@dataclass(frozen=True)
class Mention:
    entity_id: str
    surface: str
    start: int
    end: int
    sentence_index: int
    method: str  # gazetteer | title | appositive | speaker | short_form | title_reference | model


@dataclass(frozen=True)
class Role:
    person_id: str
    title: str
    rank: str | None
    country_code: str | None
    start: int
    end: int
    sentence_index: int


@dataclass
class EntityFindings:
    mentions: list[Mention] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)


@dataclass
class _Prefix:
    start: int
    end: int
    country: str | None = None
    rank: str | None = None
    office: str | None = None
    qualifier: str = ""
    qualifier_country: str | None = None
    named_body: tuple[int, int] | None = None  # tokens of a body a descriptor names ("…'s media wing, Inter Services …")
    body: str = ""  # "Foreign Ministry" in "Foreign Ministry spokesman"
    modifiers: str = ""  # "Former", "Deputy" in "former Pakistani Prime Minister", "Iranian Deputy Foreign Minister"
    stateless: bool = False  # "Islamic State's spokesman", "the group's leader": an office of no state


class _ArticleEntities:
    """The working state for one article; ``find_entities`` is the entry point."""

    def __init__(self, text: str, tokens: list[Token], sentences: SentenceIndex, gaz: Gazetteer):
        self.text, self.tokens, self.sentences, self.gaz = text, tokens, sentences, gaz
        self.gaz_at = {i: (i, j, eid) for i, j, eid in gaz.match(tokens) if not self._tail_of_a_longer_name(i, j, eid)}
        self.person_spans: dict[int, tuple[int, str, str]] = {}  # start token -> (end token, person id, method)
        self.roles: list[Role] = []
        self.new_people: dict[str, Entity] = {}
        self.role_country: dict[str, str] = {}
        self.body_spans: dict[int, tuple[int, str]] = {}  # start token -> (end token, organisation id)
        self.new_bodies: dict[str, Entity] = {}
        self.stateless_roles: set[tuple[str, int]] = set()  # offices of no state: no country to fill in
        self._named_body: tuple[int, int] | None = None
        self._apposed: set[int] = set()  # commas an appositive office was read at

    def _tail_of_a_longer_name(self, i: int, j: int, eid: str) -> bool:
        """'Security Council' in 'Supreme National Security Council' is not the UN's: a body's alias right after
        a capitalised word that is no name of its own ends some other body's name."""
        if self.gaz.entities[eid].kind not in {"organization", "armed_group"}:
            return False
        # "Democratic Party of Iranian Kurdistan": a body's alias that goes on with "of" and a name is the start
        # of a longer one, which find_bodies reads whole
        if self._tok(j - 1) in self.gaz.body_heads and self._tok(j) in {"of", "for"} and (
                self._tok(j + 1)[:1].isupper() or (self._tok(j + 1) == "the" and self._tok(j + 2)[:1].isupper())):
            return True
        if i == 0:
            return False
        before, joined = self.tokens[i - 1].text, False
        if before == "s" and i >= 3 and self.tokens[i - 2].text in {"'", "’"}:
            before, joined = self.tokens[i - 3].text, True  # "National People's Congress"
        elif before == "-" and i >= 2:
            before, joined = self.tokens[i - 2].text, True  # "Social-Democratic"
        at_start = self.sentences.spans[self.sentences.of(self.tokens[i].start)][0] >= self.tokens[i - 1].start
        longer = (before[:1].isupper() and before.isalpha() and not at_start and before not in _NOT_NAMES
                  and before not in _FUNCTION_WORDS and not self.gaz.phrases.get((before,)) and len(self.tokens[i].text) > 1)
        if j - i >= 2:
            return longer
        # a one-word alias ("Congress", "Democratic") inside a longer capitalised name: "National Congress Party"
        return (longer and joined) or (self._tok(j) in self.gaz.body_heads and not self.gaz_at_phrase(j))

    def gaz_at_phrase(self, k: int) -> bool:
        """Token k starts a gazetteer name of its own."""
        return bool(self.gaz.phrases.get((self._tok(k),)))

    # --- small token predicates -------------------------------------------------------------------------
    def _tok(self, i: int) -> str:
        return self.tokens[i].text if 0 <= i < len(self.tokens) else ""

    def _entity(self, i: int) -> Entity | None:
        hit = self.gaz_at.get(i)
        return self.gaz.entities[hit[2]] if hit else None

    def _is_name_word(self, i: int) -> bool:
        word = self._tok(i)
        if not word or not word[:1].isupper() or word in MONTHS or word in _FUNCTION_WORDS or word in _NOT_NAMES or word.lower() in self.gaz.office_words:
            return False
        entity = self._entity(i)
        return entity is None or entity.kind == "person"

    # --- titles and names ----------------------------------------------------------------------------
    def _country_at(self, i: int) -> tuple[int, str] | None:
        entity = self._entity(i)
        if entity and entity.kind == "country":
            end = self.gaz_at[i][1]
            if self._tok(end) in {"'", "’"} and self._tok(end + 1) == "s":
                end += 2
            return end, entity.entity_id
        return None

    def _possessor_at(self, i: int) -> tuple[int, str | None] | None:
        """A place or body, or a word standing for one, in the possessive before an office: (end, its country)."""
        entity = self._entity(i)
        if entity and entity.kind in {"place", "organization", "armed_group"}:
            end, country = self.gaz_at[i][1], entity.country_code
        elif self._tok(i) in _POSSESSORS:
            end, country = i + 1, None
        else:
            return None
        if self._tok(end) in {"'", "’"} and self._tok(end + 1) == "s" and self.gaz.lookup_lower(self.gaz.offices, self.tokens, end + 2):
            return end + 2, country
        return None

    def _qualifier(self, i: int, open_end: bool = False) -> tuple[int, str, str | None]:
        """'of Joint Operations', 'to Iraq', 'for the Middle East' after an office; (end, text, country). With
        ``open_end`` (an appositive, which a comma closes) any words up to where the appositive ends."""
        if self._tok(i).lower() not in QUALIFIER_WORDS:
            return i, "", None
        if open_end and (hit := self._open_qualifier(i)):
            return hit
        j, country, consumed = i + 1, None, 0
        while j < len(self.tokens) and consumed < 12:
            entity = self._entity(j)
            if (run := self._headed_body_end(j)) > j:
                j, consumed = run, consumed + run - j  # "of the White House National Economic Council"
                continue
            if entity and entity.kind != "person":
                # "to Iraq", "of Karbala", "of U.S. Central Command": the country, or the one the place or body is in
                country = country or (entity.entity_id if entity.kind == "country" else entity.country_code)
                j, consumed = self.gaz_at[j][1], consumed + 1
                if self._tok(j) in {"'", "’"} and self._tok(j + 1) == "s":  # "of Iraq's Council of Representatives"
                    j += 2
            elif self._tok(j).lower() in self.gaz.office_words or self._tok(j) in {"-", "–", "—"}:
                j, consumed = j + 1, consumed + 1
            elif self._tok(j).lower() in QUALIFIER_WORDS and consumed and (
                    self._tok(j + 1).lower() in self.gaz.office_words or self._entity(j + 1)):
                j, consumed = j + 1, consumed + 1  # "director of operations for the Joint Staff"
            else:
                break
        while j > i + 1 and self._tok(j - 1).lower() in {"the", "and", "-", "–", "—"}:
            j -= 1
        if j == i + 1:
            return i, "", None
        return j, self.text[self.tokens[i].start : self.tokens[j - 1].end], country

    def _headed_body_end(self, j: int) -> int:
        """End of a run of capitalised words from token j that ends in a body's head word ('National Economic
        Council', 'Committee for Freedom', 'Adversary Analytics Program'); j when the run names no body (a
        person's name after an office: 'Special Envoy for Syria Geir Pedersen')."""
        k, end = j, j
        while k < len(self.tokens) and k - j < 8:
            word, entity = self._tok(k), self._entity(k)
            if entity and entity.kind == "person":
                break
            if word[:1].isupper() and word not in MONTHS:
                k += 1
                if word in self.gaz.body_heads or word in _NAME_HEADS:
                    end = k
            elif word in {"-", "of", "for", "and"} and k > j and self._tok(k + 1)[:1].isupper():
                k += 1
            else:
                break
        return end

    def _open_qualifier(self, i: int) -> tuple[int, str, str | None] | None:
        """'of political science', 'of the Veneto region', 'for the Ministry of Information and Culture': in an
        appositive the qualifier runs to the comma, 'at', 'since' or the like that closes it; (end, text, country).
        A body named after a descriptor of it is the body: 'director general of the army's media wing, Inter
        Services Public Relations,' is the director general of Inter Services Public Relations."""
        j, country, n = i + 1, None, len(self.tokens)
        if self._tok(i).lower() == "to" and self._tok(j).islower() and self._tok(j) != "the":
            return None  # "the first president to visit": a verb, not where the office is held
        while j < n and j - i <= 14:
            word = self._tok(j)
            if word in _OPEN_ENDS and not (word == "and" and self._and_continues(j)):
                break
            if word.lower() in _CLAUSE_WORDS or word in MONTHS or word in {'"', "“", "”", "(", ")", "[", "]"}:
                return None  # a clause, a quotation or a date ("… on Tuesday") is no part of an office
            entity = self._entity(j)
            if entity and entity.kind == "person":
                return None
            if entity:
                country = country or (entity.entity_id if entity.kind == "country" else entity.country_code)
                j = self.gaz_at[j][1]
            else:
                j += 1
        if j == i + 1 or j >= n or self._tok(j) not in _OPEN_ENDS:
            return None
        # a descriptor: a possessive, then common nouns ("the army's media wing"), then the body's own name
        words = [t.text for t in self.tokens[i + 1 : j]]
        common = lambda w: w[:1].islower() and w not in {"s", "the", "and", "of"}  # noqa: E731
        if "s" in words and (at := words.index("s")) < len(words) - 1 and all(common(w) for w in words[at + 1 :]):
            run = self._capital_run(j + 1)  # "…'s media wing, Inter Services Public Relations,"
            if self._tok(j) == "," and run - (j + 1) >= 2 and self._tok(run) in _OPEN_ENDS:
                self._named_body = (j + 1, run)
                return run, f"{self._tok(i)} {self.text[self.tokens[j + 1].start : self.tokens[run - 1].end]}", country
        if "s" in words and words[-1][:1].isupper():
            k = j  # "of the army's media wing Inter Services Public Relations"
            while k > i + 1 and self._tok(k - 1)[:1].isupper():
                k -= 1
            if j - k >= 2 and common(self._tok(k - 1)):
                self._named_body = (k, j)
                return j, f"{self._tok(i)} {self.text[self.tokens[k].start : self.tokens[j - 1].end]}", country
        # "commander of the Kurdish-led Syrian Democratic Forces": who leads or backs a body that has a name of its
        # own is no part of that name ("the US-led coalition" has none)
        return j, _DESCRIBED_BY.sub("", self.text[self.tokens[i].start : self.tokens[j - 1].end]), country

    def _and_continues(self, j: int) -> bool:
        """'and' inside a title ('Information and Culture', 'history and archeology'), not before a new phrase."""
        before, after = self._tok(j - 1), self._tok(j + 1)
        return (after.isalpha() and after.lower() not in _CLAUSE_WORDS | {"a", "an", "the", "now", "also"}
                and before[:1].isupper() == after[:1].isupper() and not (self._entity(j + 1) and self._entity(j + 1).kind == "person"))

    def _capital_run(self, j: int) -> int:
        k = j
        while k < len(self.tokens) and k - j < 8 and (self._tok(k)[:1].isupper() or self._tok(k) == "-") and not (
                self._entity(k) and self._entity(k).kind == "person"):
            k += 1
        return k

    def _prefix(self, i: int, open_end: bool = False) -> _Prefix | None:
        """[country] [service] [rank] [office [qualifier]] [rank] [honorific] starting at token i."""
        entity = self._entity(i)
        if self._tok(i).lower() not in self.gaz.title_starts and not (entity and entity.kind != "person") and self._tok(i) not in _POSSESSORS:
            return None  # most tokens: nothing a title could start with
        p, j = _Prefix(i, i), i
        j = self._modifiers(p, j)
        if hit := self._country_at(j):
            j, p.country = hit
        elif hit := self._possessor_at(j):
            j, p.country = hit  # "the Kurdistan Region's health minister", "Islamic State's spokesman"
            p.stateless = (entity.kind == "armed_group" or (entity.kind == "organization" and not entity.country_code)) if entity else self._tok(i) in _NON_STATE
        elif self._tok(i).lower() not in self.gaz.title_starts and not (entity and entity.kind in {"country", "organization", "armed_group"}):
            return None
        j = self._modifiers(p, j)
        if self._tok(j).lower() in self.gaz.title_starts:
            j += next((len(s) for s in self.gaz.services if tuple(self._tok(k).lower() for k in range(j, j + len(s))) == s), 0)
        if hit := self.gaz.lookup_lower(self.gaz.ranks, self.tokens, j):
            j, p.rank = hit
        if p.rank is None and not self.gaz.lookup_lower(self.gaz.offices, self.tokens, j):
            # "Foreign Ministry spokesman", "Iraqi government spokesman", "Pentagon press secretary": the body
            # the office belongs to, before it
            k = j
            while k - j < 3 and not (k > j and self.gaz.lookup_lower(self.gaz.offices, self.tokens, k)) and (self._tok(k).lower() in self.gaz.office_words and self._tok(k).lower() not in {"the", "and"}
                                 or (self._entity(k) and self._entity(k).kind in {"organization", "armed_group"})):
                k = self.gaz_at[k][1] if k in self.gaz_at else k + 1
            if k > j and self.gaz.lookup_lower(self.gaz.offices, self.tokens, k):
                body = self._entity(j)
                p.body = self.text[self.tokens[j].start : self.tokens[k - 1].end]
                p.country = p.country or (body.country_code if body else None)
                j = k
        if hit := self.gaz.lookup_lower(self.gaz.offices, self.tokens, j):
            j, p.office = hit
            self._named_body = None
            j, p.qualifier, p.qualifier_country = self._qualifier(j, open_end)
            p.named_body = self._named_body
            if p.rank is None and (hit := self.gaz.lookup_lower(self.gaz.ranks, self.tokens, j)):
                j, p.rank = hit
        if not (p.rank or p.office):
            return None
        for honorific in self.gaz.honorifics:
            if tuple(self._tok(k).lower() for k in range(j, j + len(honorific))) == honorific:
                j += len(honorific)
                break
        p.end = j
        return p

    def _modifiers(self, p: _Prefix, j: int) -> int:
        """Words qualifying the office that follows ('former', 'Deputy', 'then-'), kept for its title; an office
        that begins with one ('Deputy Prime Minister', 'Chief of Staff') is left whole for the office lookup."""
        words = []
        while (word := self.gaz.office_modifiers.get(self._tok(j).lower())) and not self.gaz.lookup_lower(self.gaz.offices, self.tokens, j):
            words.append(word)
            j += 2 if self._tok(j + 1) == "-" else 1  # "then-Secretary"
        if words:
            p.modifiers = " ".join(filter(None, [p.modifiers, *words]))
        return j

    def _name_end(self, i: int) -> int:
        """End token of a personal name starting at i (== i when there is none)."""
        if hit := self.gaz_at.get(i):
            if self.gaz.entities[hit[2]].kind == "person":
                return hit[1]
        j, words = i, 0
        while j < len(self.tokens) and words < 6:
            word = self._tok(j)
            if self._is_name_word(j) or word in NAME_SUFFIXES:
                j, words = j + 1, words + 1
                if len(word) == 1 and self._tok(j) == ".":  # an initial: "J."
                    j += 1
            elif word.lower() in self.gaz.name_particles and words and self._tok(j + 1) == "-" or (word.lower() in self.gaz.name_particles and self._is_name_word(self._past_particles(j))):
                j += 1  # "bin Salman", "von der Leyen": particles, as many as stand before the next name word
            elif word == "-" and words and self._is_name_word(j + 1) or (word == "-" and self._tok(j - 1).lower() in self.gaz.name_particles):
                j += 1
            elif word == "-" and words and self._syllable(j + 1):
                j += 2  # "Tsai Ing-wen", "Kim Jong-un", "Lai Ching-te": a given name's second syllable
            else:
                break
        while j > i and (self._tok(j - 1) in {"-", "."} and not (len(self._tok(j - 2)) == 1) or self._tok(j - 1).lower() in self.gaz.name_particles):
            j -= 1
        return j

    def _past_particles(self, i: int) -> int:
        while self._tok(i).lower() in self.gaz.name_particles:
            i += 1
        return i

    def _syllable(self, i: int) -> bool:
        """A short lower-case word after a hyphen inside a name ('wen' in 'Ing-wen'), not a compound's tail ('led')."""
        word = self._tok(i)
        return word.isalpha() and word.islower() and len(word) <= 4 and word not in _COMPOUND_TAILS

    def _resolve_person(self, start: int, end: int) -> str:
        if (hit := self.gaz_at.get(start)) and hit[1] == end and self.gaz.entities[hit[2]].kind == "person":
            return hit[2]
        key = tuple(t.text for t in self.tokens[start:end])
        known = self.gaz.phrases.get(key)
        if known and self.gaz.entities[known].kind == "person":
            return known
        name = self.text[self.tokens[start].start : self.tokens[end - 1].end]
        if end - start == 1 and (known := self.gaz.people_by_surname.get(name)):
            return known[0]  # "President Obama": a surname alone resolves through a known person's names
        pid = person_id(name)
        if pid not in self.gaz.entities:
            self.new_people.setdefault(pid, Entity(pid, "person", name, None))
        return pid

    def _add_person(self, start: int, end: int, method: str) -> str:
        pid = self._resolve_person(start, end)
        self.person_spans[start] = (end, pid, method)
        return pid

    def _add_role(self, pid: str, prefix: _Prefix) -> None:
        if not prefix.office and not prefix.rank:
            return
        title = prefix.office or prefix.rank
        if prefix.office and prefix.qualifier:
            title = f"{prefix.office} {prefix.qualifier}"
        if prefix.office and prefix.body:
            title = f"{prefix.body} {title}"
        if prefix.office and prefix.modifiers:
            title = f"{prefix.modifiers} {title}"
        country = prefix.country
        if not country and prefix.qualifier_country and prefix.office not in FOREIGN_POSTS:
            country = prefix.qualifier_country
        known = self.gaz.entities.get(pid)
        country = country or self.gaz.office_countries.get(prefix.office or "")
        if not country and self._tok(prefix.start - 1) == "s" and self._tok(prefix.start - 2) in {"'", "’"}:
            owner = next((o for s, (e, o, _) in self.person_spans.items() if e == prefix.start - 2), None)
            owner = owner or self._earlier_person_with_surname(prefix.start - 3)  # "Roy's special envoy"
            # "President Donald Trump's special envoy": the office of a state's officer is that state's
            country = self.role_country.get(owner) or (self.gaz.entities[owner].country_code if owner in self.gaz.entities else None)
        country = country or (known.country_code if known and not prefix.stateless else None)
        if country:
            self.role_country.setdefault(pid, country)
        start, end = self.tokens[prefix.start].start, self.tokens[prefix.end - 1].end
        if prefix.stateless and not country:
            self.stateless_roles.add((pid, start))
        self.roles.append(Role(pid, title, prefix.rank if prefix.office else None, country, start, end, self.sentences.of(start)))
        if prefix.named_body and prefix.named_body[0] not in self.body_spans:
            first, last = prefix.named_body  # the body the office belongs to is an organisation of its own
            eid = f"org:{country.lower() + '-' if country else ''}{slugify(self.text[self.tokens[first].start : self.tokens[last - 1].end])}"
            if eid not in self.gaz.entities:
                self.new_bodies.setdefault(eid, Entity(eid, "organization", self.text[self.tokens[first].start : self.tokens[last - 1].end], country))
            self.body_spans[first] = (last, eid)

    def find_titled_people(self) -> None:
        i = 0
        while i < len(self.tokens):
            prefix = self._prefix(i)
            if prefix is None:
                i += 1
                continue
            j = prefix.end
            name_end = self._name_end(j)
            if name_end == j and self._tok(j) != "," and prefix.office and (wide := self._prefix(i, open_end=True)) and (
                    wide.end > j and self._tok(wide.end) == ","):
                prefix, j = wide, wide.end  # "The deputy minister for Information and Culture, Omar Dahir, said"
                name_end = j
            if name_end == j and self._tok(j).lower() in _NOMINEES and self._name_end(j + 1) - j >= 3:
                self._add_person(j + 1, self._name_end(j + 1), "title")  # "Deputy President nominee X": a person, no office
                i = self._name_end(j + 1)
                continue
            first, after_comma = j + 1, j + 1
            if name_end == j and self._tok(j) == ",":
                inner = self._prefix(j + 1)  # "The commander of US Central Command, Gen. Kenneth McKenzie,"
                if inner and (inner.rank or inner.office) and prefix.office and self._name_end(inner.end) > inner.end:
                    first = inner.end  # "…, Ambassador Shafqat Ali Khan,": a diplomatic rank, not a name
                after_comma = self._name_end(first)
            if after_comma > first and self._tok(after_comma) in CLOSING:
                if first > j + 1:
                    prefix.rank = prefix.rank or inner.rank or inner.office
                j, name_end = first, after_comma  # "Iraq's defense minister, Thabit al-Abbasi, said"
            elif name_end == j:
                i = max(prefix.end, i + 1)
                continue
            if name_end - j == 1 and not prefix.office and not self._known_surname(j):
                i = name_end  # "General Assembly", "General Electric": a rank word before one unknown word
                continue
            after = self._tok(name_end)
            if any(self._tok(k) in self.gaz.body_heads for k in range(j, name_end + 1)) or (
                    name_end - j == 1 and after.isalpha() and after.islower() and after not in AFTER_A_NAME | PAST_VERBS
                    and not after.endswith(("ed", "ly", "s")) and not self._known_surname(j)):  # "s": "urges", "wants"
                i = name_end  # "coordinator for the International Federation for …": a body; "chief Brexit
                continue      # negotiator": a word before a noun, not a name
            pid = self._add_person(j, name_end, "title")
            self._add_role(pid, prefix)
            i = name_end

    def _known_surname(self, i: int) -> bool:
        """Token i is the surname of a person the gazetteer knows or this article has already named."""
        word = self._tok(i)
        if (hit := self.gaz_at.get(i)) and self.gaz.entities[hit[2]].kind == "person":
            return True
        if any(self._tok(e - 1) == word and e - s > 1 for s, (e, _, _) in self.person_spans.items()):
            return True
        return word in self.gaz.people_by_surname

    def find_appositives(self, late: bool = False) -> None:
        """'NAME, [the] [country] OFFICE [qualifier],' — the office belongs to NAME. ``late``: again once speakers
        and short forms are known ('the 70-year-old Barnier, a former EU commissioner,'), for those only."""
        for c, token in enumerate(self.tokens):
            if token.text != "," or c in self._apposed:
                continue
            k = c + 1
            if self._tok(k) == "who" and self._tok(k + 1) in _COPULAS:  # "Mark Lambert, who was the special envoy"
                k += 3 if self._tok(k + 2) == "as" else 2
            if self._tok(k).lower() in {"the", "a", "an"}:
                k += 1
            prefix = self._prefix(k, open_end=True)
            # the office may end the appositive or go on to where it is held ("a senior fellow at the Atlantic Council")
            if prefix is None or prefix.office is None or self._tok(prefix.end) not in _OPEN_ENDS:
                continue
            if prefix.country is None and (where := self._held_at(prefix.end)):
                prefix.country = where  # "the deputy special representative for North Korea at the State Department"
            # the name ends at the comma, or at the period of "Jr." before it
            person = next(((s, e, pid) for s, (e, pid, _) in self.person_spans.items()
                           if e == c or (e == c - 1 and self._tok(e) == ".")), None)
            if person is None and late:
                continue
            if person is None:
                start = c
                while start > 0 and (self._is_name_word(start - 1) or self._tok(start - 1) in {"-", "."} | NAME_SUFFIXES or self._tok(start - 1).lower() in self.gaz.name_particles):
                    start -= 1
                while start < c and not self._is_name_word(start):
                    start += 1
                earlier = self._earlier_person_with_surname(start) if c - start == 1 else None
                if earlier:  # "Akar, Turkey's defense minister, said": the Hulusi Akar named before
                    self.person_spans[start] = (c, earlier, "short_form")
                    pid = earlier
                elif c - start < 2 and not (self.gaz_at.get(start, (0, 0, ""))[1] == c):
                    continue
                else:
                    pid = self._add_person(start, c, "appositive")
            else:
                pid = person[2]
            prefix.start = k
            self._add_role(pid, prefix)
            self._apposed.add(c)

    def find_predicates(self) -> None:
        """'NAME is the former chair of …  and is now associate dean of …': an office a copula gives a person
        already named; 'and is' goes on with the same person."""
        subject = None
        for c, token in enumerate(self.tokens):
            if token.text in {".", "?", "!", ";"}:
                subject = None
            if token.text not in {"is", "was"}:
                continue
            person = next((pid for s, (e, pid, _) in self.person_spans.items() if e == c), None)
            if person is None and self._tok(c - 1) == "and":
                person = subject
            subject = person
            if person is None:
                continue
            k = c + 1
            while self._tok(k).lower() in {"now", "also", "currently", "still", "the", "a", "an"}:
                k += 1
            prefix = self._prefix(k, open_end=True)
            if prefix is None or prefix.office is None or self._tok(prefix.end) not in _OPEN_ENDS:
                continue
            if prefix.country is None and (where := self._held_at(prefix.end)):
                prefix.country = where
            self._add_role(person, prefix)

    def _held_at(self, i: int) -> str | None:
        """The country of the body an appositive's office is held at: 'at the State Department' (token i: 'at')."""
        if self._tok(i) not in {"at", "with"}:
            return None
        k = i + 2 if self._tok(i + 1).lower() == "the" else i + 1
        entity = self._entity(k)
        return entity.country_code if entity and entity.kind in {"organization", "armed_group"} else None

    def _earlier_person_with_surname(self, i: int) -> str | None:
        """The person of a name of two or more words, ending with token i's word, named before token i."""
        word = self._tok(i)
        named = [(s, pid) for s, (e, pid, _) in self.person_spans.items() if s < i and e - s > 1 and self._tok(e - 1) == word]
        return max(named)[1] if named else None

    def add_gazetteer_people(self) -> None:
        for i, (_, j, eid) in self.gaz_at.items():
            if self.gaz.entities[eid].kind == "person" and not self._inside_person(i) and not any(i < s < j for s in self.person_spans):
                self.person_spans[i] = (j, eid, "gazetteer")

    def _inside_person(self, i: int) -> bool:
        return any(s <= i < e for s, (e, _, _) in self.person_spans.items())

    def find_named_speakers(self) -> None:
        """'…,” Abdul-Ghani said.': a capitalised name that speaks is a person, and so is the fuller name it
        shortens earlier in the article ('Hayan Abdul-Ghani'), even when no title introduced them."""
        for i, token in enumerate(self.tokens):
            if token.text not in SPEECH_VERBS or i == 0 or self._inside_person(i - 1) or i - 1 in self.gaz_at:
                continue
            start = i
            while start > 0 and self._continues_name(start - 1):
                start -= 1
            while start < i and (not self._is_name_word(start) or self._common_word(start) or self._office_at(start, i)):
                start += 1  # "Lawyer Pavel Dunin told": a word the article also writes in lower case is no name;
                # "President Lai said": an office is no part of a name
            if start == i or self._inside_person(start) or any(self._inside_gaz(k) for k in range(start, i)):
                continue
            if start > 0 and self._tok(start - 1)[:1].isupper() and self._tok(start - 1) not in {"“", '"'}:
                continue  # part of a longer capitalised phrase ("The Foreign Ministry said"): not a name
            surname = tuple(t.text for t in self.tokens[start:i])
            full = self._earlier_full_name(surname, start) if len(surname) == 1 or surname[-2:-1] == ("-",) else None
            if full:
                known = self.person_spans.get(full[0])
                pid = known[1] if known and known[0] == full[1] else self._add_person(*full, "speaker")
                self.person_spans[start] = (i, pid, "short_form")
            elif i - start >= 2:
                self._add_person(start, i, "speaker")

    def _office_at(self, k: int, before: int) -> bool:
        """An office or rank starts at token k and ends before token ``before``."""
        hit = self.gaz.lookup_lower(self.gaz.offices, self.tokens, k) or self.gaz.lookup_lower(self.gaz.ranks, self.tokens, k)
        return bool(hit) and hit[0] < before

    def _common_word(self, k: int) -> bool:
        """Token k opens its sentence and the article writes the same word in lower case elsewhere."""
        word = self._tok(k)
        at_start = self.sentences.spans[self.sentences.of(self.tokens[k].start)][0] == self.tokens[k].start
        return at_start and word.lower() in self._lower_words

    @property
    def _lower_words(self) -> set[str]:
        if not hasattr(self, "_lower_cache"):
            self._lower_cache = {t.text for t in self.tokens if t.text.islower()}
        return self._lower_cache

    def _continues_name(self, k: int) -> bool:
        """Token k can extend a name leftwards: a name word, a particle ('al'), or a hyphen after either."""
        particle = lambda j: self._tok(j).lower() in self.gaz.name_particles  # noqa: E731
        return self._is_name_word(k) or particle(k) or (self._tok(k) == "-" and k > 0 and (self._is_name_word(k - 1) or particle(k - 1)))

    def _inside_gaz(self, k: int) -> bool:
        return any(s <= k < e for s, e, _ in self.gaz_at.values())

    def _earlier_full_name(self, surname: tuple[str, ...], before: int) -> tuple[int, int] | None:
        """The first name sequence of two or more words, before ``before``, ending with ``surname``."""
        n = len(surname)
        for end in range(n, before + 1):
            if tuple(t.text for t in self.tokens[end - n : end]) != surname:
                continue
            named = next(((s, e) for s, (e, _, _) in self.person_spans.items() if s < end - n and end == e), None)
            if named:
                return named  # "Prime Minister Ahmet Davutoglu": the person the title introduced, not the title
            start = end - n
            while start > 0 and self._continues_name(start - 1):
                start -= 1
            while start < end and not self._is_name_word(start):
                start += 1
            if end - start > n and not self._inside_person(start) and not any(self._inside_gaz(k) for k in range(start, end)):
                return start, end
        return None

    def add_short_forms(self) -> None:
        """Surnames and 'al-' forms of people already named in this article: 'Austin', 'Al-Abassi', 'Abadi'."""
        forms: dict[tuple[str, ...], str] = {}
        for s, (e, pid, _) in sorted(self.person_spans.items()):
            words = [t.text for t in self.tokens[s:e]]
            while words and words[-1] in NAME_SUFFIXES | {"."}:
                words.pop()
            if len(words) < 2:
                continue
            if len(words) >= 3 and words[-3].lower() in self.gaz.name_particles and words[-2] == "-":
                particle = words[-3]
                for p in {particle.lower(), particle.capitalize()}:
                    forms.setdefault((p, "-", words[-1]), pid)
            forms.setdefault((words[-1],), pid)
        if not forms:
            return
        longest = max(len(k) for k in forms)
        i = 0
        while i < len(self.tokens):
            if self._inside_person(i) or (i in self.gaz_at and self.gaz.entities[self.gaz_at[i][2]].kind != "person"):
                i = self.gaz_at[i][1] if i in self.gaz_at else i + 1
                continue
            for length in range(longest, 0, -1):
                key = tuple(t.text for t in self.tokens[i : i + length])
                if key in forms and self._tok(i + length) != "-":
                    self.person_spans[i] = (i + length, forms[key], "short_form")
                    i += length
                    break
            else:
                i += 1

    def _dateline_city(self) -> tuple[int, int, str] | None:
        """(first token, end token, place id) of the dateline's city when the gazetteer knows it."""
        match = DATELINE.match(self.text)
        if not match:
            return None
        city = match["dateline"].split(",")[0].strip()
        eid = self.gaz.phrases.get(tuple(t.text for t in tokenize(city.title())))
        n = len(tokenize(city))
        if not eid or self.gaz.entities[eid].kind not in {"place", "country"} or n > len(self.tokens):
            return None
        return 0, n, eid

    def _dateline_country(self) -> str | None:
        """The country of the dateline city ("BAGHDAD —" -> IRQ), when the text starts with one."""
        match = DATELINE.match(self.text)
        if not match:
            return None
        city = match["dateline"].split(",")[0].strip().title()
        entity = self.gaz.entities.get(self.gaz.phrases.get(tuple(t.text for t in tokenize(city)), ""))
        return entity.country_code if entity else None

    def _countries_by_sentence(self) -> dict[int, list[tuple[int, str, bool]]]:
        """The countries each sentence names (by name or adjective): (character offset, code, whether a
        preposition governs it: 'in Afghanistan', 'to China')."""
        named: dict[int, list[tuple[int, str, bool]]] = {}
        for i, _, eid in self.gaz_at.values():
            entity = self.gaz.entities[eid]
            if entity.capital and entity.country_code:
                eid = entity.country_code  # "a think tank in Washington": a capital names its state
            if entity.kind == "country" or entity.capital:
                governed = self._tok(i - 1).lower() in _PREPOSITIONS or (self._tok(i - 1).lower() == "the" and self._tok(i - 2).lower() in _PREPOSITIONS)
                named.setdefault(self.sentences.of(self.tokens[i].start), []).append((self.tokens[i].start, eid, governed))
        return named

    def _body_word(self, k: int) -> bool:
        word = self._tok(k)
        hit = self.gaz_at.get(k)
        return (word[:1].isupper() and word not in MONTHS and word not in _NOT_NAMES and not self._inside_person(k)
                and (hit is None or self.gaz.entities[hit[2]].kind in {"place", "country"}))

    def _body_run(self, k: int, longest: int) -> int:
        """End of the run of a body's name words from token k: capitalised words, places and countries in it
        (whole: "Bosnia and Herzegovina"), and "and", "&", a hyphen, a possessive or an initial's period between
        two of them ("National Intelligence and Security Agency", "National People's Congress", "Daniel K. Inouye")."""
        start, words = k, 0
        while k < len(self.tokens) and words < longest:
            if self._body_word(k):
                k = self.gaz_at[k][1] if k in self.gaz_at else k + 1
                words += 1
            elif k > start and self._tok(k) in {"and", "&", "-"} and self._body_word(k + 1):
                k += 1
            elif (k > start and self._tok(k) in {"'", "’"} and self._tok(k + 1) == "s" and self._body_word(k + 2)
                  and self._tok(k - 1) != "s" and not self._inside_gaz(k - 1)):
                k += 2
            elif k > start and self._tok(k) == "." and len(self._tok(k - 1)) == 1 and self._body_word(k + 1):
                k += 1
            else:
                break
        return k

    def _possessor_is_body(self, i: int) -> bool:
        """The words before token i are an organisation's possessive ("VOA's")."""
        k = i - 2 if self._tok(i - 1) == "s" else i - 1
        return any(e > s and e == k and self.gaz.entities[eid].kind == "organization" for s, e, eid in self.gaz_at.values())

    def find_features(self) -> None:
        """Seas, straits, islands and other features of the map no gazetteer lists: capitalised words ending in a
        feature word ("South China Sea", "Taiwan Strait", "Riau Archipelago", "East and South China Seas"), or one
        opening "X of Y" ("Strait of Hormuz"). A country's name inside is the feature's ("Indian Ocean"), not a
        mention of the country."""
        i = 0
        while i < len(self.tokens):
            word = self._tok(i)
            if word in _FEATURE_OPENERS and self._tok(i + 1) == "of" and self._tok(i + 2)[:1].isupper() and not self._inside_person(i):
                end = self._feature_run(i + 2)
                if end > i + 2 and not (i in self.gaz_at and self.gaz_at[i][1] >= end):
                    self._add_feature(i, end)
                    i = end
                    continue
            if not word[:1].isupper() or word in _FUNCTION_WORDS or word in _NOT_NAMES or word in MONTHS or self._inside_person(i):
                i += 1
                continue
            k = self._feature_run(i)
            head = self._tok(k)
            lower_head = head.lower() in {"reef", "shoal", "atoll"} and not any(self._entity(t) for t in range(i, k))
            after = self._tok(k + 1)
            longer = after[:1].isupper() and after.isalpha() and after not in MONTHS and after not in _FUNCTION_WORDS
            if k > i and (head in FEATURE_WORDS or lower_head) and not longer and not (i in self.gaz_at and self.gaz_at[i][1] >= k + 1):
                self._add_feature(i, k + 1)
                i = k + 1
            else:
                i = max(k, i + 1)

    def _feature_run(self, k: int) -> int:
        start = k
        while k < len(self.tokens) and k - start < 6:
            word, entity = self._tok(k), self._entity(k)
            if entity and entity.kind in {"country", "place"}:
                k = self.gaz_at[k][1]
            elif (word[:1].isupper() and word.isalpha() and word not in FEATURE_WORDS and word not in _FUNCTION_WORDS
                  and word not in _NOT_NAMES and word not in MONTHS and entity is None and not self._inside_person(k)):
                k += 1
            elif k > start and word in {"and", "-"} and self._tok(k + 1)[:1].isupper():
                k += 1
            else:
                break
        while k > start and self._tok(k - 1) in {"and", "-"}:
            k -= 1
        return k

    def _add_feature(self, start: int, end: int) -> None:
        name = self.text[self.tokens[start].start : self.tokens[end - 1].end]
        eid = f"place:{slugify(name)}"
        if eid not in self.gaz.entities:
            self.new_bodies.setdefault(eid, Entity(eid, "place", name, None))
        self.body_spans[start] = (end, eid)

    def find_bodies(self) -> None:
        """Organisations no gazetteer lists: capitalised words ending in a body word ("Higher Military
        Commission"), maybe then "of [the] …" ("Trade Bank of Iraq"), after an optional country ("Iraq's Oil
        Ministry": the ministry is Iraq's; the country stays its own mention)."""
        if not self.gaz.body_heads:
            return
        i, dateline = 0, self._dateline_country()
        while i < len(self.tokens):
            if i in self.body_spans:  # a feature of the map read before
                i = self.body_spans[i][0]
                continue
            j, country = i, None
            if hit := self._country_at(i):
                j, country = hit
            if self._tok(j) in _NUMBER_WORDS:
                i += 1  # "Five Frontier Corps personnel": a count, not a name
                continue
            k = self._body_run(j, 8)
            heads = [h for h in range(j, k) if self._tok(h) in self.gaz.body_heads]
            if not heads:
                i = max(i + 1, k if k > j else i + 1)
                continue
            end = heads[-1] + 1
            before = self._tok(i - 1)
            if before == "-" or (before[:1].isupper() and before not in _NOT_NAMES and not self.sentences.spans[self.sentences.of(self.tokens[i].start)][0] == self.tokens[i].start):
                i = end  # the tail of a longer name ("United Nations Security Council", "Counter-Terrorism Service")
                continue
            for _ in range(2):  # "Council of Representatives", "Commission on the Limits of the Continental Shelf"
                if self._tok(end) not in {"of", "for", "on"}:
                    break
                m = end + 2 if self._tok(end + 1) == "the" else end + 1
                n = self._body_run(m, 6)
                if n == m:
                    break
                end = n
            if self._tok(end) in _DOCUMENT_WORDS or (before == "s" and self._tok(i - 2) in {"'", "’"} and end - i == 2
                                                      and self._tok(end - 1) == "Service" and self._possessor_is_body(i)):
                i = end + 1  # "the Coast Guard Law": a law; "VOA's Urdu Service": the broadcaster's, in one language
                continue
            whole = self.gaz_at.get(j)
            if end - j < (1 if country else 2) or (whole and whole[1] == end):  # "Council" alone is no one's; "West Bank" is a place
                i = end
                continue
            if country and j > i and self._tok(j - 1) not in {"s", "'", "’"} and self._tok(heads[-1]) in _NAMED_WITH_COUNTRY | {"Council"} and (
                    self._tok(heads[-1]) != "Council" or end > heads[-1] + 1):
                j = i  # "Singapore Institute of International Affairs": the country's name is the body's too
            body_start = j
            name = self.text[self.tokens[j].start : self.tokens[end - 1].end]
            inside = {e.entity_id for t in range(j, end) if (e := self._entity(t)) and e.kind == "country"}
            if country is None and len(inside) == 1:
                country = inside.pop()  # "Trade Bank of Iraq"
            elif country is None and self._tok(heads[-1]) in {"Ministry", "Parliament", "Directorate"}:
                country = dateline  # "ANKARA — The Foreign Ministry said": Turkey's, as with offices
            if end - j == 1:
                j = i  # "US Embassy": one word is a name only with its country
                name = self.text[self.tokens[j].start : self.tokens[end - 1].end]
            # the same body in other words of its country ("Iraq's Oil Ministry", "the Iraqi Oil Ministry") is one id
            eid = f"org:{country.lower() + '-' if country else ''}{slugify(self.text[self.tokens[body_start].start : self.tokens[end - 1].end])}"
            if eid not in self.gaz.entities:
                self.new_bodies.setdefault(eid, Entity(eid, "organization", name, country))
            self.body_spans[j] = (end, eid)
            i = end

    def find_counterparts(self) -> None:
        """'his Syrian counterpart, Asaad al-Shaibani': the office of the person 'his' refers to (the first
        named in the sentence, else the last named before it), in the country of the adjective."""
        for i, token in enumerate(self.tokens):
            if token.text not in {"counterpart", "counterparts"} or i < 1:
                continue
            k, country = i - 1, None
            entity = self._entity(k)
            if entity and entity.kind == "country" and self.gaz_at.get(k, (0, 0))[1] == i:
                k, country = k - 1, entity.entity_id
            if self._tok(k).lower() not in {"his", "her"} and not (country and self._tok(k)[:1].islower()):
                continue  # "his Syrian counterpart", "met Turkish counterpart Hakan Fidan"
            n = i + 2 if self._tok(i + 1) == "," else i + 1
            named = self.person_spans.get(n)
            if named is None and self._name_end(n) - n >= 2 and not self._inside_person(n):
                end = self._name_end(n)  # "Israeli counterpart Meir Ben-Shabbat": a counterpart is someone
                named = (end, self._add_person(n, end, "title"), "title")
            if named is None:
                continue
            s_start = self.sentences.spans[self.sentences.of(token.start)][0]
            before = sorted((self.tokens[s].start, pid) for s, (e, pid, _) in self.person_spans.items() if self.tokens[s].start < self.tokens[k].start)
            same = [pid for at, pid in before if at >= s_start]
            referent = same[0] if same else (before[-1][1] if before else None)
            held = [r for r in self.roles if r.person_id == referent and r.title not in _RANK_TITLES]
            if not held or referent == named[1]:
                continue
            title = held[-1].title
            for body in (" of ", " to ", " for "):
                title = title.split(body)[0]  # the office, not whose it is ("Foreign Minister of Jordan")
            start, end = self.tokens[k].start, self.tokens[i].end
            self.roles.append(Role(named[1], title, None, country, start, end, self.sentences.of(start)))
            if country:
                self.role_country.setdefault(named[1], country)

    def resolve_title_references(self) -> None:
        """'the secretary', 'The king': the latest person named before them who holds an office with that word."""
        if not self.gaz.references:
            return
        longest = max(len(r) for r in self.gaz.references)
        for i, token in enumerate(self.tokens):
            if token.text not in {"the", "The"} or self._inside_person(i + 1):
                continue
            first, country = i + 1, None
            if (hit := self._country_at(first)) and self._tok(hit[0] - 1) not in {"s"}:
                first, country = hit  # "the Iraqi leader", "the US envoy"
            words = next((r for n in range(longest, 0, -1)
                          if (r := tuple(self._tok(k).lower() for k in range(first, first + n))) in self.gaz.references), None)
            if words is None:
                continue
            end = first + len(words)
            if self._is_name_word(end) or self._tok(end).lower() in QUALIFIER_WORDS or self._tok(end) in {"'", "’"}:
                continue  # "the Prime Minister Mohammed …", "the minister of oil", "the minister's": not a reference
            pid = self._latest_holder(" ".join(words), self.tokens[i].start, country)
            if pid:
                self.person_spans[i] = (end, pid, "title_reference")

    def _latest_holder(self, words: str, before: int, country: str | None = None) -> str | None:
        canonical = (self.gaz.offices.get(tuple(words.split())) or words).lower()
        titles = LEADER_TITLES if words == "leader" else (words, canonical)  # "the Iraqi leader": its head of government or state
        holders = {r.person_id for r in self.roles if (country is None or r.country_code == country)
                   and any(f" {w.lower()} " in f" {t.lower()} " for w in titles for t in (r.title, r.rank or ""))}
        seen = [(self.tokens[s].start, pid) for s, (_, pid, method) in self.person_spans.items()
                if pid in holders and self.tokens[s].start < before and method != "title_reference"]
        return max(seen)[1] if seen else None

    def findings(self) -> EntityFindings:
        out = EntityFindings()
        spans: list[tuple[int, int, str, str]] = [(s, e, pid, m) for s, (e, pid, m) in self.person_spans.items()]
        spans += [(s, e, eid, "body") for s, (e, eid) in self.body_spans.items()]
        for i, j, eid in self.gaz_at.values():
            if self.gaz.entities[eid].kind != "person" and not any(s <= i < e for s, e, _, _ in spans):
                spans.append((i, j, eid, "gazetteer"))
        if (city := self._dateline_city()) and not any(s <= city[0] < e for s, e, _, _ in spans):
            spans.append((*city, "gazetteer"))  # "AMMAN —": the gazetteer's Amman, written in capitals
        for s, e, eid, method in sorted(spans):
            start, end = self.tokens[s].start, self.tokens[e - 1].end
            out.mentions.append(Mention(eid, self.text[start:end], start, end, self.sentences.of(start), method))
            entity = self.gaz.entities.get(eid) or self.new_people.get(eid) or self.new_bodies[eid]
            if entity.kind == "person" and not entity.country_code and eid in self.role_country:
                entity = Entity(entity.entity_id, entity.kind, entity.name, self.role_country[eid], entity.aliases)
            out.entities[eid] = entity
        out.roles = _drop_repeats(_merge_ranks(_fill_role_countries(self.roles, self._countries_by_sentence(), self.stateless_roles)))
        # The countries people serve and bodies belong to are actors too (interactions use them), even when
        # the text never names the country itself.
        implied = {e.country_code for e in out.entities.values() if e.country_code} | {r.country_code for r in out.roles if r.country_code}
        for code in sorted(implied - out.entities.keys()):
            if code in self.gaz.entities:
                out.entities[code] = self.gaz.entities[code]
        return out


def _fill_role_countries(roles: list[Role], countries: dict[int, list[tuple[int, str, bool]]], stateless: set[tuple[str, int]] = frozenset()) -> list[Role]:
    """A role with no country of its own words takes the one the other roles of its sentence share (a
    delegation list), else, for a civilian office, the one country its sentence names ("Sudan's cabinet, led by
    Prime Minister Abdalla Hamdok"). The dateline is no evidence: a White House spokesperson quoted from Erbil
    is no Iraqi. A bare military rank takes no country: officers are as often named beside a foreign one."""
    filled = []
    # the country the person serves by the words of another of their offices in the article
    own = {}
    for r in roles:
        if r.country_code and r.title not in _RANK_TITLES:
            own.setdefault(r.person_id, r.country_code)
    for role in roles:
        if role.country_code is None and (role.person_id, role.start) not in stateless:
            peers = [r.country_code for r in roles if r.sentence_index == role.sentence_index and r.country_code]
            # a country a preposition governs after the office is more often where its holder went or what they
            # spoke of ("Prime Minister X flew to Iraq") than whose office it is ("…, one of Italy's regions")
            named = {code for at, code, _ in countries.get(role.sentence_index, ()) if at < role.end} or {
                code for at, code, governed in countries.get(role.sentence_index, ()) if not governed}
            if role.person_id in own:
                role = replace(role, country_code=own[role.person_id])
            elif peers and len(set(peers)) == 1:
                role = replace(role, country_code=peers[0])
            elif len(named) == 1 and role.title not in _RANK_TITLES and not role.title.startswith(tuple(FOREIGN_POSTS)):
                role = replace(role, country_code=next(iter(named)))
            elif not named and (main := _main_country(countries)) and role.title not in _RANK_TITLES and not role.title.startswith(tuple(FOREIGN_POSTS)):
                role = replace(role, country_code=main)
        filled.append(role)
    return filled


def _main_country(countries: dict[int, list[tuple[int, str, bool]]]) -> str | None:
    """The country the article is about, when one is: named in at least half the sentences that name any."""
    counts: dict[str, int] = {}
    for named in countries.values():
        for code in {code for _, code, _ in named}:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    code, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return code if n * 2 >= len(countries) and n >= 2 else None


_PAST = {"then", "former", "ex", "outgoing"}


def _drop_repeats(roles: list[Role]) -> list[Role]:
    """One role per office a person holds: 'ambassador Simon' after 'former French ambassador to Ivory Coast,
    Jean-Marc Simon' repeats the fuller office, and 'then-president' and 'former President' of one person are
    one past office (kept as 'Former'). A rank alone is its own role, left to _merge_ranks."""
    def words(role: Role) -> str:
        return f" {' '.join(role.title.lower().replace('-', ' ').split())} "

    def core(role: Role) -> str:
        return " ".join(w for w in words(role).split() if w not in _PAST)

    kept = []
    for role in roles:
        if role.title in _RANK_TITLES:
            kept.append(role)
            continue
        others = [r for r in roles if r is not role and r.person_id == role.person_id and r.title not in _RANK_TITLES
                  and r.country_code in {role.country_code, None} | ({r.country_code} if role.country_code is None else set())]
        if any(words(role) in words(r) and words(role) != words(r) for r in others):
            continue  # a shorter wording of an office the person is named with in full
        same = [r for r in others if core(r) == core(role) and words(r) != words(role)]
        if same and (not words(role).startswith(" former ") and any(words(r).startswith(" former ") for r in same)):
            continue
        kept.append(role)
    return kept


def _merge_ranks(roles: list[Role]) -> list[Role]:
    """'Army Maj. Gen. Matt McFarlane, the commander of …': one role, the office, carrying the rank."""
    offices = {r.person_id for r in roles if r.rank is None or r.title != r.rank}
    ranks = {r.person_id: r.title for r in roles if r.rank is None and r.title in _RANK_TITLES}
    merged = []
    for role in roles:
        if role.title in _RANK_TITLES and role.person_id in offices and any(
            r.person_id == role.person_id and r.title not in _RANK_TITLES for r in roles
        ):
            continue
        if role.rank is None and role.title not in _RANK_TITLES and role.person_id in ranks:
            role = replace(role, rank=ranks[role.person_id])
        merged.append(role)
    return merged


def find_entities(text: str, tokens: list[Token], sentences: SentenceIndex, gaz: Gazetteer) -> EntityFindings:
    state = _ArticleEntities(text, tokens, sentences, gaz)
    state.find_titled_people()
    state.add_gazetteer_people()
    state.find_appositives()
    state.find_named_speakers()
    state.add_short_forms()
    state.find_appositives(late=True)
    state.find_predicates()
    state.find_counterparts()
    state.resolve_title_references()
    state.find_features()
    state.find_bodies()
    return state.findings()


def _words(name: str) -> list[str]:
    words = [w for w in re.split(r"[\s]+", name.replace("’", "'")) if w]
    while words and words[-1].rstrip(".,") in NAME_SUFFIXES:
        words.pop()
    return words


def _same_name(short: list[str], full: list[str]) -> bool:
    """'Gbagbo', 'Laurent Gbagbo'; 'Kim' and 'Kim Jong Un' (family name first); 'Chaundry' for 'Chaudhry' and
    'Pederson' for 'Pedersen' (a misspelt surname: rapidfuzz ratio ≥ 85 with the same first letter)."""
    if len(short) >= len(full):
        return False
    short, full = [w.lower() for w in short], [w.lower() for w in full]  # "Von der Leyen" opening a sentence
    n = len(short)
    if full[-n:] == short or full[:n] == short:
        return True
    plain = [w for w in full if not re.fullmatch(r"[a-z]\.?", w)]  # "Charles Q. Brown" is "Charles Brown"
    if plain == short:
        return True
    if n == 1 and len(short[0]) >= 5:
        last = full[-1]
        return last[:1] == short[0][:1] and fuzz.ratio(short[0], last) >= 85
    return False


def _untitled(name: str) -> str:
    """'President Lai', 'Dr. Lai' -> 'Lai': the words of a name once the offices, ranks and honorifics before it go."""
    from bilat.extract.gazetteer import default_gazetteer

    gaz, tokens, i = default_gazetteer(), tokenize(name), 0
    while i < len(tokens) - 1:
        hit = gaz.lookup_lower(gaz.offices, tokens, i) or gaz.lookup_lower(gaz.ranks, tokens, i)
        if hit and hit[0] < len(tokens):
            i = hit[0]
        elif tuple([tokens[i].text.lower()]) in gaz.honorifics or tokens[i].text.lower().rstrip(".") in {"dr", "mr", "mrs", "ms"}:
            i += 2 if i + 1 < len(tokens) - 1 and tokens[i + 1].text == "." else 1
        else:
            break
    return name[tokens[i].start:] if i else name


def unify_people(findings: EntityFindings) -> EntityFindings:
    """One id per person within an article: a shorter name of a person named in full ('Gbagbo', 'President Lai'
    read as a name, a misspelt surname) takes the full name's id, when exactly one full name fits; a body whose
    name is a person's surname ('Ricketts' taken for an organisation) is that person."""
    people = {eid: e for eid, e in findings.entities.items() if e.kind == "person"}
    # names without their titles: "President Lai" is no fuller a name than "Lai"
    words = {eid: _words(_untitled(e.name)) for eid, e in people.items()}
    target: dict[str, str] = {}
    named = _named_bodies(findings)
    for eid, entity in findings.entities.items():
        if entity.kind not in {"person", "organization"} or eid in named:
            continue
        short = _words(_untitled(entity.name))
        if entity.kind == "organization" and len(short) != 1:
            continue
        fits = {other for other, full in words.items() if other != eid and _same_name(short, full)}
        if len(fits) == 1:
            target[eid] = fits.pop()
    if not target:
        return findings
    final = lambda eid: target.get(eid, eid)  # noqa: E731
    return EntityFindings(
        mentions=[replace(m, entity_id=final(m.entity_id)) for m in findings.mentions],
        roles=_drop_repeats(list({(final(r.person_id), r.title, r.start): replace(r, person_id=final(r.person_id)) for r in findings.roles}.values())),
        entities={eid: e for eid, e in findings.entities.items() if eid not in target},
    )


def _named_bodies(findings: EntityFindings) -> set[str]:
    """Bodies the gazetteer or the rules named with a known id are never someone's surname."""
    return {m.entity_id for m in findings.mentions if m.method == "gazetteer" and not m.entity_id.startswith("person:")}
