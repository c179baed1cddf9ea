"""Dated references in an article, normalised against the publication date.

Full dates, and dates without a year (bare months, weekdays, "Oct. 10") resolved against the publication date:
the last such date before it, unless the clause speaks of what is to come ("elections set for Oct. 10", "On
Tuesday, Rubio will join", "until Friday", "pushed to Friday"; "said it would leave in February": the nearest);
the expression keeps its words as written ("In April", "late last year", "Wednesday morning");
relative expressions ("last month", "this year", "last week" as its Monday, precision ``week``); dates given by reference to another
("two days later", "the same day", "nine days after ISIS overran Mosul"). Without a publication date, relative
expressions keep their text and no date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bilat.extract.quotes import quote_spans
from bilat.extract.text import DATELINE, SentenceIndex

MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_ABBR = r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_SPAN_COUNTS = r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}"
# One leading \b and branches that each start with a word of their own keep the scan fast; what stands
# before a match ("on Tuesday", "early July", "in 680") is read afterwards.
_DATE = re.compile(
    rf"\b(?:(?P<mname>{MONTH_NAMES}|{MONTH_ABBR})(?:\s(?P<day>[1-3]?\d)(?:st|nd|rd|th)?(?:,?\s(?P<year>(?:19|20)\d\d))?\b"
    rf"|(?:\sof)?\s(?P<year3>(?:19|20)\d\d)\b|\b(?P<bare>)(?![\s,]*\d|\sof\s\d))"
    rf"|(?<![$.,])(?<![A-Za-z]-)(?:(?P<day2>[1-3]?\d)\s(?P<month2>{MONTH_NAMES})(?:\s(?P<year2>(?:19|20)\d\d))?\b"
    rf"|(?P<year4>(?:19|20)\d\d)(?![\w%]|-(?!(?:19|20)\d\d\b)|,\d)"  # "1980-1988" too
    rf"|(?P<old_year>[1-9]\d{{2,3}})(?=[.,;:)]|\s(?:AD|CE|BC|BCE)\b))"
    rf"|(?P<rel>[Tt]his|[Ll]ast|[Nn]ext|[Ee]arlier\sthis|[Ll]ater\sthis)\s(?P<unit>year|month|weekend|week|{MONTH_NAMES}|{_WEEKDAY_NAMES})\b"
    # "in the last two weeks", "over the past three years", "in the past month": counted back from the anchor
    rf"|(?<=the\s)(?:[Ll]ast|[Pp]ast)\s(?P<span_n>{_SPAN_COUNTS})\s(?P<span_unit>days|weeks|months|years)\b"
    rf"|(?<=the\s)[Pp]ast\s(?P<past_unit>week|month|year)\b"
    rf"|(?<=[Oo]ver\s)the\s(?P<the_weekend>weekend)\b"
    rf"|(?P<week_end>week['’]s\send)\b"
    rf"|(?P<edge_rel_part>end|close|start|beginning|middle)\sof\s(?P<edge_rel>the|this|last|next)\s(?P<edge_unit>year|month|week)\b"
    rf"|(?P<dayword>yesterday|today|tomorrow)\b"
    rf"|(?P<weekday>{_WEEKDAY_NAMES})\b(?!,?\s(?:{MONTH_NAMES}|{MONTH_ABBR})\s?\d)"
    rf"|(?P<edge>end|close|start|beginning|middle)\sof\s(?P<edge_year>(?:19|20)\d\d)\b(?![\w%-]|,\d)"
    rf"|[Mm]id-(?P<mid_year>(?:19|20)\d\d)\b)"
)
_BEFORE_DATE = re.compile(r"(?:\b(?P<on>[Oo]n)\s|\b(?P<bmod>[Ee]arly|[Ll]ate|[Mm]id)[\s-]|\b(?P<year_prep>[Ii]n|[Ss]ince)\s)$")
# A bare month ("in March", "since early February", "by the end of September") needs a word that makes it a time.
_MONTH_PREPOSITION = re.compile(r"\b(?:in|since|by|until|till|from|through|during|before|after|of|between|and|to|or|for|last|next|"
                                r"early|late|mid|In|Since|By|Until|From|Through|During|Before|After|Between)[\s-]$")
# What the expression keeps around it, as written: "in"/"on" before ("In April", "in early February"), a part of the
# year before ("late last year", "late 2020"), a part of the day after ("Wednesday morning").
# A bare month used as an adjective, after a determiner or a possessive and before its noun.
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:\b(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur)|\w['’]s)\s(?:[a-z]+\s)?$")
_ATTRIBUTIVE_AFTER = re.compile(r"(?:['’]s)?\s(?!(?:for|to|of|and|or|the|is|was|were|are|will|would|has|had|have|said|says|that|"
                                r"which|who|in|on|at|by|with|from|as|but)\b)[a-z]{3,}\b")
# A year after two capitalised words within a sentence is part of a name ("the Global Terrorism Index 2025", "Saudi
# Vision 2030"; not "the Iran 2015 deal"), unless the last word is one that dates it ("Since 2014", "Sept 2020").
_NAME_BEFORE_YEAR = re.compile(r"\b(?!(?:The|A|An|This|That|Its|Their|His|Her|Our)\s)[A-Z][a-z]+\s(?!(?:In|Since|By|Until|Till|From|Before|After|During|Through|Between|Of|And|To|Early|Late|Mid|"
                               r"Summer|Spring|Autumn|Fall|Winter|Christmas|Easter|Ramadan|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
                               r"Oct|Nov|Dec)\s)[A-Z][a-z]+\s$")
_LEADING_IN_ON = re.compile(r"\b(?:[Ii]n|[Oo]n)\s$")
_LEADING_PART = re.compile(r"\b(?:[Ee]arly|[Ll]ate|[Mm]id)[\s-]$")
_PART_OF_DAY = re.compile(r"\s(?:morning|afternoon|evening|night)\b")
_OF_RELATIVE_YEAR = re.compile(r"\sof\s(?P<rel>this|last|next)\syear\b")
# A range is one reference, dated by its first day or year at that precision: "July 22-23, 2024" (the year
# written after the range), "between 2014 and 2021", "from 2001 to 2019", "1980-1988".
_DAY_RANGE_REST = re.compile(r"[-–][1-3]?\d\b(?:,?\s(?P<year>(?:19|20)\d\d)\b)?")
# ... and in words, "July 22 to 24, 2024", "from March 3 to March 7", "between July 3 and 7" (not "on July 3 and 10 people")
_DAY_RANGE_WORDS = re.compile(rf"\s(?P<word>to|through|until|and)\s(?:(?:{MONTH_NAMES}|{MONTH_ABBR})\s)?[1-3]?\d(?:st|nd|rd|th)?\b"
                              r"(?![\d,.]\d|\s*%|\s+(?!(?:in|at|on|and|with|for|as|when|while|the|after|before)\b)[a-z])"
                              r"(?:,?\s(?P<year>(?:19|20)\d\d)\b)?")
# A range of months, dated by its first: "March-April 2023", "from March to May", "between June and August 2024".
_MONTH_RANGE_REST = re.compile(rf"(?:[-–]|\s(?P<word>to|through|until|and)\s(?:(?:early|late|mid)[\s-])?)(?P<month>{MONTH_NAMES})\b"
                               r"(?:,?\s(?P<year>(?:19|20)\d\d)\b)?")
_RANGE_OPENING = re.compile(r"\b(?:[Ff]rom|[Bb]etween)\s(?:(?:early|late|mid)[\s-])?$")
_YEAR_RANGE_REST = re.compile(r"(?:[-–]|\s(?P<word>and|to|through|until)\s)(?:19|20)\d\d\b")
_PAST_PREPOSITION = re.compile(r"\b(?:since|after|Since|After)[\s-](?:(?:early|late|mid)[\s-])?$")
# References to a date already given: "two days later", "the same day", "nine days after fighters overran Mosul".
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
# Found by their second word (a literal-led pattern scans fast), then read leftwards for the count or "the".
# "hours after the attack" is left out: the date it counts from is seldom the one last given, and it is rarely annotated.
_CHAIN = re.compile(r"(?:[Dd]ays?|[Ww]eeks?|[Mm]onths?|[Yy]ears?|same|that|next|following|previous|preceding)\s"
                    r"(?:later|earlier|afterwards?|after|before|ago|day|month|year)\b")
# "the year before." / "the day after, ..." stand alone; "the day after the attack" dates something else.
_STEP_ALONE = re.compile(r"\s*(?:[.,;:)”\"]|$|\s(?:and|but|when|as|while)\b)")
_THAN = re.compile(r"\s+than\b")  # "a month later than expected": a comparison, not a date
_CHAIN_COUNT = re.compile(r"\b(?P<count>[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|"
                          r"[Ee]leven|[Tt]welve|\d{1,2})\s$")
_CHAIN_THE = re.compile(r"\b(?:[Tt]he|[Tt]hat)\s$")
_VAGUE_WORD = re.compile(r"\b(?:[Aa]\sfew|[Ss]everal|[Ss]ome|[Mm]any|[Jj]ust|[Oo]nly|[Mm]ere)\s(?:(?:few|mere)\s)?$")


@dataclass(frozen=True)
class _Chain:
    """'the same day', 'the next day', 'two days later', 'nine days after <something>'."""

    kind: str  # same | step | count | vague ("days later", "several months after": the date referred to, at its precision)
    count: int
    unit: str  # day | week | month | year
    direction: str  # later | earlier | after | before (count); next | previous (step)
    start: int
    end: int


def _find_chains(text: str) -> list[_Chain]:
    chains = []
    for m in _CHAIN.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum()):
            continue
        first, second = m.group().split()
        first, second = first.lower(), second.lower()
        if first in ("same", "that") and second == "day":
            the = _CHAIN_THE.search(text, max(0, m.start() - 5), m.start())
            if first == "same" and not the:
                continue
            chains.append(_Chain("same", 0, "day", "", the.start() if the else m.start(), m.end()))
        elif first in ("next", "following", "previous", "preceding") and second in ("day", "month", "year"):
            if the := _CHAIN_THE.search(text, max(0, m.start() - 5), m.start()):
                direction = "previous" if first in ("previous", "preceding") else "next"
                chains.append(_Chain("step", 1, second, direction, the.start(), m.end()))
        elif first.rstrip("s") in ("day", "week", "month", "year") and second in (
                "later", "earlier", "afterwards", "afterward", "after", "before", "ago"):
            if _THAN.match(text, m.end()):
                continue
            unit = first.rstrip("s")
            direction = "later" if second.startswith("afterward") else second
            number = _CHAIN_COUNT.search(text, max(0, m.start() - 8), m.start())
            if number:
                word = number["count"]
                count = int(word) if word.isdigit() else _COUNT_WORDS[word.lower()]
                chains.append(_Chain("count", count, unit, direction, number.start(), m.end()))
            elif first != unit and direction != "ago":  # "Days later", "several weeks after": no count
                start = (_VAGUE_WORD.search(text, max(0, m.start() - 12), m.start()) or m).start()
                chains.append(_Chain("vague", 0, unit, direction, start, m.end()))
            elif first == unit and (the := _CHAIN_THE.search(text, max(0, m.start() - 5), m.start())) and (
                    direction != "ago" and _STEP_ALONE.match(text, m.end())):  # "from the year before"
                step = "previous" if direction in ("before", "earlier") else "next"
                chains.append(_Chain("step", 1, unit, step, the.start(), m.end()))
    return chains


_VAGUE_COUNT = re.compile(r"\b(?:less|more|fewer)\sthan\s$|\b(?:about|nearly|almost|some|roughly|around|over|under|just|little|"
                          r"barely|only)\s$", re.I)
# A future reading for a date without its year: "a conference in Paris on Monday, to be co-chaired",
# "elections set for Oct. 10", "a visit expected in April". Only the clause around the date counts.
_FUTURE = re.compile(r"\b(?:will|would|shall|is\sto|are\sto|is\sdue|are\sdue|due\sto|set\sfor|set\sto|scheduled|expected|"
                     r"planned|plans?\sto|upcoming|coming|next)\b|['’]ll\b", re.I)
CLAUSE_CUT = re.compile(r"[,;:()“”\"]|\b(?:that|which|who|whom|when|where|while|after|before|because|since|and|but|said|says|"
                         r"told|announced)\b")


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


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


_PAST_VERB_BEFORE = re.compile(r"\b(?P<verb>[a-z]+ed|met|said|told|took|held|made|began|won|struck|hit|sent|left|fell|rose)\s+(?:on\s+|early\s+|late\s+)?$")
# Verbs of a timetable: in the present tense, with a date, they tell what is to come ("the talks resume Monday",
# "the law takes effect in January"); a clause with a sign of its own time reads by that instead.
_SCHEDULED = re.compile(r"\b(?:opens?|begins?|starts?|resumes?|ends|closes|expires?|meets?|convenes?|gathers?|votes|rules|"
                        r"takes?\s+effect|comes?\s+into\s+force|goes\s+to\s+the\s+polls|go\s+to\s+the\s+polls|holds|hosts|"
                        r"visits|travels|heads\s+to|arrives?|returns|kicks?\s+off|hears|decides)\b")
# A participle after "be" is no past: "talks will be held on Sept. 3", "a report to be released in May".
_BE_BEFORE = re.compile(r"\bbe\s+$")
# A deadline looks ahead ("until Friday", "before the presidential election in November", "by the end of August"),
# and so does a new date given to something put off ("the vote was pushed from September 25 to Friday").
_DEADLINE_BEFORE = re.compile(r"(?:\b(?:until|till|before|ahead\s+of)\s+(?P<words>(?:[a-z]+\s+){0,3}?)|\bby\s+(?:the\s+(?:end|start|middle)\s+)?"
                              r"|\bno\s+later\s+than\s+)(?:(?:in|on|of)\s+)?$", re.I)
_PUT_OFF = re.compile(r"\b(?:postponed|pushed|delayed|moved|put\s+off|rescheduled|deferred|pushed\s+back)\b[^.;]{0,60}\s(?:to|until)\s+$", re.I)
# Something that lasted until a date is past ("remained at the port until March 3", "did not leave until March 10");
# a deadline given in the past still lies ahead ("Turkey was given until Friday").
_LASTED = re.compile(r"\b(?:remained|stayed|lasted|waited|continued|persisted|kept|did\s+not\s+\w+|didn['’]t\s+\w+)\b", re.I)
# A verb in the past: the clause tells of what happened.
_PAST_VERB = re.compile(r"\b(?:[a-z]{2,}ed|was|were|had|did|met|said|told|took|held|made|began|won|struck|hit|sent|left|fell|rose|"
                        r"came|went|saw|gave|got|began|became|ran|spoke|wrote|brought|thought|found|stood|lost|paid|kept)\b")


def _signs(text: str, start: int, end: int, nearest: int = -1) -> str | None:
    """The time the signs between ``start`` and ``end`` give: that of the sign nearest the date (the last one, or
    the first with ``nearest=0``)."""
    signs = sorted([(f.start(), "near" if f.group().lower() == "would" else "future") for f in _FUTURE.finditer(text, start, end)]
                   + [(p.start(), "past") for p in _PAST_VERB.finditer(text, start, end) if not _FUTURE.fullmatch(p.group())
                      and not _BE_BEFORE.search(text, max(start, p.start() - 12), p.start())])
    return signs[nearest][1] if signs else None


def _tense(text: str, start: int, at: int, end: int) -> str:
    """How a date without its year at offset ``at`` reads, from its clause (``start`` is the sentence's start):
    'future' (it lies ahead), 'near' (a future seen from the past, "said the ship would leave in February": the
    occurrence nearest the anchor) or 'past'. A past verb right before the date wins ("the sanctions it imposed
    on Monday"); a deadline looks ahead unless its clause is in the past ("did not leave until March 10", "fired
    before dawn on Friday"). A clause with no sign of its time ("with Iran and Russia on Friday") takes the time of
    the clause before it; a date opening its sentence ("On Tuesday, Rubio will join ...") the time of what follows
    (``end``: the sentence's end)."""
    if (verb := _PAST_VERB_BEFORE.search(text, max(start, at - 40), at)) and not _FUTURE.fullmatch(verb["verb"]) and not (
            _BE_BEFORE.search(text, max(start, verb.start() - 12), verb.start())):
        return "past"
    cuts = [start] + [c.end() for c in CLAUSE_CUT.finditer(text, start, at)]
    if _PUT_OFF.search(text, max(start, at - 90), at):
        return "future"
    if deadline := _DEADLINE_BEFORE.search(text, max(start, at - 40), at):
        clause = max(c for c in cuts if c <= deadline.start())
        if not (_LASTED if not deadline["words"] else _PAST_VERB).search(text, clause, deadline.start()):
            return "future"
    clause_end = min(next((c.start() for c in CLAUSE_CUT.finditer(text, at, end) if c.start() > at + 1), end), at + 30)
    if not _signs(text, cuts[-1], clause_end) and _SCHEDULED.search(text, cuts[-1], clause_end):
        return "future"  # the present of a timetable: "the court rules Wednesday", "polls open on Sunday"
    stop = at
    for cut in reversed(cuts):
        if sign := _signs(text, cut, stop):
            return sign
        stop = cut
    for c in CLAUSE_CUT.finditer(text, at, end):  # nothing before: the clause after the date
        if c.start() > at + 1 and (sign := _signs(text, at, c.start(), 0)):
            return sign
    return _signs(text, at, end, 0) or "past"


def resolve_date(m: re.Match, anchor: date | None, future: bool = False) -> tuple[date | None, str | None]:
    """The date and precision a date expression stands for, relative ones against ``anchor``; ``future`` says
    a date without its year ("Oct. 10", "in April", "on Monday") lies after the anchor rather than before it."""
    g = m.groupdict()
    if g["mname"] and g["day"]:
        month = _MONTHS[g["mname"].rstrip(".").lower()]
        day = int(g["day"])
        if g["year"]:
            year = int(g["year"])
        elif anchor:
            year = anchor.year
            try:
                if future and date(year, month, day) < anchor - timedelta(days=7):
                    year += 1  # "elections set for Jan. 9" in a December article are next January's
                elif not future and date(year, month, day) > anchor + timedelta(days=7):
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
        month, day = _MONTHS[g["month2"].lower()], int(g["day2"])
        if not g["year2"]:
            return _bare_day(anchor, month, day, future)
        try:
            return date(int(g["year2"]), month, day), "day"
        except ValueError:
            return None, None
    if g["mname"] and g["year3"]:
        return _month_start(int(g["year3"]), _MONTHS[g["mname"].rstrip(".").lower()]), "month"
    if g["year4"]:
        return date(int(g["year4"]), 1, 1), "year"
    if g["edge_year"]:  # "at the end of 2011" is December 2011, "the start of 2020" January 2020
        month = {"end": 12, "close": 12, "start": 1, "beginning": 1, "middle": 6}[g["edge"]]
        return date(int(g["edge_year"]), month, 1), "month"
    if g["mid_year"]:  # "mid-2020": June, as a reader dates it
        return date(int(g["mid_year"]), 6, 1), "month"
    if g["old_year"]:
        year = int(g["old_year"])
        return (date(year, 1, 1), "year") if 1 <= year <= 2100 else (None, None)
    if anchor is None:
        return None, None
    if g["mname"]:  # a bare month
        month = _MONTHS[g["mname"].rstrip(".").lower()]
        if future:
            return date(anchor.year if month >= anchor.month else anchor.year + 1, month, 1), "month"
        return date(anchor.year if month <= anchor.month else anchor.year - 1, month, 1), "month"
    monday = anchor - timedelta(days=anchor.weekday())
    if g["span_unit"]:  # "the last two weeks" from the Monday two weeks back, "the past three years" from its January
        count, unit = g["span_n"], g["span_unit"][:-1]
        count = int(count) if count.isdigit() else _COUNT_WORDS[count.lower()]
        if unit == "day":
            return anchor - timedelta(days=count), "day"
        return _step((monday, "week") if unit == "week" else (anchor, "day"), unit, -count)
    if g["past_unit"]:  # "in the past month": last month
        return _step((monday, "week") if g["past_unit"] == "week" else (anchor, "day"), g["past_unit"], -1)
    if g["week_end"]:  # "by week's end": the week of the anchor
        return monday, "week"
    if g["edge_unit"]:  # "since the beginning of the year", "by the end of the month", "at the end of last week"
        shift = {"the": 0, "this": 0, "last": -1, "next": 1}[g["edge_rel"]]
        if g["edge_unit"] == "week":
            return monday + timedelta(weeks=shift), "week"
        if g["edge_unit"] == "month":
            return _shift_months(anchor, shift), "month"
        month = {"end": 12, "close": 12, "start": 1, "beginning": 1, "middle": 6}[g["edge_rel_part"]]
        return date(anchor.year + shift, month, 1), "month"
    if g["the_weekend"]:  # "over the weekend": the Saturday of the weekend just past, or of the coming one
        saturday = monday + timedelta(days=5)
        return (saturday if future or saturday <= anchor else saturday - timedelta(weeks=1)), "day"
    if g["rel"]:
        rel, unit = g["rel"].lower(), g["unit"]
        shift = {"this": 0, "earlier this": 0, "later this": 0, "last": -1, "next": 1}[rel]
        if unit == "year":
            return date(anchor.year + shift, 1, 1), "year"
        if unit == "month":
            return _shift_months(anchor, shift), "month"
        if unit == "week":  # the week, Monday to Sunday, as its Monday ("nominated last week")
            if rel == "last" and anchor.weekday() == 6:
                shift = 0  # on a Sunday "last week" is the working week just ended
            return monday + timedelta(weeks=shift), "week"
        if unit == "weekend":  # a weekend as its Saturday
            return monday + timedelta(days=5, weeks=shift), "day"
        if unit.lower() in _WEEKDAYS:
            weekday = _WEEKDAYS[unit.lower()]
            if rel == "last":
                return anchor - timedelta(days=(anchor.weekday() - weekday) % 7 or 7), "day"
            if rel == "next":
                return anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7), "day"
            return _weekday(anchor, weekday, future), "day"
        month = _MONTHS[unit.lower()]
        year = anchor.year
        if rel == "last":
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif rel == "next":
            year = anchor.year if month > anchor.month else anchor.year + 1
        return date(year, month, 1), "month"
    if g["dayword"]:
        return anchor + timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[g["dayword"]]), "day"
    if g["weekday"]:
        return _weekday(anchor, _WEEKDAYS[g["weekday"].lower()], future), "day"
    return None, None


def _weekday(anchor: date, weekday: int, future: bool) -> date:
    if future:
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _bare_day(anchor: date | None, month: int, day: int, future: bool) -> tuple[date | None, str | None]:
    if anchor is None:
        return None, None
    try:
        found = date(anchor.year, month, day)
        if future and found < anchor - timedelta(days=7):
            found = date(anchor.year + 1, month, day)
        elif not future and found > anchor + timedelta(days=7):
            found = date(anchor.year - 1, month, day)
    except ValueError:
        return None, None
    return found, "day"


def _chained(c: _Chain, previous: tuple[date, str] | None, in_sentence: tuple[date, str] | None,
             text: str, published: date | None = None, near: tuple[date, str] | None = None) -> tuple[date | None, str | None]:
    """A date given by reference to another: 'the same day', 'two days later' (the date last given), 'nine days
    after fighters overran Mosul' (the date given before it in the sentence, counted back; else the date last
    given, ``near``, when it is in one of the two sentences before: 'Altun tweeted Monday. His comments come two
    days after Erdogan denounced Israel.')."""
    if c.kind == "same":
        return previous if previous and previous[1] == "day" else (None, None)
    if c.kind == "step":
        return _step(previous, c.unit, -1 if c.direction == "previous" else 1) if previous else (None, None)
    if c.kind == "vague":
        base = in_sentence or near if c.direction in ("after", "before") else previous
        # a span finer than the date it counts from leaves that date as it was ("days after" a month: that month,
        # "several months later" a year: that year); "days after" a day is some day nobody gave
        finer = {"day": ("month", "year"), "week": ("month", "year"), "month": ("year",), "year": ()}[c.unit]
        return base if base and base[1] in finer else (None, None)
    if _VAGUE_COUNT.search(text, max(0, c.start - 15), c.start):
        return None, None  # "less than three weeks after", "two and a half months after"
    if c.direction == "ago":  # "a year ago", "10 years ago": counted back from the publication date
        return _step((published, "day"), c.unit, -c.count) if published else (None, None)
    if c.direction in ("after", "before"):
        # "... on Jan. 5 ..., two days after a US strike killed Soleimani": the strike was two days before Jan. 5
        if not (base := in_sentence or near):
            return None, None
        return _step(base, c.unit, -c.count if c.direction == "after" else c.count)
    if not previous:
        return None, None
    return _step(previous, c.unit, c.count if c.direction == "later" else -c.count)


def _step(base: tuple[date, str], unit: str, count: int) -> tuple[date | None, str | None]:
    day, precision = base
    unit = unit.rstrip("s")
    if unit in ("day", "week"):
        if precision == "week" and unit == "week":  # "last week ... a week later"
            return day + timedelta(weeks=count), "week"
        return (day + timedelta(days=count * (7 if unit == "week" else 1)), "day") if precision == "day" else (None, None)
    if unit == "month":
        return (_shift_months(day, count), "month") if precision in ("day", "week", "month") else (None, None)
    return date(day.year + count, 1, 1), "year"


def _in_quote(text: str, at: int, spans: list[tuple[int, int]]) -> bool:
    return any(o < at < c for o, c in spans)


def find_dated_events(text: str, sentences: SentenceIndex, published: date | None) -> list[DatedEvent]:
    found = []
    quotes: list[tuple[int, int]] | None = None
    for m in _DATE.finditer(text):
        lead = _BEFORE_DATE.search(text, max(0, m.start() - 7), m.start())
        start = m.start()
        if m["bare"] is not None:
            if lead and lead["bmod"]:
                start = lead.start("bmod")  # "early July", "mid-October"
            elif not _MONTH_PREPOSITION.search(text, max(0, m.start() - 8), m.start()) and not (
                    _ATTRIBUTIVE_BEFORE.search(text, max(0, m.start() - 30), m.start()) and _ATTRIBUTIVE_AFTER.match(text, m.end())) and not (
                    (rest := _MONTH_RANGE_REST.match(text, m.end())) and rest["word"] is None):
                continue  # "May" the verb, "March" the noun; but "the December revolution", "Pakistan's February elections"
        elif m["old_year"]:
            if not (lead and lead["year_prep"]) or int(m["old_year"]) > 2100:
                continue  # a number, unless it is "in 680"
        elif m["year4"] and _NAME_BEFORE_YEAR.search(text, max(0, m.start() - 30), m.start()):
            continue  # a year in a name: "the Global Terrorism Index 2025"
        elif m["span_unit"] and re.search(r"\b[Ff]or\sthe\s$", text[max(0, m.start() - 8) : m.start()]):
            continue  # "headed the mission for the past two years": how long, not when
        elif m["dayword"]:
            quotes = quote_spans(text) if quotes is None else quotes
            if _in_quote(text, m.start(), quotes):
                continue  # a speaker's "today" is the day they spoke, or nowadays, not the day of publication
        if part := _LEADING_PART.search(text, max(0, start - 6), start):
            start = part.start()
        if lead_word := _LEADING_IN_ON.search(text, max(0, start - 3), start):
            start = lead_word.start()
        found.append((start, 0, m))
    for c in _find_chains(text):
        found.append((c.start, 1, c))
    found.sort(key=lambda item: item[0])
    events: list[DatedEvent] = []
    previous: tuple[date, str] | None = None
    previous_sentence = -1
    taken: set[int] = set()
    consumed = 0  # the end of the last expression: "January of this year" holds its "this year"
    for start, chained, m in found:
        range_end = 0
        if start < consumed:
            continue
        s_index = sentences.of(start)
        s_start, s_end = sentences.spans[s_index]
        if chained:
            in_sentence = next(((e.event_date, e.precision) for e in reversed(events)
                                if e.sentence_index == s_index and e.event_date), None)
            # the date of the sentences before, for a clause that follows on from them ("His comments came two days
            # after ..."), not for one that opens its sentence ("Two days after the election, ...": its own time)
            near = previous if previous and previous_sentence >= s_index - 2 and len(text[s_start:start].split()) >= 2 else None
            event_date, precision = _chained(m, previous, in_sentence, text, published, near)
            if event_date is None:
                continue  # a reference to a date nobody gave
            span = (m.start, m.end)
        else:
            future, tense = False, "past"
            bare = m["bare"] is not None
            if bare or m["weekday"] or m["the_weekend"] or (m["day"] and not m["year"]) or (m["month2"] and not m["year2"]) or (
                    m["rel"] and m["rel"].lower() == "this"):
                past_only = bare and _PAST_PREPOSITION.search(text, max(0, start - 12), start)
                tense = "past" if past_only else _tense(text, s_start, start, s_end)
                future = tense == "future"
            event_date, precision = resolve_date(m, published, future)
            if not chained and future is False and tense == "near" and published and event_date:
                ahead = resolve_date(m, published, True)[0]  # the occurrence nearest the anchor, either side
                if ahead and abs((ahead - published).days) < abs((event_date - published).days):
                    event_date = ahead
            span = (start, m.end())
            opened = _RANGE_OPENING.search(text, max(0, start - 14), start)
            if bare and (rest := _MONTH_RANGE_REST.match(text, m.end())) and (rest["word"] is None or opened and (
                    rest["word"] != "and" or opened.group().lower().startswith("between"))):
                range_end = rest.end()
                if rest["year"]:  # "December 2023-January 2024" aside, the year written after the range is the first's too
                    month = _MONTHS[m["mname"].rstrip(".").lower()]
                    year = int(rest["year"]) - (month > _MONTHS[rest["month"].lower()])
                    event_date, precision = date(year, month, 1), "month"
            elif (m["day"] and not m["year"] or m["day2"] and not m["year2"]) and (
                    rest := _DAY_RANGE_REST.match(text, m.end()) or (m["day"] and (words := _DAY_RANGE_WORDS.match(text, m.end())) and (
                        words["word"] != "and" or (opened and opened.group().lower().startswith("between"))) and words)):
                range_end = rest.end()
                if rest["year"] and event_date:  # "July 22-23, 2024"
                    try:
                        event_date = event_date.replace(year=int(rest["year"]))
                    except ValueError:
                        event_date = None
            elif m["year4"] and (rest := _YEAR_RANGE_REST.match(text, m.end())) and (
                    rest["word"] != "and" or re.search(r"\b[Bb]etween\s$", text[max(0, m.start() - 8) : m.start()])):
                range_end = rest.end()
            if bare and published and (of_year := _OF_RELATIVE_YEAR.match(text, m.end())):
                shift = {"this": 0, "last": -1, "next": 1}[of_year["rel"]]  # "in January of this year"
                event_date = date(published.year + shift, _MONTHS[m["mname"].rstrip(".").lower()], 1)
                span = (start, of_year.end())
            elif (m["weekday"] or m["dayword"] or (m["rel"] and m["unit"] in _WEEKDAY_NAMES.split("|"))) and (
                    part := _PART_OF_DAY.match(text, m.end())):
                span = (start, part.end())  # "Wednesday morning", "late Tuesday night"
        if span[0] in taken:
            continue
        taken.add(span[0])
        consumed = max(span[1], range_end)
        if event_date is not None and not (chained and m.direction in ("after", "before", "ago")):
            previous = (event_date, precision)  # "two days after the strike" dates the strike, not the story
            previous_sentence = s_index
        description = DATELINE.sub("", text[s_start:s_end])
        events.append(DatedEvent(event_date, precision, text[span[0] : span[1]].strip(), description, s_start, s_end,
                                 span[0], span[1], s_index))
    return events
