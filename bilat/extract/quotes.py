"""Quotes and reported statements with their speaker.

Direct quotes ("“…,” Austin said"), partial quotes (a few quoted words inside a sentence), quotes that run on
over several sentences or in a second pair of quotation marks after the attribution, and reported statements:
"McFarlane noted that …", "Romanowski emphasized the …", "according to Hussein, …". The speaker is a person
mention (a name, a surname, "the secretary") or a pronoun ("he said") resolved to the person named last.
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


def _speaker_near(text: str, people: list[Mention], lo: int, hi: int, prefer_last: bool) -> str | None:
    inside = [m for m in people if lo <= m.start and m.end <= hi]
    if inside:
        return (inside[-1] if prefer_last else inside[0]).entity_id
    if _PRONOUN.search(text, lo, hi):
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
            speaker = _speaker_near(text, people, q_end, q_end + min(len(tail), 80), prefer_last=False)
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


_SUBJECT_GAP = re.compile(r"^(?:|,[^,]{1,120},|also|later|again|\w+ly)$")
_SUBJECT_PRONOUN = re.compile(r"(?:^|\s)(?:He|She|he|she)\s+(?:\w+ly\s+)?$")


def _subject_before(text: str, people: list[Mention], s_start: int, verb_at: int) -> bool:
    """Without "that", a statement is reported only when the verb's subject is a person: named just before it
    ('Romanowski emphasized', 'Sudani, speaking in Baghdad, said') or a pronoun ('He stressed')."""
    if _SUBJECT_PRONOUN.search(text[s_start:verb_at]):
        return True
    last = [m for m in people if s_start <= m.start and m.end <= verb_at]
    return bool(last) and bool(_SUBJECT_GAP.match(text[last[-1].end : verb_at].strip()))


def find_reported_statements(text: str, sentences: SentenceIndex, mentions: list[Mention]) -> list[Quote]:
    """'McFarlane noted that …', 'Romanowski emphasized the …', 'according to X, …': speaker and content span."""
    people = _people(mentions)
    found = []
    for index, (s_start, s_end) in enumerate(sentences.spans):
        sentence = text[s_start:s_end]
        if "“" in sentence or '"' in sentence:
            continue
        if hit := _according_to(text, people, s_start, sentence.rstrip()):
            speaker, c_start, c_end = hit
            content = text[c_start:c_end].rstrip(".")
            found.append(Quote(speaker, content, "reported", c_start, c_start + len(content), index))
            continue
        match = _REPORTED.search(sentence)
        bare = match is None and (match := _BARE_REPORTED.search(sentence)) is not None
        if not match:
            continue
        verb_at = s_start + match.start("verb")
        if bare and not _subject_before(text, people, s_start, verb_at):
            continue
        speaker = _speaker_near(text, people, s_start, verb_at, prefer_last=True)
        if speaker:
            c_start, c_end = s_start + match.start("content"), s_end
            content = text[c_start:c_end].rstrip(".")
            found.append(Quote(speaker, content, "reported", c_start, c_start + len(content), index))
    return found
