"""Main text and metadata of one article page, with trafilatura doing the boilerplate removal."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

import lxml.html
import trafilatura

from bilat.extract.text import DATELINE
from bilat.ids import stable_id

MIN_TEXT_CHARS = 200  # shorter "articles" are index pages, paywalls or errors, not news

_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


class ParseError(Exception):
    """The page yields no usable article; the message is the quarantine reason."""


@dataclass(frozen=True)
class ParsedArticle:
    article_id: str
    doc_id: str
    url: str
    source: str
    title: str | None
    byline: str | None
    dateline: str | None
    language: str | None
    published_at: datetime | None
    date_source: str
    text: str
    text_hash: str
    partition_date: date


def _body_only(text: str, title: str) -> str:
    """Some layouts put the headline and standfirst inside the article element, so the extracted text starts
    with them. Drop the headline, and anything before a dateline found among the first lines."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if lines and title and lines[0].strip() == title:
        lines = lines[1:]
    for index, line in enumerate(lines[:3]):
        if DATELINE.match(line):
            lines = lines[index:]
            break
    return "\n".join(lines).strip()


def article_id(url: str) -> str:
    return stable_id("article", url)


def parse_article(
    body: bytes,
    *,
    doc_id: str,
    url: str,
    source: str,
    published_at: datetime | None,
    date_source: str,
    partition_date: date,
) -> ParsedArticle:
    try:
        tree = lxml.html.fromstring(body)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"not parseable as HTML: {exc}") from exc
    # The metadata gives title, author and site name; its date is not used (bilat.parse.dates dates documents),
    # and htmldate's extensive search runs dateparser, which compiles every locale's patterns (~10 s cold).
    extracted = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True,
        date_extraction_params={"extensive_search": False},
    )
    title = (extracted.title or "").strip() if extracted else ""
    text = _body_only((extracted.text if extracted else "") or "", title)
    if len(text) < MIN_TEXT_CHARS:
        raise ParseError(f"no article text found ({len(text)} characters of main text, at least {MIN_TEXT_CHARS} needed)")
    match = DATELINE.match(text)
    title = title or None
    if title:
        title = _TITLE_SUFFIX.sub("", title) if extracted.sitename and extracted.sitename in title else title
    language = (tree.get("lang") or "").split("-")[0].lower() or None
    return ParsedArticle(
        article_id=article_id(url),
        doc_id=doc_id,
        url=url,
        source=source,
        title=title,
        byline=(extracted.author or None),
        dateline=match["dateline"].strip() if match else None,
        language=language,
        published_at=published_at,
        date_source=date_source,
        text=text,
        text_hash=hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest(),
        partition_date=partition_date,
    )
