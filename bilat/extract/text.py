"""Tokens and sentences with character offsets: the one tokenizer every extractor and gazetteer shares."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Initialisms ("U.S.", "U.N."), words with inner apostrophes or periods, numbers with separators, or one
# punctuation mark. "al-Sudani" is three tokens ("al", "-", "Sudani"), the same way in text and in gazetteers.
_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\d+(?:[.,]\d+)*|\w+(?:['’](?!s\b)\w+)?|[^\w\s]")

ABBREVIATIONS = frozenset(
    """u.s u.n u.k e.u gen maj lt col brig adm sgt capt cmdr cpl pvt mr mrs ms dr st jr sr gov sen rep
    jan feb mar apr jun jul aug sep sept oct nov dec no vs etc inc co corp dept a.m p.m approx est ft""".split()
)
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace, or at a newline.
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])|\n+")


#: A dateline at the very start of a text: "BAGHDAD — ", "WASHINGTON, D.C. – ", "ERBIL, Iraq - ".
DATELINE = re.compile(r"^(?P<dateline>[A-Z][A-Z.'\- ]+(?:, [A-Za-z.' ]+)?)\s+[—–-]{1,2}\s+")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_capitalized(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def token_key(text: str) -> tuple[str, ...]:
    """The token tuple used to look a phrase up in a gazetteer."""
    return tuple(t.text for t in tokenize(text))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; abbreviations and initials ("Lloyd J. Austin") do not end one."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        if match.group().startswith("."):
            word = re.search(r"([\w.]+)$", text[start : match.start()])
            prev = word.group(1).lower() if word else ""
            if prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()) or prev.endswith(".") :
                continue
        end = match.end() if not match.group().startswith("\n") else match.start()
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class SentenceIndex:
    """Maps a character offset to the index of the sentence it falls in."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self._starts = [s for s, _ in spans]

    def of(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)
