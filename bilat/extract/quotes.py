"""Quotes and reported statements with their speaker.

Direct quotes ("“…,” Austin said"), partial quotes (a few quoted words inside a sentence), quotes that run on
over several sentences or in a second pair of quotation marks after the attribution, and reported statements:
"McFarlane noted that …", "Romanowski emphasized the …", "according to Hussein, …", "told reporters the …",
"…, saying …", "…, adding that …", "… and said …", and an attribution closing the sentence ("…, Trump said.").
The speaker is a person mention (a name, a surname, "the secretary") or a pronoun ("he said") resolved to the
subject of its sentence, else to whoever spoke last or was named first (as subject) in the sentence before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bilat.extract.entities import EntityFindings, Mention
from bilat.extract.gazetteer import Entity, Gazetteer, person_id
from bilat.extract.text import SentenceIndex

SPEECH_VERBS = (
    r"said|says|added|told|stated|stating|noted|emphasized|emphasised|stressed|affirmed|described|warned|declared|"
    r"announced|insisted|argued|explained|wrote|remarked|acknowledged|confirmed|pledged|vowed|urged|asserted|"
    r"maintained|contended|cautioned|reiterated|underscored|highlighted|predicted|promised|called|recalled|observed|"
    r"adds|notes|warns|stresses|explains|suggested|suggests|claimed|claims|alleged|thinks|believes|expects"
)
# Verbs whose object is what was said even without "that" ("Romanowski emphasized the US commitment …").
# Not "called", "described", "urged", "announced", "told": their object is a person or a thing, not a statement.
BARE_REPORTING_VERBS = (
    r"said|says|added|noted|emphasized|emphasised|stressed|affirmed|warned|insisted|argued|explained|"
    r"acknowledged|confirmed|reiterated|underscored|cautioned|asserted|maintained|contended|predicted|"
    r"adds|notes|warns|stresses|explains|suggested|suggests|claimed|claims|alleged|thinks|believes|expects"
)
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_PRONOUN = re.compile(r"\b(?:he|she|He|She|the (?:minister|secretary|ambassador|general|commander|president|prime minister|spokesman|spokeswoman|envoy|king|official))\b")
_DAY = r"(?:(?:on|late on|early on)\s)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s(?:morning|afternoon|evening|night))?"
_WHEN_ONE = (rf"\s{_DAY}|\s(?:earlier\s|later\s)?(?:last|this|next)\s(?:week|month|year)|\s(?:earlier|later)"
             r"|\s(?:in|at|during)\s(?:a|an|the)\s[\w-]+(?:\s[\w-]+)?|\s(?:in|at|from)\s[A-Z][\w-]+")
_WHEN = rf"(?:{_WHEN_ONE})?"
# Before "that", when and where it was said may run longer: 'said during a visit to Beijing in early September that'
_WHEN_THAT = (rf"(?:{_WHEN_ONE}|\s(?:on|in|at|during|after|before|following|from|to|with|while)\s(?:(?!that\b)[\w’'.-]+\s){{0,3}}"
              r"(?!that\b)[\w’'.-]+){0,3}")
# "told reporters that", "told lawmakers on Tuesday that": whom it was said to
_AUDIENCE = r"(?:\s(?:to\s)?(?:reporters|journalists|lawmakers|legislators|parliament|Congress|senators|officials|troops|him|her|them|us|the \w+))?"
# 'told VOA that', 'told Radio France International that', 'told his top advisers that': whoever it was told to
_TOLD_WHOM = r"(?:(?<=told)\s(?:(?!that\b)[\w’'.-]+\s){0,4}?(?!that\b)[\w’'.-]+)?"
_REPORTED = re.compile(rf"\s(?:[a-z]+ly\s)?(?P<verb>{SPEECH_VERBS}){_TOLD_WHOM}{_AUDIENCE}{_WHEN_THAT},?\s(?:that\s)(?P<content>[^“\"]+)")
_BARE_REPORTED = re.compile(rf"\s(?:[a-z]+ly\s)?(?P<verb>{BARE_REPORTING_VERBS}){_WHEN},?\s(?!(?:that|to|in|on|at|for|by|with|after|before|during|of|as|so|and|but|yesterday|today|tonight|earlier|later)\b)(?P<content>[\w$][^“\"]+)")
_ACCORDING_BEFORE = re.compile(r"^(?:\W*)According to (?P<speaker>[^,]{2,80}), (?P<content>.+?)[.!?]?$", re.S)
_ACCORDING_AFTER = re.compile(r"^(?P<content>.+?),? according to (?P<speaker>[^,.]{2,80})(?:,\s[^,]{2,120})?[.!?]?$", re.S)
#: Between a quote and the next one of the same speaker: no other person is named, and not too far.
CONTINUATION_GAP = 300


@dataclass(frozen=True)
class Quote:
    speaker_id: str | None
    text: str
    kind: str  # direct | partial | reported
    start: int
    end: int
    sentence_index: int


def _people(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.entity_id.startswith("person:")]


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening mark, just after the closing mark) of each pair of double quotation marks, straight, curly or
    mixed ('"I’m aware of the situation,” he said'). A mark after a space and before a word opens, one after a
    word and before a space or punctuation closes, whatever its shape. A quote still open when the next one opens ran to the end of its paragraph (copy without line breaks
    opens every paragraph of a long quotation anew): it ends where the next begins."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for mark in re.finditer(r"[“”\"]", text):
        i, c = mark.start(), mark.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        left = before.isspace() or before in "([{—–/-"
        right = after.isspace() or after in ".,;:!?)]}—–"
        if left != right:  # the mark's place says what it is, whatever its shape
            opening = left
        else:  # else its shape; a straight mark closes the quote that is open
            opening = c == "“" or (c == '"' and open_at is None)
        if opening:
            if open_at is not None and text[open_at + 1 : i].strip():
                spans.append((open_at, i))
            open_at = i
        elif open_at is not None:
            spans.append((open_at, i + 1))
            open_at = None
    return [(o, c) for o, c in spans if 2 <= c - o <= MAX_QUOTE]


#: A quote longer than this is two quotes whose marks were lost or mismatched, not one.
MAX_QUOTE = 1500
# The speaker phrase of an attribution: a few words, no clause punctuation.
# A period inside a name or title: an initial or initialism ("U.N.", "J."), a title's abbreviation ("Gen.")
_ABBREVIATED = r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sen|Rep|Gov|Maj|Brig|Adm|Sgt|Capt|Jr|Sr|St)\.|\b[A-Z]\.|\.(?=\S))"
_WORDS = rf"(?:{_ABBREVIATED}|[^,.;:!?“”\"()])"
_WHO = rf"{_WORDS}{{1,80}}?(?:,{_WORDS}{{1,80}}?,)?"
_WHO_AFTER_VERB = rf"(?:{_ABBREVIATED}|[^.;:!?“”\"()]){{1,120}}?"
# '…,” Austin said.' / '…,” the ministry said in a statement.' / '…,” he told VOA.'
_NOT_WHO = r"(?=[^\s,])(?!(?:and|but|or|while|as|which|who|that|then|so|because|if|when|after|before|since|although|with)\b)"
_TAIL_WHO_VERB = re.compile(rf"^[\s,]*{_NOT_WHO}(?P<who>{_WHO})\s(?:[a-z]+ly\s)?(?P<verb>{SPEECH_VERBS}|asked|tweeted|posted|wrote)\b")
# '…,” said Macharia.' / '…,” said Liu Pengyu, the embassy spokesperson.'
_TAIL_VERB_WHO = re.compile(rf"^[\s,]*(?P<verb>said|says|added|asked|wrote|continued|recalled|explained)\s(?P<who>{_WHO_AFTER_VERB})(?=[.,;!?]|\s(?:on|in|at|during|after|before|when|while|from)\b|$)")
# 'Austin said, “…”' / 'Austin told VOA: “…”' / 'he said on Tuesday, “…”'
_HEAD = re.compile(rf"\s(?:[a-z]+ly\s)?(?P<verb>{SPEECH_VERBS}|asked|tweeted|posted|wrote|continued|saying|adding)\b"
                   rf"(?:\s(?!that\b)[^,:“”\"]{{0,60}})?(?:\s*[,:]|\sthat)\s*$")
_NAME = r"[A-Z][\w’'.-]*(?:\s(?:[A-Z][\w’'.-]*|al|bin|de|van|von|der|ul))*"
_HEAD_VERB_WHO = re.compile(rf"\b(?:said|says|added|asked|wrote)\s(?P<who>{_NAME}(?:,[^,“”\"]{{1,80}})?)\s*[,:]\s*$")
# '… a “salami slicing” strategy, said Alexander Vuving, a professor …' / '…, Vuving said.': the sentence's own
# attribution, at its end, for a few words quoted inside it
_CLOSING_VERB_WHO = re.compile(rf",\s(?:said|says|added)\s(?P<who>{_WHO_AFTER_VERB})(?:[.!?]|,\s[^,]*[.!?]?)?$")
_CLOSING_WHO_VERB = re.compile(rf",\s{_NOT_WHO}(?P<who>{_WHO})\s(?:said|says|added|wrote|forecast|predicted)(?:\s[^,]{{0,40}})?[.!?]?$")
_PERSON_PRONOUN = re.compile(r"^(?:he|she|He|She)$")
# "the top U.S. diplomat", "the Taliban foreign ministry spokesperson": one person, already named; not "the
# officials" nor "a senior official", who are no one the article names
_TITLE_REFERENCE = re.compile(r"^the (?:[\w.’'-]+\s){0,5}(?:minister|secretary|diplomat|spokes(?:man|woman|person)|envoy|"
                              r"ambassador|president|premier|chancellor|leader|chief|general|commander|lawmaker|senator|"
                              r"congress(?:man|woman)|governor|mayor|analyst|professor|judge|prosecutor|king|queen|prince|"
                              r"emir|director|adviser|advisor|chair(?:man|woman)?|negotiator|official)$", re.I)
# Sentence openings that attribute nothing: "But", "And", "Still" are no speakers.
_LEAD = re.compile(r"^(?:(?:But|And|Still|However|Then|Later|Meanwhile|So|Yet|Now|Also),?\s+)+")


def _speaker_of_phrase(text: str, people: list[Mention], lo: int, hi: int, sentences: SentenceIndex,
                       spoken: list[Quote], first: bool) -> tuple[bool, str | None]:
    """The speaker an attribution phrase names: (whether the phrase names a speaker at all, the person or None).
    A person named in it; a pronoun or "the minister" resolved to the subject or the last speaker; anything
    else — an organisation, a government, "a senior official" — is a speaker that is no known person (None),
    never the nearest person named."""
    while lo < hi and text[lo] in " ,":
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if lead := _LEAD.match(text[lo:hi]):
        lo += lead.end()
    phrase = text[lo:hi]
    inside = [m for m in people if lo <= m.start and m.end <= hi
              and (not _POSSESSIVE.match(text, m.end) or _OWN_VOICE.match(text, m.end))]
    if inside:
        return True, (inside[0] if first else inside[-1]).entity_id
    if _PERSON_PRONOUN.match(phrase) or _TITLE_REFERENCE.match(phrase):
        return True, _pronoun_speaker(text, people, sentences, lo, spoken)
    if not phrase or len(phrase.split()) > 12:
        return False, None
    return True, None


_POSSESSIVE = re.compile(r"['’]s?\b")
# "Sudani’s office said", "in a post on Trump’s account": the person speaks through them
_OWN_VOICE = re.compile(r"['’]s?\s(?:\w+\s)?(?:office|statement|account|post|website|press office)\b")


def _speaker_near(text: str, people: list[Mention], lo: int, hi: int) -> str | None:
    """The subject of a sentence that quotes a few words: the first person named before them."""
    inside = [m for m in people if lo <= m.start and m.end <= hi]
    return inside[0].entity_id if inside else None


def _inside(spans: list[tuple[int, int]], m: Mention) -> bool:
    return any(o < m.start and m.end < c for o, c in spans)


def find_quotes(text: str, sentences: SentenceIndex, mentions: list[Mention], statements: list[Quote] = ()) -> list[Quote]:
    """Direct and partial quotes with their speaker. ``statements`` are the article's reported statements: a
    quote that follows one with no attribution of its own is the same speaker going on."""
    spans = quote_spans(text)
    people = [m for m in _people(mentions) if not _inside(spans, m)]  # a name quoted is not who speaks
    quotes: list[Quote] = []
    after: list[Quote] = []  # statements that follow a quote's attribution
    previous_close = 0
    for q_start, q_end in spans:
        closed = text[q_end - 1] in "”\""
        body_end = q_end - 1 if closed else q_end
        body = text[q_start + 1 : body_end]
        s_index = sentences.of(q_start)
        s_start = sentences.spans[s_index][0]
        head_lo = max(s_start, previous_close)
        previous_close = q_end
        spoken = sorted([*quotes, *(r for r in statements if r.end <= q_start)], key=lambda q: q.start)
        said = list(quotes)  # a pronoun before a quote goes back to the quotes' speakers, not reported ones
        named, speaker = False, None
        # After the quote: its attribution, up to the end of the sentence or the next quote
        tail = text[q_end : min(q_end + 200, sentences.spans[sentences.of(q_end - 1)][1])] if closed else ""
        tail = re.split(r"[“\"]", tail, maxsplit=1)[0]
        if body.rstrip().endswith((",", "?", "!", "—")) or tail.startswith(","):
            for pattern, first in ((_TAIL_VERB_WHO, True), (_TAIL_WHO_VERB, False)):
                if (m := pattern.match(tail)) and (hit := _speaker_of_phrase(
                        text, people, q_end + m.start("who"), q_end + m.end("who"), sentences, spoken, first))[0]:
                    named, speaker = hit
                    s_end = sentences.spans[sentences.of(q_end - 1)][1]
                    if speaker and (more := _SAYING.match(text, q_end + m.end(), s_end)):
                        # '“…,” Chaudhry said, adding that snipers killed …': a statement of the same voice
                        content = text[more.start("content") : more.end("content")].rstrip().rstrip(".,;").rstrip()
                        if _words(content) >= MIN_STATEMENT_WORDS:
                            after.append(Quote(speaker, content, "reported", more.start("content"),
                                               more.start("content") + len(content), sentences.of(more.start("content"))))
                    break
        # Before it: 'Said Austin: “…”', 'Austin said, “…”', 'Altun, Erdogan’s communication chief, tweeted: “…”'
        if not named and (m := _HEAD_VERB_WHO.search(text, head_lo, q_start)):
            named, speaker = _speaker_of_phrase(text, people, m.start("who"), m.end("who"), sentences, said, first=True)
        if not named and (m := _HEAD.search(text, head_lo, q_start)):
            named, speaker = True, _subject_of(text, people, sentences, head_lo, m.start(), said)
        # Inside a sentence: 'Austin called the deal a “pause”', 'described it as “strategic”'
        if not named and s_start < q_start and text[head_lo:q_start].strip():
            s_end = sentences.spans[sentences.of(body_end)][1]
            rest = text[q_end:s_end].rstrip()
            if m := _CLOSING_VERB_WHO.search(rest) or _CLOSING_WHO_VERB.search(rest):
                named, speaker = _speaker_of_phrase(text, people, q_end + m.start("who"), q_end + m.end("who"), sentences,
                                                    spoken, first=m.re is _CLOSING_VERB_WHO)
            if not named:
                speaker = _speaker_near(text, people, s_start, q_start)
            if speaker is None and _SUBJECT_PRONOUN_START.match(text, s_start):
                speaker = _pronoun_speaker(text, people, sentences, s_start, said)
            named = speaker is not None
        if not named and spoken and spoken[-1].speaker_id and not text[head_lo:q_start].strip():
            # '“…,” Hussein said. “We now talk about …”': the same voice goes on when no one else is named
            # in the sentences between (the attribution's own sentence aside)
            previous = spoken[-1]
            said_in = sentences.spans[sentences.of(previous.end)][1]
            others = [m for m in people if max(previous.end, said_in) < m.start < q_start and m.entity_id != previous.speaker_id]
            reported_just_before = previous.kind != "reported" or previous.sentence_index == s_index - 1
            if q_start - previous.end <= CONTINUATION_GAP and not others and reported_just_before:
                speaker = previous.speaker_id
        words = len(body.split())
        partial = words < 6 and s_start < q_start and not text[s_start:q_start].rstrip().endswith((":", ","))
        quotes.append(Quote(speaker, body.strip(), "partial" if partial else "direct", q_start + 1, body_end, s_index))
    return quotes + after


_SUBJECT_PRONOUN_START = re.compile(r"\s*(?:(?:But|And|Still|However|Then|Later|Also),?\s+)?(?:He|She)\b")


def _subject_of(text: str, people: list[Mention], sentences: SentenceIndex, lo: int, verb_at: int, spoken: list[Quote]) -> str | None:
    """Who speaks in 'X said, “…”': the last person named before the verb in its clause ('Altun, Erdogan’s
    communication chief, tweeted'), not a possessor ('Erdogan’s') nor in a relative clause; a pronoun or "the
    minister" resolved; else no known person (an organisation, "a senior official")."""
    clause = text[lo:verb_at]
    if _SUBJECT_PRONOUN.search(clause) or _SUBJECT_PRONOUN_START.match(clause):
        return _pronoun_speaker(text, people, sentences, verb_at, spoken)
    named = [m for m in people if lo <= m.start and m.end <= verb_at and not _POSSESSIVE.match(text, m.end)
             and not _INSERTION_OPEN.search(text[lo:m.start]) and not _OBJECT_BEFORE.search(text, max(lo, m.start - 12), m.start)]
    # the one just before the verb ('…, Fahrettin Altun, Monday tweeted'), else the clause's first
    # ('Kadhimi thanked Biden for his support and said')
    if adjacent := [m for m in named if _QUOTE_SUBJECT_GAP.match(text[m.end : verb_at].strip())]:
        return adjacent[-1].entity_id
    if named:
        return named[0].entity_id
    if _PRONOUN.search(clause):
        return _pronoun_speaker(text, people, sentences, lo + _PRONOUN.search(clause).start(), spoken)
    return None


def _according_to(text: str, people: list[Mention], s_start: int, sentence: str) -> tuple[str, int, int] | None:
    """'According to Hussein, the talks …' / '… the talks went well, according to Hussein.'"""
    for pattern in (_ACCORDING_BEFORE, _ACCORDING_AFTER):
        match = pattern.match(sentence)
        if match:
            lo, hi = s_start + match.start("speaker"), s_start + match.end("speaker")
            speaker = next((m.entity_id for m in people if lo <= m.start and m.end <= hi), None)
            if speaker:
                return speaker, s_start + match.start("content"), s_start + match.end("content")
    return None


# Between the subject and the verb: nothing, an appositive (", the region's president,"), an adverb, or a first
# clause of the same subject ("denounced the attacks and said …", "condemned the strike, saying …").
_SUBJECT_GAP = re.compile(rf"^,?(?:\s*,[^,]{{1,120}},)?\s*(?:(?:also|later|again|earlier|has|had|have|[a-z]+ly|{_DAY})\s*)*"
                          r"(?:[a-z]+(?:ed|s)\b[^;:“\"]{0,160}?(?:\band|,))?$")
_QUOTE_SUBJECT_GAP = re.compile(r"^,?(?:\s*,[^,]{1,120},)?\s*(?:(?:also|later|again|then|earlier|[a-z]+ly|on|late|early|"
                                r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s*)*$")
_SUBJECT_PRONOUN = re.compile(r"(?:^|\s)(?:He|She|he|she)\s+(?:[a-z]+ly\s+)?$")
# "told reporters …", "told Kurdish television …": whom it was said to, needed before a statement without "that"
_TOLD_AUDIENCE = (r"(?:reporters|journalists|lawmakers|legislators|parliament|Congress|senators|troops|supporters|the \w+|"
                  r"(?:[A-Z][\w-]+\s|state\s|local\s)?(?:television|TV|radio|media|newspapers?|news agency)|a news conference|Reuters|AFP|CNN|Al Jazeera|Al Arabiya|Rudaw|"
                  r"an? (?:\w+\s)?(?:interview|briefing)|media|[A-Z][\w-]+(?:\s[A-Z][\w-]+){0,3})")
_TOLD = re.compile(rf"\s(?P<verb>told)\s{_TOLD_AUDIENCE}{_WHEN},?\s(?!(?:that|to|in|on|at|for|by|with|after|before|during|of|as|so|and|but)\b)(?P<content>[\w$][^“\"]+)")
# "…, adding that …", "… and that …": a second statement of the same speaker in the same sentence
_MORE = re.compile(r"(?:,\s(?:adding|saying)|,?\sand(?:\s(?:added|said))?)\sthat\s(?P<content>[\w$][^“\"]+)")
# "…, saying …" after a first clause of a person subject ("condemned the strike, saying unilateral action …")
_SAYING = re.compile(r",\s(?P<verb>saying|adding|asserting|arguing|warning|noting|insisting|stressing|claiming)(?:\sthat)?\s(?P<content>[\w$][^“\"]+)")
# "… killed himself, President Donald Trump said on Sunday.": the attribution closes the sentence
# A few words quoted inside the statement ('They will invoke the law “selectively”, he forecast') belong to it
_CONTENT_AFTER = r"(?:[^“”\"]|[“\"][^“”\"]{1,80}[”\"])*?"
_SAID_AFTER = re.compile(rf"^(?P<content>[\w$“\"]{_CONTENT_AFTER}),\s(?P<speaker>[^,“\"]{{2,80}}?)\s(?:said|says|added|forecast|predicted|told (?:reporters|journalists|media|VOA|[A-Z][\w-]+)){_WHEN}[.!?]?\s*$", re.S)
# "According to X, the Kurdistan Region's health minister, 58 others …": the appositive is no part of the statement
_APPOSITIVE = re.compile(r"(?:the |a |an )?(?:[\w'’.-]+\s){0,4}(?:minister|spokes(?:man|woman|person)|president|secretary|ambassador|"
                         r"commander|adviser|advisor|chief|head|director|envoy|official|leader|king|chairman|governor)"
                         r"(?:\s(?:of|for|to|at|in)\s[^,]{1,50})?,\s", re.I)
# "… to increase sway over China, said Alan Chong, associate professor at …": the verb before the speaker
_SAID_BY_AFTER = re.compile(rf"^(?P<content>[\w$]{_CONTENT_AFTER}),\s(?:said|says|added)\s(?P<speaker>[^,“\"]{{2,80}}?)"
                            r"(?:,\s[^“”\"]{2,160}?)?[.!?]?\s*$", re.S)
MIN_STATEMENT_WORDS = 3
_QUOTED = re.compile(r"[“\"][^“”\"]*[”\"]")
_DATELINE = re.compile(r"[A-Z][A-Z .,'-]{2,40}\s[—–-]+\s")


def _subject_before(text: str, people: list[Mention], s_start: int, verb_at: int) -> bool:
    """Without "that", a statement is reported only when the verb's subject is a person: named just before it
    ('Romanowski emphasized', 'Sudani, speaking in Baghdad, said') or a pronoun ('He stressed')."""
    if _SUBJECT_PRONOUN.search(text[s_start:verb_at]) or _TITLE_REFERENCE.match(_LEAD.sub("", text[s_start:verb_at].strip())):
        return True
    last = [m for m in people if s_start <= m.start and m.end <= verb_at]
    return bool(last) and bool(_SUBJECT_GAP.match(text[last[-1].end : verb_at].strip()))


_SPOKE_AFTER = re.compile(rf"\s*(?:,[^,]{{1,120}},\s*)?(?:[a-z]+ly\s)?(?:{SPEECH_VERBS})\b")
_SPOKE_BEFORE = re.compile(r"(?:[,”\"]\s*(?:said|says|added)|according to)\s*$")
_OBJECT_BEFORE = re.compile(r"\b(?:to|with|by|for|from|of|on|at|met|meet|meets|and|against|about|than)\s+$")
_RELATIVE_OPEN = re.compile(r",\s(?:who|whom|whose|which)\b[^,]*$")
# '…, who met Sudani,' / '…, speaking alongside Jaafari,': a clause inserted after the subject
_INSERTION_OPEN = re.compile(r",\s[a-z][^,]*$")


def _pronoun_speaker(text: str, people: list[Mention], sentences: SentenceIndex, at: int, spoken: list[Quote]) -> str | None:
    """'he said', 'he announced': the subject of the sentence when a person comes before the pronoun in it, else
    the person whose statement the sentence before reports (who goes on speaking), else the last person who
    spoke in the sentences before ('X said', 'said X'), else the first named in the last sentence naming anyone."""
    index = sentences.of(at)
    s_start = sentences.spans[index][0]
    same = [m for m in people if s_start <= m.start and m.end <= at and not _POSSESSIVE.match(text, m.end)]
    if same:
        return same[0].entity_id
    before_start = sentences.spans[index - 1][0] if index else s_start
    if recent := [q.speaker_id for q in spoken if before_start <= q.start and q.end <= at and q.speaker_id]:
        return recent[-1]
    speakers = [q.speaker_id for q in spoken if q.end <= at and q.speaker_id]
    before = [m for m in people if m.end <= s_start]
    if not before:
        return None
    spoke = lambda m: (m.entity_id in speakers[-2:] or bool(_SPOKE_AFTER.match(text, m.end))  # noqa: E731
                       or bool(_SPOKE_BEFORE.search(text, max(0, m.start - 24), m.start)))
    last_index = before[-1].sentence_index
    group = [m for m in before if m.sentence_index == last_index]
    if talking := [m for m in group if spoke(m)]:
        return talking[-1].entity_id
    if subjects := [m for m in group if not _OBJECT_BEFORE.search(text, max(0, m.start - 12), m.start)]:
        return subjects[0].entity_id
    # only objects ("made clear to the ambassador"): the last one who spoke in the sentences before
    earlier = [m for m in before if index - 4 <= m.sentence_index < last_index and spoke(m)]
    return earlier[-1].entity_id if earlier else group[0].entity_id


def _speaker_of(text: str, people: list[Mention], sentences: SentenceIndex, lo: int, hi: int, speakers: list[Quote]) -> str | None:
    if _SUBJECT_PRONOUN.search(text[lo:hi]):  # "…, a day after he announced that …": the pronoun is the subject
        return _pronoun_speaker(text, people, sentences, hi, speakers)
    inside = [m for m in people if lo <= m.start and m.end <= hi and not _RELATIVE_OPEN.search(text[lo:m.start])]
    if inside:
        return inside[-1].entity_id
    subject = text[lo:hi].strip()
    if lead := _LEAD.match(subject):
        subject = subject[lead.end():]
    if _TITLE_REFERENCE.match(subject):  # "The military spokesperson said …": the one already named
        return _pronoun_speaker(text, people, sentences, hi, speakers)
    if pronoun := _PRONOUN.search(text, lo, hi):
        return _pronoun_speaker(text, people, sentences, pronoun.start(), speakers)
    return None


def _words(content: str) -> int:
    return len(content.split())


def find_reported_statements(text: str, sentences: SentenceIndex, mentions: list[Mention]) -> list[Quote]:
    """'McFarlane noted that …', 'Romanowski emphasized the …', 'according to X, …', '…, X said.': speaker and
    content span."""
    people = _people(mentions)
    found: list[Quote] = []
    speakers: list[Quote] = []

    def add(speaker: str, c_start: int, c_end: int, index: int) -> None:
        if dateline := _DATELINE.match(text, c_start, c_end):  # "WASHINGTON — …" opens the article, not the statement
            c_start = dateline.end()
        content = text[c_start:c_end].rstrip().rstrip(".,;").rstrip()
        if text[c_end : c_end + 1] in ("“", '"') and _words(content) < 8:
            return  # 'said the deal was “a pause …”': the quote is the statement, a partial one
        if _words(content) >= MIN_STATEMENT_WORDS:
            found.append(Quote(speaker, content, "reported", c_start, c_start + len(content), index))
            speakers.append(found[-1])

    for index, (s_start, s_end) in enumerate(sentences.spans):
        sentence = text[s_start:s_end]
        quoted = "“" in sentence or '"' in sentence
        if not quoted and (hit := _according_to(text, people, s_start, sentence.rstrip())):
            speaker, c_start, c_end = hit
            if appositive := _APPOSITIVE.match(text, c_start, c_end):
                c_start = appositive.end()
            add(speaker, c_start, c_end, index)
            continue
        after = _SAID_AFTER.match(sentence.rstrip()) or _SAID_BY_AFTER.match(sentence.rstrip())
        if after and quoted and (after["content"][0] in "“\"" or _words(_QUOTED.sub("", after["content"])) < 4):
            after = None  # '“We will win”, he said': a direct quote, not a statement with a few words quoted
        if after and _words(after["content"]) >= 6:
            lo, hi = s_start + after.start("speaker"), s_start + after.end("speaker")
            words = after["speaker"].strip()
            speaker = None
            if words in {"he", "she", "He", "She"}:
                speaker = _pronoun_speaker(text, people, sentences, lo, speakers)
            else:
                named = [m for m in people if lo <= m.start and m.end == hi]
                speaker = named[-1].entity_id if named else None
            if speaker:
                add(speaker, s_start + after.start("content"), s_start + after.end("content"), index)
                continue
        candidates = []
        for pattern, needs_subject in ((_REPORTED, False), (_BARE_REPORTED, True), (_TOLD, True), (_SAYING, True)):
            if (match := pattern.search(sentence)) is None:
                continue
            verb_at = s_start + match.start("verb")
            if needs_subject and not _subject_before(text, people, s_start, verb_at):
                continue
            if quoted and text.find("“", s_start, verb_at) + text.find('"', s_start, verb_at) > -2:
                continue  # after a quotation mark: the quote's own attribution
            candidates.append((verb_at, match))
        if not candidates:
            continue
        verb_at, match = min(candidates, key=lambda c: c[0])
        speaker = _speaker_of(text, people, sentences, s_start, verb_at, speakers)
        if not speaker:
            continue
        c_start, c_end = s_start + match.start("content"), s_start + match.end("content")
        if quoted and c_end < s_end - 1 and _words(text[c_start:c_end]) < 8:
            c_end = c_start  # 'said the deal was “a pause …”': the quote is the statement, a partial one
        more = list(_MORE.finditer(text, c_start, s_end))
        add(speaker, c_start, min(c_end, more[0].start()) if more else c_end, index)
        for n, extra in enumerate(more):
            add(speaker, extra.start("content"), more[n + 1].start() if n + 1 < len(more) else extra.end("content"), index)
    return found


# Speakers no earlier layer knew: 'said Oh Ei Sun, senior fellow …', '“…,” Ghulam Nabi, another freed passenger,
# told media', 'according to local resident Abala Waro'. The name stands where an attribution names its speaker.
_NAME_WORD = r"[A-Z][\w’'-]*[a-z][\w’'-]*"
_ATTRIBUTION_VERBS = rf"(?:{SPEECH_VERBS}|told|asked)"
_NAME_ENDS = r"(?=\s*(?:[,.;:!?]|$)|\s(?:on|in|at|during|who|while)\b)"


_OPENS_SUBJECT = re.compile(r"(?:^\W*|[”\"],?\s|\b[a-z][a-z-]{2,}\s)$")


def _name_pattern(particles: frozenset[str]) -> str:
    particle = "|".join(sorted(particles)) or "al"
    return rf"{_NAME_WORD}(?:\s(?:(?:{particle})\s)?{_NAME_WORD}){{1,4}}"


def add_unknown_speakers(text: str, sentences: SentenceIndex, findings: EntityFindings, gaz: Gazetteer) -> EntityFindings:
    """People the entity layers missed who speak: a name of two or more capitalised words in an attribution
    slot, overlapping no mention, becomes a person (leading words of a title or that the article also writes in
    lower case — 'Lawyer', 'Commissioner' — are no part of it), and its last word elsewhere is that person too.
    Words of a body ('Institute', 'Ministry') make it no person; a speaker described only ('a local resident')
    stays no one."""
    name = _name_pattern(gaz.name_particles)
    verb_first = re.compile(rf"(?:\b(?:said|says|added|according to)|\btold\s(?:reporters|journalists|VOA|media))\s"
                            rf"(?:[a-z][\w-]*\s){{0,4}}(?P<name>{name}){_NAME_ENDS}")
    name_first = re.compile(rf"(?<![\w’'-])(?P<name>{name})"
                            rf"(?:,\s[^,“”\"]{{2,120}},)?\s(?:[a-z]+ly\s)?{_ATTRIBUTION_VERBS}\b")
    lower_words = set(re.findall(r"\b[a-z][\w’'-]*\b", text))
    taken = [(m.start, m.end) for m in findings.mentions]
    found: dict[tuple[int, int], str] = {}
    # both patterns need a word of attribution: most sentences have none, and the name pattern is slow to refuse
    attributed = re.compile(rf"\b(?:{_ATTRIBUTION_VERBS}|said|says|added|according\sto)\b")
    for s_start, s_end in sentences.spans:
        sentence = text[s_start:s_end]
        if not attributed.search(sentence):
            continue
        for pattern in (verb_first, name_first):
            for match in pattern.finditer(sentence):
                if pattern is name_first and not _OPENS_SUBJECT.search(sentence, 0, match.start()):
                    continue  # the name opens the sentence, follows a quote or a description ('resident X')
                if pattern is name_first and _OBJECT_BEFORE.search(sentence, max(0, match.start("name") - 12), match.start("name")):
                    continue  # 'met Xi Jinping and said': an object, not the speaker
                lo, hi = s_start + match.start("name"), s_start + match.end("name")
                words = list(re.finditer(r"\S+", text[lo:hi]))
                # leading words of a title or a sentence's common opening ('Lawyer', 'The', 'Provincial')
                while words and (words[0].group().lower() in lower_words or (words[0].group().lower(),) in gaz.offices
                                 or words[0].group().lower() in gaz.office_words):
                    words.pop(0)
                if len(words) < 2 or any(w.group() in gaz.body_heads or w.group() in _NOT_PERSON_WORDS for w in words):
                    continue
                lo = lo + words[0].start()
                if any(s < hi and lo < e for s, e in taken):
                    continue
                found[(lo, hi)] = text[lo:hi]
    if not found:
        return findings
    mentions, entities = list(findings.mentions), dict(findings.entities)
    for (lo, hi), surface in found.items():
        pid = person_id(surface)
        entities.setdefault(pid, gaz.entities.get(pid) or Entity(pid, "person", surface, None))
        mentions.append(Mention(pid, surface, lo, hi, sentences.of(lo), "speaker"))
        taken.append((lo, hi))
    # 'said Lewal': the last word of a new person's name, alone elsewhere, is that person
    for surface, pid in {s: person_id(s) for s in found.values()}.items():
        surname = surface.split()[-1]
        for match in re.finditer(rf"(?<![\w’'-]){re.escape(surname)}(?![\w’'-]|\s[A-Z])", text):
            if re.search(r"[A-Z][\w’'-]*\s$", text[max(0, match.start() - 30) : match.start()]):
                continue  # the end of some other name
            if not any(s < match.end() and match.start() < e for s, e in taken):
                mentions.append(Mention(pid, surname, match.start(), match.end(), sentences.of(match.start()), "short_form"))
                taken.append((match.start(), match.end()))
    return EntityFindings(sorted(mentions, key=lambda m: (m.start, m.end)), findings.roles, entities)


# Capitalised words that end no person's name, though not bodies of the gazetteer
_NOT_PERSON_WORDS = {"News", "Times", "Post", "Press", "Watch", "International", "Group", "Network", "Television",
                     "Radio", "Agency", "University", "Review", "Journal", "Daily", "Monday", "Tuesday", "Wednesday",
                     "Thursday", "Friday", "Saturday", "Sunday"}
