"""Publishing: the pipeline writes a working file; analysts read a published snapshot of it.

DuckDB lets one process write a file or many read it, not both. So runs never touch the published file: after
a successful run the working file is checkpointed and copied beside the published one, then renamed over it.
The rename is atomic, so a reader opening the file sees the old snapshot or the new one, never half a run;
a reader that already has it open keeps reading the old snapshot until it reconnects."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from filelock import FileLock

from bilat.warehouse.load import LOCK_TIMEOUT_S, lock_path


@dataclass(frozen=True)
class Published:
    path: Path
    bytes: int
    seconds: float


def working_path(published: Path) -> Path:
    """The file runs write: ``bilat.duckdb`` -> ``bilat.work.duckdb`` in the same folder."""
    published = Path(published)
    return published.with_name(f"{published.stem}.work{published.suffix}")


def publish(working: Path, published: Path) -> Published:
    """Atomically replace ``published`` with a consistent copy of ``working``."""
    began = time.perf_counter()
    working, published = Path(working), Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    # Hold the writers' lock: no run may change the working file while it is copied.
    with FileLock(str(lock_path(working)), timeout=LOCK_TIMEOUT_S):
        with duckdb.connect(str(working)) as con:
            con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
        staging = staging_path(published, os.getpid())
        try:
            shutil.copyfile(working, staging)
            os.chmod(staging, 0o444)  # a snapshot is for reading
            os.replace(staging, published)
        finally:  # interrupted or failed half-way: the old snapshot stays, and no half copy beside it
            staging.unlink(missing_ok=True)
    return Published(published, published.stat().st_size, time.perf_counter() - began)


def staging_path(published: Path, pid: int) -> Path:
    """Where process ``pid`` copies the snapshot before renaming it over the published file."""
    return published.with_name(f".{published.name}.{pid}.tmp")


def remove_stale_staging(published: Path) -> list[Path]:
    """Remove the staging copies that publishes of dead processes (killed mid-copy) left; returns them."""
    published = Path(published)
    removed = []
    for staging in published.parent.glob(f".{published.name}.*.tmp"):
        pid = staging.name[len(published.name) + 2:-len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            staging.unlink(missing_ok=True)
            removed.append(staging)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
