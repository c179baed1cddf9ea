"""Quantities in an article.

A number (digits, number words, "a dozen", fractions read as percent) with its scale, the noun it counts mapped
to a unit, its bound ("more than", "up to"; a range "20 to 25 tanks" is at_least 20 and up_to 25)
and the direction of a change. A bare number takes the unit of the number before it in its sentence ("22 missiles
struck ..., 17 of them at Ain al-Asad and five at a base in Erbil"). Offsets ("two days later"), time scopes ("over
five years"), labels ("Article 51") and years are not quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bilat.extract.dates import CLAUSE_CUT, MONTH_ABBR, MONTH_NAMES
from bilat.extract.gazetteer import country_facts, default_gazetteer
from bilat.extract.text import DATELINE, SentenceIndex, tokenize

# The noun after a number (lower-cased) -> the normalised unit. Longer nouns win ("service members" over "members").
UNITS = {
    "percent": "percent", "per cent": "percent", "%": "percent", "percentage points": "percentage_points",
    "percentage point": "percentage_points",
    "square kilometers": "km2", "square kilometres": "km2", "sq km": "km2", "km2": "km2", "km²": "km2",
    "square miles": "sq_mi", "kilometers": "km", "kilometres": "km", "km": "km", "miles": "miles",
    "meters": "m", "metres": "m", "feet": "feet", "hectares": "hectares", "acres": "acres",
    "troops": "troops", "soldiers": "troops", "soldier": "troops", "service members": "troops",
    "service member": "troops", "servicemembers": "troops", "military personnel": "troops", "personnel": "troops", "staff": "staff",
    "advisers": "troops", "advisors": "troops", "military advisers": "troops", "trainers": "troops",
    "marines": "troops", "forces": "troops", "paratroopers": "troops", "commandos": "troops", "special forces": "troops",
    "fighters": "fighters", "militants": "fighters", "jihadists": "fighters", "insurgents": "fighters",
    "people": "people", "person": "people", "civilians": "people", "civilian": "people", "lives": "people",
    "iraqis": "people", "iranians": "people", "syrians": "people", "jordanians": "people", "turks": "people",
    "kurds": "people", "palestinians": "people", "gazans": "people", "americans": "people", "yazidis": "people",
    "christians": "people", "residents": "people", "inhabitants": "people", "refugees": "people",
    "displaced people": "people", "tourists": "people", "protesters": "people", "demonstrators": "people",
    "pilgrims": "people", "migrants": "people", "children": "people", "women": "people", "men": "people",
    "visitors": "people", "travelers": "people", "travellers": "people", "worshippers": "people",
    "prisoners": "people", "detainees": "people", "victims": "people", "workers": "people",
    "contractors": "people", "diplomats": "people", "journalists": "people", "students": "people",
    "individuals": "people", "lawmakers": "people", "deaths": "people", "families": "families",
    "dead": "people", "killed": "people", "wounded": "people", "injured": "people", "casualties": "people",
    "attacks": "attacks", "airstrikes": "airstrikes", "air strikes": "airstrikes", "strikes": "airstrikes",
    "raids": "airstrikes", "sorties": "sorties", "missiles": "missiles", "missile": "missiles",
    "ballistic missiles": "missiles", "cruise missiles": "missiles", "rockets": "rockets", "projectiles": "projectiles",
    "shells": "shells", "mortar rounds": "shells", "bombs": "bombs", "drones": "drones",
    "aircraft": "aircraft", "jets": "aircraft", "warplanes": "aircraft", "planes": "aircraft", "fighter jets": "aircraft",
    "bombers": "aircraft", "helicopters": "helicopters", "tanks": "tanks", "vehicles": "vehicles",
    "armored vehicles": "vehicles", "warships": "ships", "ships": "ships", "vessels": "ships",
    "destroyers": "ships", "frigates": "ships", "submarines": "ships", "tankers": "ships", "cargo ships": "ships",
    "barrels a day": "barrels_per_day", "barrels per day": "barrels_per_day", "bpd": "barrels_per_day",
    "barrels": "barrels", "tons": "tonnes", "tonnes": "tonnes", "megawatts": "MW", "mw": "MW", "gigawatts": "GW",
    "cubic meters": "cubic_meters", "cubic metres": "cubic_meters", "bcm": "cubic_meters",
    "cubic meters per second": "cubic_meters_per_second", "cubic metres per second": "cubic_meters_per_second",
    "pounds": "pounds", "kilograms": "kg", "kilos": "kg", "kg": "kg", "liters": "liters", "litres": "liters", "gallons": "gallons",
    "degrees celsius": "celsius", "degrees": "degrees",
    "dollars": "USD", "us dollars": "USD", "euros": "EUR", "dinars": "IQD", "rials": "IRR", "lira": "TRY",
    "countries": "countries", "nations": "countries", "states": "countries", "governments": "countries",
    "members": "members", "partners": "countries", "organizations": "organizations", "organisations": "organizations",
    "agreements": "agreements", "deals": "agreements", "memorandums": "agreements", "memoranda": "agreements",
    "accords": "agreements", "contracts": "contracts", "bases": "bases", "outposts": "bases", "sites": "sites",
    "targets": "targets", "doses": "doses", "meals": "meals", "seats": "seats", "votes": "votes",
    "projects": "projects", "companies": "companies", "firms": "companies", "producers": "companies",
    "ministers": "ministers", "ministries": "ministries", "brigades": "brigades", "battalions": "battalions",
    "claims": "claims", "villages": "villages", "towns": "towns", "provinces": "provinces", "crossings": "crossings",
    "years": "years", "year": "years", "months": "months", "month": "months", "weeks": "weeks", "week": "weeks",
    "days": "days", "day": "days", "hours": "hours", "hour": "hours", "minutes": "minutes", "decades": "decades", "decade": "decades",
}
TIME_UNITS = {"years", "months", "weeks", "days", "hours", "minutes", "decades"}
# "a 500-pound bomb", "the 329-seat parliament", "a six-day visit", "a 26-year-old pilot", "a 3.5 million-square-kilometer sea"
HYPHEN_UNITS = {
    "pound": "pounds", "seat": "seats", "member": "members", "nation": "countries", "day": "days", "week": "weeks",
    "month": "months", "year": "years", "hour": "hours", "minute": "minutes", "kilometer": "km", "kilometre": "km",
    "km": "km", "square-kilometer": "km2", "square-kilometre": "km2", "square-mile": "sq_mi", "mile": "miles", "meter": "m", "metre": "m", "ton": "tonnes", "tonne": "tonnes", "megawatt": "MW",
}
CURRENCIES = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
BOUNDS = {
    "more than": "more_than", "over": "more_than", "upwards of": "more_than", "in excess of": "more_than",
    "well over": "more_than", "just over": "more_than", "a little over": "more_than", "above": "more_than",
    "exceeding": "more_than", "exceed": "more_than", "exceeds": "more_than", "exceeded": "more_than",
    "surpassing": "more_than", "surpassed": "more_than",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least", "a minimum of": "at_least",
    "as few as": "at_least",
    "about": "about", "around": "about", "roughly": "about", "approximately": "about", "some": "about",
    "an estimated": "about", "nearly": "about", "almost": "about", "close to": "about", "estimated": "about",
    "toward": "about", "towards": "about", "an average of": "about",
    "up to": "up_to", "as many as": "up_to", "as much as": "up_to", "at most": "up_to", "no more than": "up_to",
    "a maximum of": "up_to", "not more than": "up_to",
    "beyond": "more_than", "as high as": "up_to", "as low as": "at_least",
    "fewer than": "less_than", "less than": "less_than", "under": "less_than", "below": "less_than",
    "just under": "less_than",
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
FRACTIONS = {"half": 50, "third": 33, "thirds": 67, "quarter": 25, "quarters": 75}  # as percent ("a third" ~ 33%)

_ONES = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORD_NUMBER = (
    rf"(?:{_TENS})(?:-(?:{_ONES}))?|(?:a|half\sa|{_ONES})\sdozen|a\shundred|a\sthousand"
    r"|(?:half\sa|a)(?=\s(?:million|billion|trillion)\b)"  # "half a million", "a billion"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten|" + _ONES
)
_FRACTION = r"(?:a|one)[\s-](?:third|quarter)|two[\s-]thirds|three[\s-]quarters|half"
_SPOKEN_DECIMAL = rf"(?:{_ONES}|zero)-point-(?:{_ONES}|zero)"  # a transcript's "Seven-point-one million"
_PARTS = r"(?:one|two|three)-(?:thirds?|quarters?)"  # read before "one", "two" can be taken for whole numbers
# "a"/"an" as one of a unit, read only after a bound or "for": "more than a year", "less than a day", "for a month"
_AN_UNIT = r"an?(?=\s(?:year|month|week|day|hour|decade|percentage\spoint)\b)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A number: digits (after a currency sign or at a word's start: not the 18 of "F/A-18", not "COVID-19"),
# a number word or a fraction, then an optional scale word ("4.5 million", "$2.76bn").
_NUMBER = re.compile(
    rf"(?:(?P<cur>US\$|\$|€|£)\s?|(?<![\w/.$€£’'])(?<![A-Za-z]-))"
    rf"(?P<num>{_DIGITS}|(?i:{_PARTS}|{_SPOKEN_DECIMAL}|{_WORD_NUMBER}|{_FRACTION}|{_AN_UNIT}))(?P<half>\s(?:and\s)?a\shalf)?"
    rf"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?(?![\w]|[.,]\d)"
)
_STOP = (
    "of|the|a|an|and|or|to|in|on|at|for|from|by|with|as|than|that|which|who|whom|whose|were|was|are|is|be|been|being|"
    "have|has|had|would|will|could|should|may|might|can|must|do|did|does|not|no|per|each|this|these|those|their|its|"
    "his|her|our|your|my|it|they|he|she|we|them|us|between|into|over|under|after|before|since|until|during|about|"
    "around|some|while|when|where|if|because|then|there|here|also|already|still|now|only|just|all|both|any|every|"
    "such|so|up|down|out|off|later|earlier|ago|said|says|last|next|first|other|others|what|less|"
    f"{_ONES}|{_TENS}|ten|eleven|twelve|dozen|hundred|thousand|million|billion"
)
# a word before the unit; a final "." only in an initialism ("U.S."), never a sentence's end ("nine times. Border")
_MOD = rf"(?!(?:{_STOP})\s)[A-Za-z](?:[\w/'’-]|\.(?=\w))*(?:(?<=\.\w)\.)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u != "%")
# The noun a number counts: up to five modifiers ("two Navy F/A-18 fighters", "350 Army and Air Force personnel")
_OTHER = r"(?:(?:other|such)\s)?"  # "six other civilians", "60,000 such operations"
_UNIT_AFTER = re.compile(rf"\s(?P<mods>{_OTHER}(?:{_MOD}\s(?:(?:and|or)\s(?={_MOD}\s))?){{0,5}}?)(?P<unit>(?i:{_UNIT_ALT}))\b(?!-)")
_OF_UNIT = re.compile(rf"\sof\s(?:the|his|her|their|its|our|these|those)\s(?:[\d,]+\s|(?i:{_WORD_NUMBER})\s)?"
                      rf"(?P<mods>(?:{_MOD}\s){{0,3}}?)(?P<unit>(?i:{_UNIT_ALT}))\b")
# Any other plural noun after a number is counted in its own name ("450 passengers", "12 media outlets",
# "11,654 intelligence-based operations"): the unit list grows with the text. Not words in -s that are no
# countable nouns ("its", "various", "crisis", "others").
_NOUN_AFTER = re.compile(rf"\s(?P<mods>{_OTHER}(?:{_MOD}\s){{0,3}}?)(?:[a-z]+-)*(?P<noun>[a-z]{{2,}}[^\Wsu\d_]s)\b(?![-'’])")
_OF_NOUN = re.compile(rf"\sof\s(?:the|his|her|their|its|our|these|those)\s(?:[\d,]+\s|(?i:{_WORD_NUMBER})\s)?"
                      rf"(?P<mods>(?:{_MOD}\s){{0,3}}?)(?:[a-z]+-)*(?P<noun>[a-z]{{2,}}[^\Wsu\d_]s)\b(?![-'’])")
# A people named by its country ("a million Central Africans", "1.2 million displaced Nigerians"): countryinfo's demonyms
_DEMONYM_AFTER = re.compile(rf"\s(?:(?!(?:{_STOP})\b)[a-z][\w-]*\s){{0,2}}?(?P<dem>(?:[A-Z][a-z]+\s){{0,2}}[A-Z][a-z]+s)\b")
_NOT_NOUNS = frozenset(_STOP.split("|")) | {
    "always", "perhaps", "sometimes", "besides", "whereas", "towards", "afterwards", "upwards", "backwards", "forwards",
    "overseas", "others", "thus", "plus", "unless", "yes", "news", "means", "whereabouts", "series", "species", "ones"}
_NOT_NOUN_ENDINGS = ("ous", "ics", "ways", "wards")
_OF_THEM = re.compile(r"\sof\s(?:them|those|these)\b")
_PERCENT_AFTER = re.compile(r"\s?(?P<pct>%|(?i:percent|per\scent)\b|(?i:percentage\spoints?)\b)")
_HYPHEN_AFTER = re.compile(rf"-(?P<hunit>{'|'.join(HYPHEN_UNITS)})\b(?P<old>-old)?")
_FRACTION_OF = re.compile(r"\s(?:of\s(?!them\b|those\b|these\b|it\b|an?\b)|a\s(?:percent|percentage\spoint)\b)")
_RATE = re.compile(r"\s(?:of\s[\w-]+\s)?(?:(?:a|per|each)\s(?P<per>year|day|second|month)\b|(?P<annual>annually|a\syear)\b)")
_COORDINATED = re.compile(rf"\s(?:and|or)\s(?:{_MOD}\s){{0,2}}?(?P<unit>(?i:{_UNIT_ALT}))\b")
_WORD_RANGE = re.compile(r"\s?(?:to|-|–)\s?(?=\d|(?i:" + _WORD_NUMBER + r")\b)")  # "three to five years"
_RANGE_NEXT = re.compile(r"\s?(?:to|-|–|and)\s?(?=(?:US\$|\$|€|£)?\s?\d|(?i:" + _WORD_NUMBER + r")\b)")
_BOUND_ALT = "|".join(re.escape(b) for b in sorted(BOUNDS, key=len, reverse=True))
_BOUND_BEFORE = re.compile(rf"(?:^|[\s(])(?P<bound>(?i:{_BOUND_ALT}))\s$")
# "last" after a modal is the verb: "the ban would last two years"
_VERB_LAST = r"(?<!\bto\s)(?<!\bwill\s)(?<!\bwould\s)(?<!\bcould\s)(?<!\bmay\s)(?<!\bmight\s)(?<!\bcan\s)(?<!\bmust\s)(?<!\bshould\s)"
_DETERMINER_BEFORE = re.compile(r"\b(?i:the|our|their|its|his|her|these|those|both|your|my|whose|each|every|which|first|past|next|"
                                rf"{_VERB_LAST}last|previous|coming|following|other)\s$")
_SCOPE_BEFORE = re.compile(rf"{_VERB_LAST}\b(?i:first|last|past|next|previous|coming|following|over|during|throughout|in)\s(?:the\s)?$")
_FOR_BEFORE = re.compile(r"\b(?:for|to)\s$", re.I)
_OFFSET_AFTER = re.compile(r"\s(?:later|earlier|before|after|ago|afterwards|beforehand|previously|prior|on|into|since|from\snow)\b"
                           r"|\sof\s(?!age\b)")
_TALLY_BEFORE = re.compile(r"\bvot(?:ed|es|e)\s(?:by\s)?$")
_TALLY_SECOND = re.compile(r"\bvot(?:ed|es|e)\s(?:by\s)?\d+[-–]$")
_ADDS_UP = re.compile(r"\b(?:add|adds|added|adding|amount|amounts|amounted|amounting|come|comes|came|coming)\s$", re.I)  # "come up to 100%"
_BOILERPLATE = re.compile(r"\s*(?:(?:related|read\smore|see\salso|more|watch|listen|also\sread|recommended|trending|most\sread"
                          r"|follow\sus|subscribe|sign\sup)\b\s*(?:stories|articles|coverage)?\s*[:|»›\-–—]|copyright\b|©|all\srights\sreserved)", re.I)
_OPENING_QUOTES = {"“", '"'}
_QUOTE_CLOSES = re.compile(r"(?:\s?[\w-]+){0,3}[”\"]")
_COORD_BEFORE = re.compile(r"(?:\b(?:and|or|to|from|with|by|while|but|versus|vs\.?)|,)\s$")
_CASUALTY_AFTER = re.compile(r"\s(?:others\s|of\s(?:whom|them|those)\s)?(?:(?:were|was|have\sbeen|had\sbeen|has\sbeen|are|being|been)\s)?(?:(?:found|reported|confirmed)\s)?"
                             r"(?:killed|wounded|injured|dead|hurt)\b|\s(?:(?:have|had|has)\s)?(?:died|lost\stheir\slives)\b")
_CASUALTY_BEFORE = re.compile(r"\b(?:killing|killed|wounding|wounded|injuring|injured|kill|wound|injure)\s$"
                              r"|\b(?:killing|deaths?|bodies|injuries\sto|injury\sto)\s(?:of\s)?$")
_COUNT_START = re.compile(rf"\s*(?:and\s)?(?:\d|(?i:{_WORD_NUMBER})\b)")
_APPOSITIVE_START = re.compile(r"\s*(?:including|among\s(?:them|whom))\b")
_PASSIVE = (r"(?:(?:were|was|are|is|have|has|had)\s(?:also\s)?(?:been\s)?(?:among\s(?:those\s|the\s)?)?(?:killed|wounded|injured|hurt|dead)"
            r"|(?:have\s|has\s|had\s)?died|lost\s(?:their|his|her)\slives?)\b")
_PASSIVE_TOLL = re.compile(rf"\b{_PASSIVE}")
_PREDICATE_TOLL = re.compile(rf"\s*(?:(?:also|all|later|reportedly)\s)?{_PASSIVE}")
_CASUALTY_UNITS = {"dead", "killed", "wounded", "injured"}
_TOLL = re.compile(r"\b(?:kill|kills|killed|killing|wound|wounds|wounded|wounding|injur(?:e|es|ed|ing|ies)|dead|died|slain|bodies\sof|"
                   r"massacred|executed|lost\s(?:their|his|her)\slives?)\b", re.I)
_KILLING = re.compile(r"\b(?:kill|kills|killed|killing|executed|executing|execute|hanged|hanging|dead|died|slain|massacred)\b", re.I)
_ATTACKING = re.compile(r"\b(?:attack|attacks|attacked|attacking|struck|hit|targeted|shelled|bombed|fired)\b", re.I)
_TIMES_AFTER = re.compile(r"\stimes\b")
_DESIGNATION = re.compile(r"\b[A-Z]{1,3}(?:/[A-Z]{1,3})?-\d+\b")  # F-16, F/A-18, MQ-9, Su-25
_TIME_OF_DAY = re.compile(r"^(?::\d|\s?[ap]\.m\.|\s?GMT\b|\s?(?:local\s)?time\b)")
_AGE = re.compile(r"\b[A-Z][\w'’-]+,\s$")
_CUES = ((re.compile(r"\btroop\b|\bpresence\b", re.I), "troops"),
         (re.compile(r"\b(?:population|attendance|turnout|crowds?|deaths|death\stoll|casualties)\b", re.I), "people"))
_COUNT_OF = re.compile(r"\b(?:number|tally|total|count)\sof\s(?:the\s)?(?P<noun>[a-z]{2,}[^\Wsu\d_]s)\b", re.I)
_YEAR_LIKE = re.compile(r"\b(?:in|since|until|of)\s$")
_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]+\.?\s$")
_FUNCTION_WORDS = frozenset(_STOP.split("|")) | {"between", "some", "about", "nearly", "almost", "only"}
_MIXED = {frozenset({"missiles", "drones"}): "projectiles", frozenset({"missiles", "rockets"}): "projectiles",
          frozenset({"rockets", "drones"}): "projectiles", frozenset({"countries", "organizations"}): "members"}
_DIRECTION = re.compile(r"^\W{0,3}(?:(?!and\b|or\b|to\b|then\b)\w+\s){0,1}(?P<dir>reduction|decrease|drop|decline|fall|cut|"
                        r"increase|rise|jump|growth|surge|gain|hike)\b")
DECREASE_WORDS = {"reduction", "decrease", "drop", "decline", "fall", "cut", "fewer", "fell", "fallen", "dropped",
                  "declined", "decreased", "down", "reduced", "shrank", "shrunk", "falls", "drops", "reduce", "cuts",
                  "lost", "shed", "declines", "decreases", "shrink", "shrinks"}
# "fell 40 percent", "have dropped by 64 percent", "cut deliveries by more than half", "will fall by about 2,200";
# not "up from $660 million" (the amount before a change) nor "planes dropped 8,000 meals" (no "by": not a change).
_CHANGE_BEFORE = re.compile(r"\b(?P<verb>fell|fallen|falls|fall|dropped|drops|declined|decreased|down|cut|cuts|reduced|reduce|shrank|"
                            r"shrunk|lost|shed|drop|decline|declines|decrease|decreases|shrink|shrinks|rose|risen|rise|rises|increased|"
                            r"increase|increases|up|grew|grown|grow|grows|jumped|jump|jumps|climbed|climb|climbs|surged|gained|gain)"
                            r"(?P<by>(?:\s+(?!from\b)\w+){0,2}?\s+by)?"
                            r"(?:\s+(?:about|nearly|almost|some|roughly|more than|over|less than|around|toward))?\s+$")
_CHANGE_NOUN_BEFORE = re.compile(r"\b(?P<noun>reduction|decrease|drop|decline|fall|cut|increase|rise|jump|growth|surge|gain|hike)"
                                 r"\s+of\s+$", re.I)
_AUXILIARY = re.compile(r"\s+(?:have|has|had|were|was|are|is|will|would|could)(?:\s+been)?\s*$")
_CLAUSE_END = re.compile(r"(?<!\d)[,.]|[,.](?!\d)|[;:()“”\"]|\s(?:and|but|while|which|who|after|before|as)\s")
_DATE_CONTEXT = re.compile(r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s(?:\d{1,2}\s?(?:and|to|-|–)\s?)?)$")
# The period a quantity refers to, as written: "in 2023", "last year", "since mid-October", "over the past year",
# "between 2014 and 2017", "in the first half of 2024", "during the war", "$1.45 billion a year", "a year earlier".
_YEAR = r"(?:19|20)\d\d(?:s\b)?"
_POINT = (rf"(?:(?:early|late|mid)[\s-])?(?:{MONTH_NAMES}|{MONTH_ABBR})(?:\s[1-3]?\d\b)?(?:,?\s{_YEAR})?|{_YEAR}"
          rf"|the\s(?:start|beginning|end|middle)\sof\s(?:the\s)?(?:year|month|war|{_YEAR})")
_RELATIVE = (rf"(?:(?:earlier|later|so\sfar)\s)?(?:this|last|next)\s"
             rf"(?:year|month|week|decade|quarter|summer|winter|spring|{MONTH_NAMES})\b")
_PERIOD = (r"the\s(?:(?:start|beginning|end|middle|outbreak|course|rest)\sof\sthe\s)?"
           r"(?:(?:first|second|third|last|past|previous|next|coming|same|whole|entire)\s)?(?:[\w-]+\s)?"
           r"(?:years?|months?|weeks?|days?|hours?|decades?|quarter|half|period|summer|winter|spring|"
           r"war|conflict|fighting|offensive|campaign|siege|occupation|pandemic|crisis|invasion|truce|ceasefire)\b"
           rf"(?:\sof\s(?:{_POINT}|(?:the|this|last)\s(?:year|war)))?"
           r"|(?:recent|several|a\sfew|[\w-]+)\s(?:years|months|weeks|days|hours|decades)\b")  # "in recent months"
_TIME_SCOPE = re.compile(
    rf"\b(?:between|from)\s(?:{_POINT})\s(?:and|to|until|through)\s(?:{_POINT})"
    rf"|\b(?:in|during|since|over|throughout|within|through|until|as\sof"
    rf"|for(?=\sthe\s(?:past|last|next|previous|coming|first)\b))\s(?:{_RELATIVE}|{_PERIOD}|{_POINT})"
    rf"|\bby\s(?:{_POINT})"
    rf"|{_RELATIVE}"
    rf"|\b(?:an?|{_WORD_NUMBER}|\d+)\s(?:years?|months?|weeks?|days?)\s(?:ago|earlier)\b"
    rf"|\b(?:an?|per|each|every)\s(?:year|month|week|day)\b(?!\s(?:after|before|later|earlier|ago)\b)|\b(?:annually|yearly)\b",
    re.I,
)
_NEW_CLAUSE = re.compile(r";|,\s(?:and|but|while|whereas)\s")  # "In April 2024, jets ..., and 3,000 troops are based ..."


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
    time_scope: str | None = None  # the period it refers to, as written ("last year", "since mid-October")


@dataclass
class _Candidate:
    """A number being read; what a bare one counts may only be known from its neighbours."""

    start: int  # the bound's start when there is one ("more than 4.5 million Iraqis")
    end: int
    value: float
    unit: str | None
    unit_start: int | None
    bound: str | None
    sentence: int
    scale: float = 1.0
    casualty: bool = False  # "... and more than 30 wounded": the unit of what was counted before it
    fraction: bool = False
    inherited: bool = False  # the unit comes from a neighbour
    head_start: int = -1  # where the words naming what is counted begin (after the number and its scale)
    age_of: str = ""
    scoped: bool = False  # after "over"/"under" or a scope word: a period if the range it opens counts time
    dropped: bool = False
    tally: bool = False


def _number_value(num: str) -> float | None:
    word = " ".join(num.lower().split())
    if word[:1].isdigit():
        return float(word.replace(",", ""))
    if word.endswith("dozen"):
        head = word.split()[0]
        return 6.0 if head == "half" else 12.0 * (1 if head == "a" else WORD_NUMBERS[head])
    if word in ("half a", "a", "an"):
        return 0.5 if word == "half a" else 1.0  # before a scale word: "half a million"
    if word in ("a hundred", "a thousand"):
        return 100.0 if word == "a hundred" else 1000.0
    if "-point-" in word:
        whole, _, tenth = word.partition("-point-")
        return WORD_NUMBERS.get(whole, 0) + WORD_NUMBERS.get(tenth, 0) / 10
    if "-" in word:
        tens, _, ones = word.partition("-")
        return float(WORD_NUMBERS[tens] + WORD_NUMBERS[ones]) if tens in WORD_NUMBERS and ones in WORD_NUMBERS else None
    return float(WORD_NUMBERS[word]) if word in WORD_NUMBERS else None


def _read(m: re.Match, text: str, sentences: SentenceIndex) -> _Candidate | None:
    """One number with what stands around it, or None when it claims no amount."""
    num, cur, scale = m.group("num"), m.group("cur"), m.group("scale")
    start, end = m.start(), m.end()
    s_index = sentences.of(start)
    s_start, s_end = sentences.spans[s_index]
    before = text[max(s_start, start - 40) : start]
    after = text[end : end + 160]
    if _DATE_CONTEXT.search(before[-20:]) or _TIME_OF_DAY.match(after):
        return None  # "Dec. 9", "Aug. 7 and 8", "1:45 a.m."
    if num.isdigit() and (_TALLY_BEFORE.search(before) and re.match(r"[-–]\d", after) or _TALLY_SECOND.search(before)):
        return _Candidate(start, end, float(num), "votes", None, None, s_index, tally=True)  # "the House voted 368-7": no range
    is_word = not num[:1].isdigit()
    bound_match = _BOUND_BEFORE.search(before)
    bound = BOUNDS[bound_match["bound"].lower()] if bound_match else None
    bound_start = max(s_start, start - 40) + bound_match.start("bound") if bound_match else start
    if bound == "about" and (outer := _BOUND_BEFORE.search(text, max(s_start, bound_start - 20), bound_start)):
        bound, bound_start = BOUNDS[outer["bound"].lower()], max(s_start, bound_start - 20) + outer.start("bound")  # "up to about $47,000"
    if bound == "up_to" and _ADDS_UP.search(text[max(0, bound_start - 12) : bound_start]):
        bound = None  # "adds up to $10.15 billion" is a total, not a ceiling
    if num.lower() in ("a", "an") and not (bound or _FOR_BEFORE.search(before)):
        return None  # "a year ago", "$1 billion a year"
    if is_word and num[:1].isupper() and re.search(r"[A-Za-z]\s$", before):
        return None  # a capitalised number word inside a sentence is a name: "the Group of Seven", "the Big Three"
    if is_word and not bound and _DETERMINER_BEFORE.search(before) and not _HYPHEN_AFTER.match(after):
        return None  # "the two nations", "our two countries", "the first six months" (but "the six-day visit")
    last_word = re.split(r"[\s-]", num.lower())[-1]
    if is_word and last_word in FRACTIONS and not num.lower().endswith("dozen"):
        # "roughly a third of Iraq's territory", "cut by more than half", "half a percent", "between a third and 40 percent"
        pct = _FRACTION_OF.match(after)
        by = re.search(r"\bby\s(?:[a-z]+\s){0,2}$", before)
        if not (pct or by or re.match(r"\s(?:and|to)\s(?:\w+\s)?\d[\d.,]*\s?(?:%|percent)", after)):
            return None
        if pct and "percent" in pct.group():
            return _Candidate(bound_start, end + pct.end(), 0.5, "percent", None, bound, s_index)
        return _Candidate(bound_start, end, float(FRACTIONS[last_word]), "percent", None, bound, s_index, fraction=True)
    value = _number_value(num)
    if value is None:
        return None
    if m.group("half"):
        value += 0.5
    multiplier = SCALES.get(scale or "", 1.0)
    value *= multiplier
    unit, unit_start, unit_m = None, None, None
    if cur:
        unit = CURRENCIES[cur.lower()]
    elif pct := _PERCENT_AFTER.match(after):
        unit = "percentage_points" if "point" in pct["pct"].lower() else "percent"
        end += pct.end()
    elif hyphen := _HYPHEN_AFTER.match(after):
        unit = "years" if hyphen["old"] else HYPHEN_UNITS[hyphen["hunit"]]  # "a six-day visit", "a 26-year-old pilot"
        unit_start, end = end + 1, end + hyphen.end()
    elif (unit_m := _UNIT_AFTER.match(after)) and not ((noun := _countable_noun(after)) and noun.end() <= unit_m.start("unit")
                                                              and re.search(r"\s(?:and|or)\s", after[noun.end() : unit_m.start("unit") + 1])):
        unit = UNITS[unit_m["unit"].lower()]
        if unit == "fighters" and _DESIGNATION.search(unit_m["mods"]):
            unit = "aircraft"  # "two Navy F/A-18 fighters"
        if unit_m["unit"].lower() == "states" and _names_a_country(unit_m["mods"]):
            unit = "states"  # "three northern U.S. states", "36 Nigerian states" are a country's own, not countries
        unit_start, end = end + unit_m.start("unit"), end + unit_m.end()
        if (other := _COORDINATED.match(text, end)) and (mixed := _MIXED.get(frozenset({unit, UNITS[other["unit"].lower()]}))):
            unit, end = mixed, other.end()  # "300 drones and missiles", "80 countries and organizations"
    elif (of_unit := _OF_UNIT.match(after)) and value != 1:
        unit = UNITS[of_unit["unit"].lower()]  # "54 of the 329 seats", "four of the five claims"
        unit_start = end + of_unit.start("unit")
    elif value != 1 and (of_noun := _OF_NOUN.match(after)) and _countable(of_noun["noun"]):
        unit, unit_start = of_noun["noun"], end + of_noun.start("noun")  # "five of the 11 charges", "two of the passengers"
    elif (dem := _DEMONYM_AFTER.match(after)) and dem["dem"] in _plural_demonyms():
        unit, unit_start, end = "people", end + dem.start("dem"), end + dem.end()
    if unit in {"cubic_meters", "tonnes", "barrels"} and (rate := _RATE.match(text, end)):
        unit, end = f"{unit}_per_{rate['per'] or 'year'}", rate.end()  # "10 billion cubic meters of gas a year"
    if (num.isdigit() and len(num) == 4 and num.startswith(("19", "20")) and not cur and not scale
            and unit not in {"percent", "percentage_points"}):
        return None  # a year ("in 2014 militants ...": news writes counts of thousands with a comma)
    if unit in TIME_UNITS:
        # Offsets ("two days later", "nine days after"), time scopes ("over five years", "the first six months") and
        # the length of an activity ("three days of mourning") are no claimed amounts.
        # A bounded length is measured, though: "more than four hours of talks", "less than a day", "for over a year".
        lasting = _FOR_BEFORE.search(text, max(s_start, bound_start - 8), bound_start)
        offset = _OFFSET_AFTER.match(text, end)
        if offset and bound and offset.group().split()[0] == "of":
            offset = None
        if (is_word and value == 1 and not (bound or lasting) or offset
                or _SCOPE_BEFORE.search(text, max(s_start, bound_start - 30), bound_start)):
            return None
        if bound_match and bound_match["bound"].lower() in {"over", "under"} and not lasting:
            return None
    if unit is not None:
        casualty = unit_m is not None and unit_m["unit"].lower() in _CASUALTY_UNITS and not unit_m["mods"]
        clause_after = _clause_after(text, s_start, start, end, s_end)
        toll = _TOLL.search(text, max(s_start, start - 40), start) or _TOLL.search(clause_after)
        if unit in {"troops", "fighters", "members", "staff"} and toll:
            unit = "people"  # a toll counts people ("killing at least 25 fighters", "three soldiers were killed")
        if is_word and value == 1 and not (bound or toll) and unit in {"people", "troops", "fighters", "members", "staff"}:
            return None  # "one person who is responsible" names someone; "killing one soldier" is a toll
        return _Candidate(bound_start, end, value, unit, unit_start, bound, s_index, multiplier, casualty=casualty)
    # A bare number. It may count what a neighbour names ("17 of them ... and five at a base in Erbil"), an age
    # ("Kasasbeh, 26,"), attacks ("attacked more than 150 times"); a label ("Article 51") or a year counts nothing.
    if (age := _AGE.search(before)) and after.startswith(",") and value < 120 and not bound:
        return _Candidate(start, end, value, "years", None, None, s_index, age_of=age.group().rstrip(", "))
    if not bound and (name := _NAME_BEFORE.search(before)) and name.group().split()[0].lower() not in _FUNCTION_WORDS and (
            text[s_start : max(s_start, start - 40) + name.start()].strip()):
        return None  # a label: "Article 51", "Tower 22" (not "Between 10 and 15 drones")
    if not bound and not scale and re.fullmatch(r"\d{3,4}", num) and _YEAR_LIKE.search(before):
        return None  # "in 680"
    if (times := _TIMES_AFTER.match(after)) and _ATTACKING.search(text, s_start, start):
        return _Candidate(bound_start, end + times.end(), value, "attacks", None, bound, s_index, multiplier)
    if re.search(r"\b(?:a|an|A|An)\s$", before):
        return None  # "a 50-50 split", "a 2-1 vote"
    if noun := _countable_noun(after):
        clause_after = _clause_after(text, s_start, start, end + noun.end(), s_end)
        toll = _TOLL.search(clause_after)
        # a toll counts people: "21 passengers and four troops died", not "rescued 190 passengers and killed 30 ..."
        toll = toll and not re.search(r"\b(?:and|but|or|then)\s$", clause_after[: toll.start()])
        toll = toll or _TOLL.search(text, max(s_start, start - 40), start)  # "killed three soldiers, two police officers"
        unit = "people" if toll or _CASUALTY_BEFORE.search(before) else noun["noun"]
        return _Candidate(bound_start, end + noun.end(), value, unit, end + noun.start("noun"), bound, s_index, multiplier)
    casualty = bool(_CASUALTY_BEFORE.search(text, max(s_start, bound_start - 40), bound_start) or _CASUALTY_AFTER.match(after))
    linked = casualty or _COORD_BEFORE.search(before) or _OF_THEM.match(after) or re.match(r"\s(?:others|more)\b", after)
    if not (bound or scale or "," in num or linked or _RANGE_NEXT.match(after)):
        return None
    if is_word and not (bound or linked or _WORD_RANGE.match(after)):
        return None
    if tail := re.match(r"\sothers\b", after) or _OF_THEM.match(after):
        end += tail.end()
    scoped = bool(bound_match and bound_match["bound"].lower() in {"over", "under"}
                  or _SCOPE_BEFORE.search(text, max(s_start, bound_start - 30), bound_start))
    return _Candidate(bound_start, end, value, None, None, bound, s_index, multiplier, casualty=casualty, scoped=scoped)


def _clause_after(text: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """Where a count's toll is read: the words after what it counts, up to a comma; past the comma when the count
    heads a list or an appositive ("31 people, including 23 soldiers, lost their lives"; "18 soldiers, three staff
    and five passengers were among those killed") or stands inside one ("..., including two elders, were killed")."""
    parts = re.split(r"[,;.]", text[end : min(s_end, end + 240)])
    if parts[0].strip() or len(parts) == 1:
        return parts[0][:80]
    inside = re.search(r"\bincluding\s[^,;]*$", text[s_start:start])
    for part in parts[1:]:
        if not part.strip() or _APPOSITIVE_START.match(part) and not inside:
            continue
        if _COUNT_START.match(part):
            if toll := _PASSIVE_TOLL.search(part):
                return part[toll.start() :]
            continue
        return part if _PREDICATE_TOLL.match(part) else ""
    return ""


def _names_a_country(words: str) -> bool:
    gaz = default_gazetteer()
    return any((eid := gaz.phrases.get((t.text,))) and gaz.entities[eid].kind == "country" for t in tokenize(words))


@lru_cache(maxsize=1)
def _plural_demonyms() -> frozenset[str]:
    return frozenset(d for facts in country_facts().values() for d in facts["demonyms"] if d.endswith("s"))


def _countable_noun(after: str) -> re.Match | None:
    noun = _NOUN_AFTER.match(after)
    return noun if noun and _countable(noun["noun"]) else None


def _countable(noun: str) -> bool:
    return noun not in _NOT_NOUNS and not noun.endswith(_NOT_NOUN_ENDINGS)


def _resolve_ranges(text: str, found: list[_Candidate]) -> None:
    """'20 to 25 tanks', '180,000 to 190,000 barrels per day', 'between a third and 40 percent': the first number
    takes the second's unit (and scale), and the two bound the amount from below and above; 'from about 500 to as
    many as 4,000 personnel' only lends the unit."""
    for first, second in zip(found, found[1:]):
        if first.sentence != second.sentence or second.unit is None or first.tally:
            continue
        if first.unit is not None and not (first.fraction or first.unit == second.unit and first.bound is None):
            continue
        gap = text[first.end : second.start]
        lead = text[max(0, first.start - 8) : first.start].lower()
        between = lead.endswith("between ")
        if not re.fullmatch(r"\s?(?:to|-|–)\s?", gap) and not (between and gap == " and "):
            continue
        first.unit = first.unit or second.unit
        if first.unit in TIME_UNITS and first.scoped:
            first.dropped = second.dropped = True  # "over three to five years": a period, as "over five years" is
            continue
        if first.scale == 1.0 and second.scale != 1.0 and not first.fraction:
            first.value *= second.scale  # "between 2 and 3 million", "$1.5 to $2 billion"
            first.scale = second.scale
        if lead.endswith("from "):
            continue  # a change from one amount to another, not a range
        first.bound = first.bound or "at_least"
        second.bound = second.bound or "up_to"


def _resolve_units(text: str, sentences: SentenceIndex, found: list[_Candidate]) -> list[_Candidate]:
    """A bare number counts what the last number of its sentence counted ('2,500 US troops ... down from roughly 5,200'),
    else what its clause names ('troop numbers will fall by about 2,200', 'attendance could exceed 30 million')."""
    kept = []
    last: dict[int, str] = {}
    for c in found:
        antecedent = last.get(c.sentence)
        if c.casualty:
            c.unit = "people"  # a toll counts people, whoever they were
        elif c.unit is None:
            c.inherited = True
            if antecedent:
                c.unit = antecedent
            else:
                s_start = sentences.spans[c.sentence][0]
                window = text[s_start : c.start]
                hits = [(cue.search(window), unit) for cue, unit in _CUES]
                hits = [(h.start(), unit) for h, unit in hits if h]
                if (count := _COUNT_OF.search(window)) and _countable(noun := count["noun"].lower()):
                    hits.append((count.start(), UNITS.get(noun, noun)))  # "revised the tally of passengers to 425 from 440"
                if not hits:
                    continue
                c.unit = max(hits)[1]
        kept.append(c)
        if c.unit not in {"percent", "percentage_points"} and c.unit not in TIME_UNITS:
            last[c.sentence] = c.unit
    return kept


def find_quantities(text: str, sentences: SentenceIndex) -> list[Quantity]:
    candidates = []
    for m in _NUMBER.finditer(text):
        if _BOILERPLATE.match(text, text.rfind("\n", 0, m.start()) + 1):
            continue  # a link to another story, a footer: "Related: 12 killed in ...", "© 2024 ..."
        if (c := _read(m, text, sentences)) and not (text[c.start - 1 : c.start] in _OPENING_QUOTES and _QUOTE_CLOSES.match(text, c.end)):
            c.head_start = m.end()  # (a number that is all of a quoted phrase is a name or a word: the "four freedoms", "100%")
            candidates.append(c)
    _resolve_ranges(text, candidates)
    for first, second in zip(candidates, candidates[1:]):
        if second.bound is None and re.fullmatch(r"\s?\(", text[first.end : second.start]):
            second.bound = first.bound  # a conversion shares its amount's bound: "roughly 20 miles (32 km)"
    found = []
    kept = _resolve_units(text, sentences, [c for c in candidates if not c.dropped])
    spans = [(c.start, c.end) for c in kept]
    for c in kept:
        s_start, s_end = sentences.spans[c.sentence]
        direction, measures = None, ""
        if after := _DIRECTION.match(text[c.end : c.end + 30]):  # "a 64% reduction in ISIS attacks"
            direction = "decrease" if after["dir"] in DECREASE_WORDS else "increase"
        elif noun := _CHANGE_NOUN_BEFORE.search(text, max(s_start, c.start - 40), c.start):
            direction = "decrease" if noun["noun"].lower() in DECREASE_WORDS else "increase"
        elif (before := _CHANGE_BEFORE.search(text, max(s_start, c.start - 50), c.start)) and (
                before["by"] or c.unit in {"percent", "percentage_points"}):
            # "ISIS attacks in Iraq have dropped by 64 percent": the subject of the change is what is measured
            direction = "decrease" if before["verb"] in DECREASE_WORDS else "increase"
            if c.unit in {"percent", "percentage_points"}:
                if before["by"] and (obj := before["by"].strip()[: -len("by")].strip()):
                    measures = obj  # "cut deliveries by more than half": the deliveries
                else:
                    clause_start = max((x.end() for x in _CLAUSE_END.finditer(text, s_start, before.start())), default=s_start)
                    measures = _AUXILIARY.sub("", text[clause_start : before.start()]).strip()
        if not measures:
            measures = _measures(text, c, s_start, s_end)
        found.append(Quantity(c.value, c.unit, c.bound or "exact", direction, measures, text[c.start : c.end].strip(),
                              c.start, c.end, c.sentence, _time_scope(text, c, s_start, s_end, spans)))
    return found


def _measures(text: str, c: _Candidate, s_start: int, s_end: int) -> str:
    """What a number counts, in the article's words: the noun with its modifiers and the rest of its clause
    ("Kataib Hezbollah sites struck ..."), led by the clause's start when that rest is empty."""
    if c.age_of:
        return f"age of {c.age_of}"
    if c.inherited:
        head = c.unit.replace("_", " ")
    else:
        head = text[c.head_start : c.end] if c.head_start <= c.end else ""
        head = re.sub(r"^\s*(?:%|of\s(?:them|those|these)\b|others\b)", "", head).strip(" -")
    clause = _CLAUSE_END.search(text, c.end, s_end)
    tail = text[c.end : clause.start() if clause else s_end].split()[:10]
    words = [head] if head else []
    if len(tail) < 2:
        clause_start = max((x.end() for x in _CLAUSE_END.finditer(text, s_start, c.start)), default=s_start)
        lead = _BOUND_BEFORE.sub("", DATELINE.sub("", text[clause_start : c.start])).split()[-6:]
        words = lead + words
    return " ".join(words + tail).strip(" -,")


def _time_scope(text: str, c: _Candidate, s_start: int, s_end: int, spans: list[tuple[int, int]]) -> str | None:
    """The time expression nearest the number with no clause cut (as for dates) or other quantity between them
    ("fell 40 percent last year"), else one opening the sentence before its comma ("Since mid-October, militias
    have launched ...") when no new clause intervenes. One inside a quantity ("barrels per day") is its unit."""
    best = None
    for m in _TIME_SCOPE.finditer(text, s_start, s_end):
        if any(m.start() < end and start < m.end() for start, end in spans):
            continue
        a, b = (m.end(), c.start) if m.end() <= c.start else (c.end, m.start())
        if not CLAUSE_CUT.search(text, a, b) and not any(a <= start < b for start, _ in spans) and (
                best is None or b - a < best[0]):
            best = (b - a, m.group())
    if best:
        return best[1]
    dateline = DATELINE.match(text[s_start:s_end])
    lead = _TIME_SCOPE.match(text, s_start + (dateline.end() if dateline else 0), c.start)
    if lead and text.startswith(",", lead.end()) and not _NEW_CLAUSE.search(text, lead.end() + 1, c.start):
        return lead.group()
    return None
