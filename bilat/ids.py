"""Deterministic identifiers: the same input always yields the same id, so re-runs give the same keys."""

from __future__ import annotations

import hashlib
import re
import unicodedata


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex digest of the parts, joined with a separator that cannot occur in them by accident."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: 'Lloyd J. Austin III' -> 'lloyd-j-austin-iii'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
