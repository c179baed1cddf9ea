"""Main text and metadata of one article page, with trafilatura doing the boilerplate removal."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura

from bilat.extract.text import DATELINE
from bilat.fetch.charsets import choose_encoding
from bilat.ids import stable_id

MIN_TEXT_CHARS = 200  # shorter "articles" are index pages, paywalls or errors, not news
MIN_LETTER_SHARE = 0.5  # prose is ~80 % letters; a "text" of brackets, digits or symbols is not an article

#: Leading bytes of formats that are never a web page, whatever the Content-Type says.
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"RIFF", "a RIFF file (WebP, WAV, AVI)"), (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"), (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an ELF executable"), (b"MZ", "a Windows executable"), (b"\x00asm", "WebAssembly"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"OggS", "an Ogg stream"), (b"ID3", "an MP3 file"),
    (b"fLaC", "a FLAC file"), (b"\x00\x00\x01\x00", "an icon"), (b"wOFF", "a web font"), (b"wOF2", "a web font"),
    (b"%!PS", "a PostScript file"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
)
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\f\r")  # bytes text does not contain
_SNIFF = 8192
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_NOT_XML_CHARS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))  # lxml refuses them in a str

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
    canonical_url: str | None = None  # the URL the page names as its own


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


def declared_url(tree, url: str) -> str | None:
    """The URL a page names as its own: ``<link rel="canonical">``, else ``og:url``, resolved against the URL it
    was fetched from. None when it names none, or names only a home page (a template that gives every page the
    site's front page as canonical would otherwise make all its articles one)."""
    links = [link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()]
    metas = [meta.get("content") for meta in tree.iter("meta") if (meta.get("property") or meta.get("name") or "").lower() == "og:url"]
    for candidate in links + metas:
        try:
            absolute = urljoin(url, (candidate or "").strip())
            parts = urlsplit(absolute)
        except ValueError:  # a malformed URL (bad port, brackets) is no canonical URL
            continue
        if parts.scheme in ("http", "https") and parts.hostname and parts.path.strip("/"):
            return absolute
    return None


def not_text(body: bytes) -> str | None:
    """Why ``body`` is not a text document (a magic number, NUL or control bytes), or None if it may be."""
    for magic, kind in MAGIC_NUMBERS:
        if body.startswith(magic):
            return f"not text: the bytes are {kind}"
    if body[4:8] == b"ftyp":
        return "not text: the bytes are an MP4/QuickTime file"
    head = body[:_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM is text, NULs and all
        return None
    nuls, controls = head.count(0), sum(head.count(c) for c in _CONTROL)
    if nuls > 1 + len(head) // 1000 or controls > 1 + len(head) // 100:  # a stray NUL is tolerated, many are not
        return f"not text: {nuls} NUL and {controls - nuls} other control bytes in the first {len(head)}"
    return None


def decode_page(body: bytes) -> str:
    """The page as text, in the charset ``choose_encoding`` picks, without an XML declaration (lxml refuses
    one in a str); decoding here rather than in lxml means a lying ``<meta charset>`` cannot win."""
    text = body.decode(choose_encoding(body, None), "replace").translate(_NOT_XML_CHARS)
    return _XML_DECLARATION.sub("", text, count=1)


def article_id(url: str) -> str:
    return stable_id("article", url)


def _main_text(tree, url: str, include_tables: bool):
    # The metadata gives title, author and site name; its date is not used (bilat.parse.dates dates documents),
    # and htmldate's extensive search runs dateparser, which compiles every locale's patterns (~10 s cold).
    return trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=include_tables, favor_precision=True,
        date_extraction_params={"extensive_search": False},
    )


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
    refusal = not_text(body)
    if refusal:
        raise ParseError(refusal)
    page = decode_page(body)
    try:
        tree = lxml.html.fromstring(page)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"not parseable as HTML: {exc}") from exc
    canonical_url = declared_url(tree, url)  # before trafilatura, which prunes the tree it is given
    extracted = _main_text(tree, url, include_tables=False)
    title = (extracted.title or "").strip() if extracted else ""
    text = _body_only((extracted.text if extracted else "") or "", title)
    if len(text) < MIN_TEXT_CHARS:
        # An older site lays the whole page out in a table: with no text outside tables, the story is in one.
        # (Elsewhere tables stay out: they are data boxes and navigation, not prose.)
        extracted = _main_text(lxml.html.fromstring(page), url, include_tables=True)
        title = (extracted.title or "").strip() if extracted else ""
        text = _body_only((extracted.text if extracted else "") or "", title)
    if len(text) < MIN_TEXT_CHARS:
        raise ParseError(f"no article text found ({len(text)} characters of main text, at least {MIN_TEXT_CHARS} needed)")
    letters = sum(c.isalpha() for c in text)
    if letters < MIN_LETTER_SHARE * len(text):
        raise ParseError(f"no plausible text: {letters / len(text):.0%} of {len(text)} characters of main text are letters")
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
        canonical_url=canonical_url,
    )
