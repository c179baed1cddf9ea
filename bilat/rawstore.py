"""Content-addressed store of raw document bodies, gzip-compressed, so every later stage can re-run offline.

Every read checks what it returns against the SHA-256 it is filed under: a blob that is missing, truncated,
not gzip or holding other bytes raises ``DamagedBlob`` with the reason, and is never returned as if it were
the document. Storing a body whose blob is damaged writes it again, so fetching a document anew heals it."""

from __future__ import annotations

import gzip
import logging
import os
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from bilat.ids import content_hash

log = logging.getLogger(__name__)


class DamagedBlob(Exception):
    """A stored body that cannot be returned as it was stored: ``reason`` says why."""

    def __init__(self, digest: str, reason: str):
        super().__init__(f"raw body {digest[:12]}… {reason}")
        self.digest, self.reason = digest, reason


class RawStore:
    """Bodies are stored once under their SHA-256: ``root/ab/cdef….gz``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.gz"

    def put(self, body: bytes) -> str:
        digest = content_hash(body)
        path = self._path(digest)
        if path.exists():
            reason = self.problem(digest)
            if reason is None:
                return digest
            log.warning("raw body %s… %s: stored again from its source", digest[:12], reason)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a crash never leaves a truncated body under its hash.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(gzip.compress(body, compresslevel=6, mtime=0))
        os.replace(tmp, path)
        return digest

    def get(self, digest: str) -> bytes:
        """The body stored under ``digest``, checked against it; ``DamagedBlob`` if it cannot be."""
        try:
            stored = self._path(digest).read_bytes()
        except FileNotFoundError:
            raise DamagedBlob(digest, "is missing from the raw store") from None
        try:
            body = gzip.decompress(stored)
        except EOFError:
            raise DamagedBlob(digest, "is truncated (the gzip stream ends early)") from None
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise DamagedBlob(digest, f"cannot be decompressed ({exc})") from None
        found = content_hash(body)
        if found != digest:
            raise DamagedBlob(digest, f"holds other bytes (their SHA-256 is {found[:12]}…)")
        return body

    def problem(self, digest: str) -> str | None:
        """Why the blob of ``digest`` cannot be read, or None when it is intact."""
        try:
            self.get(digest)
        except DamagedBlob as exc:
            return exc.reason
        return None

    def digests(self) -> Iterator[str]:
        """Every digest the store holds a blob for (intact or not)."""
        if self.root.is_dir():
            for path in sorted(self.root.glob("??/*.gz")):
                yield path.name.removesuffix(".gz")

    def __contains__(self, digest: object) -> bool:
        # Anything but a SHA-256 hex digest (None for a 304 nobody asked for) is simply not held.
        return isinstance(digest, str) and len(digest) == 64 and self._path(digest).exists()
