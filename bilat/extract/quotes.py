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

from bilat.extract.entities import Mention
from bilat.extract.text import SentenceIndex

SPEECH_VERBS = (
    r"said|says|added|told|stated|stating|noted|emphasized|emphasised|stressed|affirmed|described|warned|declared|"
    r"announced|insisted|argued|explained|wrote|remarked|acknowledged|confirmed|pledged|vowed|urged|asserted|"
    r"maintained|contended|cautioned|reiterated|underscored|highlighted|predicted|promised|called|recalled|observed"
)
# Verbs whose object is what was said even without "that" ("Romanowski emphasized the US commitment …").
# Not "called", "described", "urged", "announced", "told": their object is a person or a thing, not a statement.
BARE_REPORTING_VERBS = (
    r"said|says|added|noted|emphasized|emphasised|stressed|affirmed|warned|insisted|argued|explained|"
    r"acknowledged|confirmed|reiterated|underscored|cautioned|asserted|maintained|contended|predicted"
)
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
_PRONOUN = re.compile(r"\b(?:he|she|He|She|the (?:minister|secretary|ambassador|general|commander|president|prime minister|spokesman|spokeswoman|envoy|king|official))\b")
_QUOTE = re.compile(r"“(?P<curly>[^”]{2,2000})”|\"(?P<straight>[^\"\n]{2,2000})\"")
_WHEN = (r"(?:\s(?:on|late on|early on)\s\w+day|\s(?:earlier\s|later\s)?(?:last|this|next)\s(?:week|month|year)|\s(?:earlier|later)"
         r"|\s(?:in|at|during)\s(?:a|an|the)\s[\w-]+(?:\s[\w-]+)?|\s(?:in|at|from)\s[A-Z][\w-]+)?")
# "told reporters that", "told lawmakers on Tuesday that": whom it was said to
_AUDIENCE = r"(?:\s(?:to\s)?(?:reporters|journalists|lawmakers|legislators|parliament|Congress|senators|officials|troops|him|her|them|us|the \w+))?"
_REPORTED = re.compile(rf"\s(?:\w+ly\s)?(?P<verb>{SPEECH_VERBS}){_AUDIENCE}{_WHEN},?\s(?:that\s)(?P<content>[^“\"]+)")
_BARE_REPORTED = re.compile(rf"\s(?:\w+ly\s)?(?P<verb>{BARE_REPORTING_VERBS}){_WHEN},?\s(?!(?:that|to|in|on|at|for|by|with|after|before|during|of|as|so|and|but|yesterday|today|tonight|earlier|later)\b)(?P<content>[\w$][^“\"]+)")
_ACCORDING_BEFORE = re.compile(r"^(?:\W*)According to (?P<speaker>[^,]{2,80}), (?P<content>.+?)[.!?]?$", re.S)
_ACCORDING_AFTER = re.compile(r"^(?P<content>.+?),? according to (?P<speaker>[^,.]{2,80})[.!?]?$", re.S)
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


def _speaker_near(text: str, people: list[Mention], lo: int, hi: int, prefer_last: bool,
                  sentences: SentenceIndex | None = None, speakers: list[str] | None = None, anchor: int | None = None) -> str | None:
    inside = [m for m in people if lo <= m.start and m.end <= hi]
    if inside:
        return (inside[-1] if prefer_last else inside[0]).entity_id
    if pronoun := _PRONOUN.search(text, lo, hi):
        if sentences is not None:  # the subject or last speaker before the quote, not whoever was named last
            return _pronoun_speaker(text, people, sentences, min(pronoun.start(), anchor if anchor is not None else lo), speakers or [])
        before = [m for m in people if m.end <= lo]
        return before[-1].entity_id if before else None
    return None


