"""Content-addressed store of raw document bodies, gzip-compressed, so every later stage can re-run offline."""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path

from bilat.ids import content_hash


class RawStore:
    """Bodies are stored once under their SHA-256: ``root/ab/cdef….gz``."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.gz"

    def put(self, body: bytes) -> str:
        digest = content_hash(body)
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write to a temporary file and rename, so a crash never leaves a truncated body under its hash.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(gzip.compress(body, compresslevel=6, mtime=0))
            os.replace(tmp, path)
        return digest

    def get(self, digest: str) -> bytes:
        return gzip.decompress(self._path(digest).read_bytes())

    def __contains__(self, digest: object) -> bool:
        # Anything but a SHA-256 hex digest (None for a 304 nobody asked for) is simply not held.
        return isinstance(digest, str) and len(digest) == 64 and self._path(digest).exists()
