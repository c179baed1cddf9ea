"""Claims in an article: quantities with units and bounds, and dated references normalised against the
publication date. (Quotes and reported statements are in bilat.extract.quotes.)"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bilat.extract.text import DATELINE, SentenceIndex

# ------------------------------------------------------------------------------------------------ quantities
UNITS = {
    "percent": "percent", "per cent": "percent", "%": "percent", "percentage points": "percentage_points",
    "square kilometers": "km2", "square kilometres": "km2", "sq km": "km2", "km2": "km2", "km²": "km2",
    "square miles": "sq_mi", "kilometers": "km", "kilometres": "km", "km": "km", "miles": "miles",
    "troops": "troops", "soldiers": "troops", "service members": "troops", "servicemembers": "troops",
    "military personnel": "troops", "personnel": "troops", "advisers": "troops", "advisors": "troops",
    "trainers": "troops", "marines": "troops", "Marines": "troops", "forces": "troops", "military advisers": "troops",
    "fighters": "fighters", "militants": "fighters", "jihadists": "fighters",
    "people": "people", "civilians": "people", "Iraqis": "people", "Iranians": "people", "Syrians": "people",
    "Jordanians": "people", "residents": "people", "refugees": "people", "displaced people": "people",
    "tourists": "people", "protesters": "people", "demonstrators": "people", "pilgrims": "people",
    "migrants": "people", "families": "families", "children": "people", "visitors": "people",
    "attacks": "attacks", "airstrikes": "airstrikes", "air strikes": "airstrikes", "strikes": "airstrikes",
    "sorties": "sorties", "missiles": "missiles", "ballistic missiles": "missiles", "rockets": "rockets",
    "drones": "drones", "aircraft": "aircraft", "jets": "aircraft", "warplanes": "aircraft", "planes": "aircraft",
    "fighter jets": "aircraft", "helicopters": "helicopters", "tanks": "tanks", "vehicles": "vehicles",
    "barrels a day": "barrels_per_day", "barrels per day": "barrels_per_day", "bpd": "barrels_per_day",
    "barrels": "barrels", "tons": "tonnes", "tonnes": "tonnes", "megawatts": "MW", "MW": "MW", "gigawatts": "GW",
    "cubic meters": "m3", "cubic metres": "m3", "cubic meters per second": "m3_per_s", "cubic metres per second": "m3_per_s",
    "dollars": "USD", "US dollars": "USD", "countries": "countries", "nations": "countries", "states": "countries",
    "members": "members", "partners": "countries", "agreements": "agreements", "deals": "agreements",
    "memorandums": "agreements", "bases": "bases", "doses": "doses", "meals": "meals", "gallons": "gallons",
    "dead": "people", "killed": "people", "wounded": "people", "injured": "people", "casualties": "people",
    "seats": "seats", "votes": "votes", "lawmakers": "people", "projects": "projects", "companies": "companies",
    "years": "years", "months": "months", "days": "days", "hours": "hours",
}
BOUNDS = {
    "more than": "more_than", "over": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "at least": "at_least", "no fewer than": "at_least", "a minimum of": "at_least",
    "about": "about", "around": "about", "roughly": "about", "approximately": "about", "some": "about",
    "an estimated": "about", "nearly": "about", "almost": "about", "close to": "about", "estimated": "about",
    "up to": "up_to", "as many as": "up_to", "as much as": "up_to",
    "fewer than": "less_than", "less than": "less_than", "under": "less_than", "below": "less_than",
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
WORD_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                "hundred": 100, "dozen": 12, "hundreds": 100, "dozens": 24, "thousands": 1000}
MODIFIERS = (r"(?:(?:more|additional|extra|new|foreign|coalition|combat|military|armed|active|daily|"
             r"US|U\.S\.|American|Iraqi|Iranian|Turkish|Jordanian|Kurdish|Syrian|NATO|ISIS|Islamic State|[A-Z][a-z]+)\s){0,2}")
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_BOUND_ALT = "|".join(re.escape(b) for b in sorted(BOUNDS, key=len, reverse=True))
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(WORD_NUMBERS) + r")"
_QUANTITY = re.compile(
    rf"(?:\b(?P<bound>(?i:{_BOUND_ALT}))\s)?(?P<cur>\$|US\$)?{_NUMBER}(?:\s?(?P<scale>thousand|million|billion|trillion|bn)\b)?"
    rf"(?:(?P<pct>%)|[\s-](?P<mod>{MODIFIERS})(?P<unit>{_UNIT_ALT})\b)?",
)
_DIRECTION = re.compile(r"^\W{0,3}(?:\w+\s){0,1}(?P<dir>reduction|decrease|drop|decline|fall|cut|fewer|increase|rise|jump|growth|surge|more)\b")
DECREASE_WORDS = {"reduction", "decrease", "drop", "decline", "fall", "cut", "fewer", "fell", "fallen", "dropped",
                  "declined", "decreased", "down", "reduced", "shrank", "shrunk"}
_CHANGE_BEFORE = re.compile(r"\b(?P<verb>fell|fallen|dropped|declined|decreased|down|cut|reduced|shrank|shrunk|rose|risen|"
                            r"increased|up|grew|grown|jumped|climbed|surged)(?:\s+by)?(?:\s+(?:about|nearly|almost|some|more than|over))?\s+$")
_AUXILIARY = re.compile(r"\s+(?:have|has|had|were|was|are|is)(?:\s+been)?\s*$")
_CLAUSE_END = re.compile(r"[,;:.()“”\"]|\s(?:and|but|while|which|who|after|before|as)\s")
_DATE_CONTEXT = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s$")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    bound: str
    direction: str | None
    measures: str
    surface: str
    start: int
    end: int
    sentence_index: int


def find_quantities(text: str, sentences: SentenceIndex) -> list[Quantity]:
    found = []
    for m in _QUANTITY.finditer(text):
        num, unit_word, pct = m.group("num"), m.group("unit"), m.group("pct")
        if m.group("cur") is None and unit_word is None and pct is None:
            continue  # a bare number (year, day, count of nothing named) is not a quantity
        if num.lower() in WORD_NUMBERS and (unit_word is None or m.group("scale") or text[max(0, m.start() - 4) : m.start()].lower() == "the "):
            continue  # "the two nations" names the parties, it claims no amount
        if _DATE_CONTEXT.search(text[max(0, m.start() - 12) : m.start("num")]):
            continue  # "Dec. 9 …"
        if num.isdigit() and len(num) == 4 and num.startswith(("19", "20")) and not m.group("cur") and unit_word in {"years", None}:
            continue
        value = float(WORD_NUMBERS.get(num.lower(), 0) or num.replace(",", ""))
        value *= SCALES.get(m.group("scale") or "", 1)
        unit = "USD" if m.group("cur") else ("percent" if pct else UNITS[unit_word])
        if unit_word and unit_word in {"dollars", "US dollars"}:
            unit = "USD"
        bound = BOUNDS.get((m.group("bound") or "").lower(), "exact")
        end = m.end()
        s_index = sentences.of(m.start())
        s_start, s_end = sentences.spans[s_index]
        direction, measures = None, ""
        if after := _DIRECTION.match(text[end : end + 30]):  # "a 64% reduction in ISIS attacks"
            direction = "decrease" if after["dir"] in DECREASE_WORDS else "increase"
        elif unit in {"percent", "percentage_points"} and (before := _CHANGE_BEFORE.search(text, max(s_start, m.start() - 40), m.start())):
            # "ISIS attacks in Iraq have dropped by 64 percent": the subject of the change is what is measured
            direction = "decrease" if before["verb"] in DECREASE_WORDS else "increase"
            clause_start = max((c.end() for c in _CLAUSE_END.finditer(text, s_start, before.start())), default=s_start)
            measures = _AUXILIARY.sub("", text[clause_start : before.start()]).strip()
        if not measures:
            measure_start = m.start("unit") if unit_word else end
            clause = _CLAUSE_END.search(text, end, s_end)
            measures_end = clause.start() if clause else s_end
            measures = " ".join(text[measure_start:measures_end].split()[:12]).strip(" -")
        found.append(Quantity(value, unit, bound, direction, measures, text[m.start() : m.end()].strip(), m.start(), m.end(), s_index))
    return found


# ------------------------------------------------------------------------------------------------ dated events
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_DATE = re.compile(
    rf"\b{_MONTH}\s(?P<day>[1-3]?\d)(?:st|nd|rd|th)?(?:[,]?\s(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<day2>[1-3]?\d)\s(?P<month2>January|February|March|April|May|June|July|August|September|October|November|December)\s(?P<year2>(?:19|20)\d\d)\b"
    rf"|\b(?P<month3>January|February|March|April|May|June|July|August|September|October|November|December)(?:\sof)?\s(?P<year3>(?:19|20)\d\d)\b"
    rf"|\b(?P<rel>this|last|next|earlier this|later this)\s(?P<unit>year|month|week|January|February|March|April|May|June|July|August|September|October|November|December)\b"
    rf"|\b(?P<dayword>yesterday|today)\b"
    rf"|\bon\s(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    rf"|(?<![\w$.,-])(?P<year4>(?:19|20)\d\d)(?![\w%-]|,\d)"
)


@dataclass(frozen=True)
class DatedEvent:
    event_date: date | None
    precision: str | None  # day | month | year | None when a relative date has no anchor
    date_text: str
    description: str
    start: int  # the sentence that states the event
    end: int
    date_start: int
    date_end: int
    sentence_index: int


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def resolve_date(m: re.Match, anchor: date | None) -> tuple[date | None, str | None]:
    """The date and precision a date expression stands for, relative ones against ``anchor``."""
    g = m.groupdict()
    if g["month"]:
        month = _MONTHS[g["month"].rstrip(".").lower()]
        day = int(g["day"])
        if g["year"]:
            year = int(g["year"])
        elif anchor:
            year = anchor.year
            try:
                if date(year, month, day) > anchor + timedelta(days=7):
                    year -= 1  # "Dec. 29" in a January article is last December
            except ValueError:
                return None, None
        else:
            return None, None
        try:
            return date(year, month, day), "day"
        except ValueError:
            return None, None
    if g["month2"]:
        return date(int(g["year2"]), _MONTHS[g["month2"].lower()], int(g["day2"])), "day"
    if g["month3"]:
        return _month_start(int(g["year3"]), _MONTHS[g["month3"].lower()]), "month"
    if g["year4"]:
        return date(int(g["year4"]), 1, 1), "year"
    if anchor is None:
        return None, None
    if g["rel"]:
        rel, unit = g["rel"], g["unit"]
        shift = {"this": 0, "earlier this": 0, "later this": 0, "last": -1, "next": 1}[rel]
        if unit == "year":
            return date(anchor.year + shift, 1, 1), "year"
        if unit == "month":
            month_index = anchor.year * 12 + anchor.month - 1 + shift
            return date(month_index // 12, month_index % 12 + 1, 1), "month"
        if unit == "week":
            return None, None
        month = _MONTHS[unit.lower()]
        year = anchor.year
        if rel == "last":
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif rel == "next":
            year = anchor.year if month > anchor.month else anchor.year + 1
        return date(year, month, 1), "month"
    if g["dayword"]:
        return (anchor - timedelta(days=1) if g["dayword"] == "yesterday" else anchor), "day"
    if g["weekday"]:
        back = (anchor.weekday() - _WEEKDAYS[g["weekday"].lower()]) % 7
        return anchor - timedelta(days=back), "day"
    return None, None


def find_dated_events(text: str, sentences: SentenceIndex, published: date | None) -> list[DatedEvent]:
    events = []
    for m in _DATE.finditer(text):
        event_date, precision = resolve_date(m, published)
        s_index = sentences.of(m.start())
        s_start, s_end = sentences.spans[s_index]
        description = DATELINE.sub("", text[s_start:s_end])
        events.append(DatedEvent(event_date, precision, m.group().strip(), description, s_start, s_end, m.start(), m.end(), s_index))
    return events