def find_quotes(text: str, sentences: SentenceIndex, mentions: list[Mention]) -> list[Quote]:
    people = _people(mentions)
    quotes: list[Quote] = []
    for match in _QUOTE.finditer(text):
        body = match.group("curly") or match.group("straight")
        q_start, q_end = match.start(), match.end()
        s_index = sentences.of(q_start)
        s_start, _ = sentences.spans[s_index]
        s_end = sentences.spans[sentences.of(max(q_end - 1, q_start))][1]
        after_end = min(len(text), q_end + 120)
        after_sentence_end = next((sentences.spans[i][1] for i in range(len(sentences.spans)) if sentences.spans[i][0] >= q_end), after_end)
        tail_end = min(after_end, max(s_end, after_sentence_end if text[q_end:q_end + 3].lstrip().startswith((",", "”")) else s_end))
        speaker = None
        # '…,” Austin said.' / '…,” said Austin.' / '…,” he added.'
        tail = text[q_end:tail_end]
        if _SPEECH.search(tail[:80]):
            speaker = _speaker_near(text, people, q_end, q_end + min(len(tail), 80), prefer_last=False,
                                    sentences=sentences, speakers=[q.speaker_id for q in quotes if q.speaker_id], anchor=q_start)
        # 'Austin said, “…”' / 'stating, “…”' / 'described it as a “…”'
        if speaker is None and _SPEECH.search(text, s_start, q_start):
            speaker = _speaker_near(text, people, s_start, q_start, prefer_last=False)
        if speaker is None:
            speaker = _speaker_near(text, people, s_start, q_start, prefer_last=False) if s_start < q_start else None
        if speaker is None and quotes and quotes[-1].speaker_id and text[q_start - 1 : q_start] in ("", " ", "\n"):
            # '“…,” Hussein said. “We now talk about …”': the same voice goes on when no one else is named
            previous = quotes[-1]
            others = [m for m in people if previous.end < m.start < q_start and m.entity_id != previous.speaker_id]
            if q_start - previous.end <= CONTINUATION_GAP and not others:
                speaker = previous.speaker_id
        words = len(body.split())
        partial = words < 6 and s_start < q_start and not text[s_start:q_start].rstrip().endswith((":", ","))
        quotes.append(Quote(speaker, body.strip(), "partial" if partial else "direct", q_start + 1, q_end - 1, s_index))
    return quotes


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
_SUBJECT_GAP = re.compile(r"^,?(?:\s*,[^,]{1,120},)?\s*(?:(?:also|later|again|\w+ly)\s*)?"
                          r"(?:[a-z]+(?:ed|s)\b[^;:“\"]{0,160}?(?:\band|,))?$")
_SUBJECT_PRONOUN = re.compile(r"(?:^|\s)(?:He|She|he|she)\s+(?:\w+ly\s+)?$")
# "told reporters …", "told Kurdish television …": whom it was said to, needed before a statement without "that"
_TOLD_AUDIENCE = (r"(?:reporters|journalists|lawmakers|legislators|parliament|Congress|senators|troops|supporters|the \w+|"
                  r"(?:[A-Z][\w-]+\s|state\s|local\s)?(?:television|TV|radio|media|newspapers?|news agency)|a news conference|Reuters|AFP|CNN|Al Jazeera|Al Arabiya|Rudaw|"
                  r"an? (?:\w+\s)?(?:interview|briefing))")
_TOLD = re.compile(rf"\s(?P<verb>told)\s{_TOLD_AUDIENCE}{_WHEN},?\s(?!(?:that|to|in|on|at|for|by|with|after|before|during|of|as|so|and|but)\b)(?P<content>[\w$][^“\"]+)")
# "…, adding that …", "… and that …": a second statement of the same speaker in the same sentence
_MORE = re.compile(r"(?:,\s(?:adding|saying)|,?\sand(?:\s(?:added|said))?)\sthat\s(?P<content>[\w$][^“\"]+)")
# "…, saying …" after a first clause of a person subject ("condemned the strike, saying unilateral action …")
_SAYING = re.compile(r",\s(?P<verb>saying|adding)(?:\sthat)?\s(?P<content>[\w$][^“\"]+)")
# "… killed himself, President Donald Trump said on Sunday.": the attribution closes the sentence
_SAID_AFTER = re.compile(rf"^(?P<content>[\w$“\"][^“\"]*?),\s(?P<speaker>[^,“\"]{{2,80}}?)\s(?:said|says|added|told (?:reporters|journalists)){_WHEN}[.!?]?\s*$", re.S)
# "According to X, the Kurdistan Region's health minister, 58 others …": the appositive is no part of the statement
_APPOSITIVE = re.compile(r"(?:the |a |an )?(?:[\w'’.-]+\s){0,4}(?:minister|spokes(?:man|woman|person)|president|secretary|ambassador|"
                         r"commander|adviser|advisor|chief|head|director|envoy|official|leader|king|chairman|governor)"
                         r"(?:\s(?:of|for|to|at|in)\s[^,]{1,50})?,\s", re.I)
