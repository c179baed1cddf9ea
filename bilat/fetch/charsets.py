"""Which charset a body is in: BOM, Content-Type, the document's own declaration, else detected.

Used by the fetcher (to record the charset) and by parsing (to decode the page before lxml sees it, so a
``<meta>`` that lies cannot turn UTF-8 into mojibake).
"""

from __future__ import annotations

import codecs
import re

try:  # declared by bilat; optional here only so that a broken install still decodes with the fallbacks
    import charset_normalizer
except ImportError:  # pragma: no cover - depends on the environment
    charset_normalizer = None

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""")
_SNIFF_BYTES = 4096  # where <meta charset> and the XML declaration are looked for


def _decodes_as(name: str | None, body: bytes) -> str | None:
    """The canonical codec name if ``body`` decodes strictly with ``name``, else None (unknown name or lie)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
        body.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None
    return codec


def declared_in_document(body: bytes) -> str | None:
    """The charset named by an XML declaration or an HTML <meta> near the start of the document."""
    head = body[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def detect_encoding(body: bytes) -> str:
    """Best guess for undeclared or mis-declared bytes.

    UTF-8 first (strict UTF-8 decoding of non-UTF-8 text almost always fails). Then charset-normalizer when
    installed; among its near-equal candidates windows-1252 is preferred, because short Western European text
    is otherwise often labelled Baltic or Central European, while cp1252 is by far the commonest legacy web
    charset. Without charset-normalizer: cp1252, else latin-1 (which decodes anything).
    """
    if _decodes_as("utf-8", body):
        return "utf-8"
    if charset_normalizer is not None:
        matches = charset_normalizer.from_bytes(body)
        best = matches.best()
        if best is not None:
            close = [m for m in matches if m.chaos <= best.chaos + 0.1]
            if any("cp1252" in m.could_be_from_charset for m in close) and _decodes_as("cp1252", body):
                return "cp1252"
            return codecs.lookup(best.encoding).name
    return _decodes_as("cp1252", body) or "latin-1"


def _single_byte(codec: str) -> bool:
    """True for codecs that map every byte to one character (latin-1, cp1252, koi8-r...), not UTF-8."""
    if codec == "utf-8":
        return False
    try:
        return len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 0x80
    except LookupError:
        return False


def choose_encoding(body: bytes, content_type: str | None) -> str:
    """The body's charset: BOM, else Content-Type's charset, else the document's own declaration, else detected.

    A declaration that cannot decode the bytes (a lying header or meta tag) is skipped. A single-byte
    declaration decodes anything, so it cannot be caught lying that way: when the bytes are valid UTF-8 with
    multi-byte sequences, they are UTF-8 (mojibake like "CafÃ©" is what the label would give), as browsers'
    sniffing and charset-normalizer would have it.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    header = _CHARSET_PARAM.search(content_type or "")
    multibyte_utf8 = not body.isascii() and _decodes_as("utf-8", body) is not None
    for declared in (header.group(1) if header else None, declared_in_document(body)):
        usable = _decodes_as(declared, body)
        if usable:
            return "utf-8" if multibyte_utf8 and _single_byte(usable) else usable
    return detect_encoding(body)