MIN_STATEMENT_WORDS = 3
_DATELINE = re.compile(r"[A-Z][A-Z .,'-]{2,40}\s[—–-]+\s")


def _subject_before(text: str, people: list[Mention], s_start: int, verb_at: int) -> bool:
    """Without "that", a statement is reported only when the verb's subject is a person: named just before it
    ('Romanowski emphasized', 'Sudani, speaking in Baghdad, said') or a pronoun ('He stressed')."""
    if _SUBJECT_PRONOUN.search(text[s_start:verb_at]):
        return True
    last = [m for m in people if s_start <= m.start and m.end <= verb_at]
    return bool(last) and bool(_SUBJECT_GAP.match(text[last[-1].end : verb_at].strip()))


_SPOKE_AFTER = re.compile(rf"\s*(?:,[^,]{{1,120}},\s*)?(?:\w+ly\s)?(?:{SPEECH_VERBS})\b")
_SPOKE_BEFORE = re.compile(r"(?:[,”\"]\s*(?:said|says|added)|according to)\s*$")
_OBJECT_BEFORE = re.compile(r"\b(?:to|with|by|for|from|of|on|at|met|meet|meets|and|against|about|than)\s+$")
_RELATIVE_OPEN = re.compile(r",\s(?:who|whom|whose|which)\b[^,]*$")


def _pronoun_speaker(text: str, people: list[Mention], sentences: SentenceIndex, at: int, speakers: list[str]) -> str | None:
    """'he said', 'he announced': the subject of the sentence when a person comes before the pronoun in it, else
    the last person who spoke in the sentences before ('X said', 'said X'), else the first named in the last
    sentence naming anyone."""
    index = sentences.of(at)
    s_start = sentences.spans[index][0]
    same = [m for m in people if s_start <= m.start and m.end <= at]
    if same:
        return same[0].entity_id
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


def _speaker_of(text: str, people: list[Mention], sentences: SentenceIndex, lo: int, hi: int, speakers: list[str]) -> str | None:
    if _SUBJECT_PRONOUN.search(text[lo:hi]):  # "…, a day after he announced that …": the pronoun is the subject
        return _pronoun_speaker(text, people, sentences, hi, speakers)
    inside = [m for m in people if lo <= m.start and m.end <= hi and not _RELATIVE_OPEN.search(text[lo:m.start])]
    if inside:
        return inside[-1].entity_id
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
    speakers: list[str] = []

    def add(speaker: str, c_start: int, c_end: int, index: int) -> None:
        if dateline := _DATELINE.match(text, c_start, c_end):  # "WASHINGTON — …" opens the article, not the statement
            c_start = dateline.end()
        content = text[c_start:c_end].rstrip().rstrip(".,;").rstrip()
        if text[c_end : c_end + 1] in ("“", '"') and _words(content) < 8:
            return  # 'said the deal was “a pause …”': the quote is the statement, a partial one
        if _words(content) >= MIN_STATEMENT_WORDS:
            found.append(Quote(speaker, content, "reported", c_start, c_start + len(content), index))
            speakers.append(speaker)

    for index, (s_start, s_end) in enumerate(sentences.spans):
        sentence = text[s_start:s_end]
        quoted = "“" in sentence or '"' in sentence
        if not quoted and (hit := _according_to(text, people, s_start, sentence.rstrip())):
            speaker, c_start, c_end = hit
            if appositive := _APPOSITIVE.match(text, c_start, c_end):
                c_start = appositive.end()
            add(speaker, c_start, c_end, index)
            continue
        if not quoted and (after := _SAID_AFTER.match(sentence.rstrip())) and _words(after["content"]) >= 6:
            lo, hi = s_start + after.start("speaker"), s_start + after.end("speaker")
            words = after["speaker"].strip()
            speaker = None
            if words in {"he", "she"}:
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
