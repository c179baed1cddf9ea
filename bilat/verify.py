"""Data at rest: is every raw body what its hash says, does every document still have its body, can the
warehouse files be read; and putting a working file DuckDB cannot read back together.

``bilat verify`` and ``bilat repair`` are thin over this; nothing here needs Dagster."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
from filelock import FileLock

from bilat.rawstore import RawStore
from bilat.warehouse.load import LOCK_TIMEOUT_S, lock_path


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextlib.contextmanager
def _reading(path: Path, *, locked: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection; with ``locked``, under the writers' lock (the working file: no run may be
    writing it meanwhile, and DuckDB would refuse a reader beside a writer)."""
    with FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_S) if locked else contextlib.nullcontext():
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()


def database_problem(path: Path, *, locked: bool = True) -> str | None:
    """Why DuckDB cannot read the file at ``path``, or None if it can (or it does not exist yet: a new
    warehouse). Every column of every table is read, since DuckDB checks a block's checksum only when it
    reads the block: a truncated or garbled file can open and fail later, in the middle of a run."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with _reading(path, locked=locked) as con:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY ALL").fetchall()
            for schema, table in tables:
                con.execute(f'SELECT bit_xor(hash(COLUMNS(*))) FROM "{schema}"."{table}"').fetchall()
    except duckdb.Error as exc:
        return _first_line(exc)
    return None


def damaged_working_file_message(working: Path, problem: str) -> str:
    """The one line a command prints when it meets a working file DuckDB cannot read."""
    return f"the working file {working} cannot be read ({problem}): run `bilat repair` to rebuild it from the published snapshot and the raw store"


@dataclass(frozen=True)
class DamagedBody:
    digest: str
    reason: str
    documents: tuple[tuple[str, date], ...]  # (url, partition day) of each raw.documents row using it


@dataclass
class Verification:
    """What ``bilat verify`` found."""

    store: Path
    working: Path
    published: Path
    bodies: int = 0  # blobs in the raw store
    documents: int | None = None  # raw.documents rows checked (None: no readable warehouse to check them in)
    damaged: list[DamagedBody] = field(default_factory=list)
    working_problem: str | None = None
    published_problem: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.damaged or self.working_problem or self.published_problem)

    def damaged_days(self) -> list[date]:
        return sorted({day for body in self.damaged for _, day in body.documents})

    def advice(self) -> list[str]:
        """What to run, in the order to run it."""
        steps = []
        if self.working_problem:
            steps.append("`bilat repair`: rebuilds the working file from the published snapshot, then reprocesses it from the raw store")
        days = self.damaged_days()
        if days:
            steps.append(f"`bilat run --start {days[0]} --end {days[-1]}`: fetches the documents with damaged bodies again from their "
                         "sources and stores them anew; any a source no longer serves ends quarantined with the reason")
        elif self.damaged:
            steps.append("`bilat run`: a damaged body no document uses is stored again when its source next serves it")
        if self.published_problem and not self.working_problem:
            steps.append("`bilat run` (or `bilat reprocess`): publishes the snapshot again from the working file")
        return steps


def verify(store: RawStore, working: Path, published: Path) -> Verification:
    """Check every blob of the raw store against its hash, every raw.documents row for its body, and that both
    warehouse files can be read."""
    found = Verification(store=store.root, working=Path(working), published=Path(published))
    found.working_problem = database_problem(found.working)
    found.published_problem = database_problem(found.published, locked=False)
    problems = {}
    for digest in store.digests():
        found.bodies += 1
        if (reason := store.problem(digest)) is not None:
            problems[digest] = reason
    # The documents are read from the working file if it can be, else from the snapshot.
    if found.working.exists() and found.working_problem is None:
        readable = (found.working, True)
    elif found.published.exists() and found.published_problem is None:
        readable = (found.published, False)
    else:
        readable = None
    uses: dict[str, list[tuple[str, date]]] = {}
    if readable:
        with _reading(readable[0], locked=readable[1]) as con:
            if con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = 'documents'").fetchall()[0][0]:
                rows = con.execute("SELECT content_hash, url, partition_date FROM raw.documents WHERE content_hash IS NOT NULL ORDER BY url").fetchall()
                found.documents = len(rows)
                for digest, url, day in rows:
                    uses.setdefault(digest, []).append((url, day))
                    if digest not in problems and digest not in store:
                        problems[digest] = "is missing from the raw store"
    found.damaged = [DamagedBody(d, problems[d], tuple(uses.get(d, ()))) for d in sorted(problems)]
    return found


@dataclass
class Restored:
    """What ``restore_working`` did: where the unreadable files went and what the working file starts from."""

    set_aside: list[Path]
    from_snapshot: bool  # False: no readable snapshot, the working file starts empty
    snapshot_problem: str | None = None


def restore_working(working: Path, published: Path) -> Restored:
    """Move the unreadable working file (and its WAL) aside, never deleting it, and put a writable copy of the
    published snapshot in its place when the snapshot can be read."""
    working, published = Path(working), Path(published)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    snapshot_problem = database_problem(published, locked=False) if published.exists() else "there is none"
    with FileLock(str(lock_path(working)), timeout=LOCK_TIMEOUT_S):
        moved = []
        for path in (working, Path(f"{working}.wal")):
            if path.exists():
                aside = path.with_name(f"{path.name}.damaged-{stamp}")
                os.replace(path, aside)
                moved.append(aside)
        if snapshot_problem is None:
            staging = working.with_name(f".{working.name}.{os.getpid()}.tmp")
            shutil.copyfile(published, staging)
            os.chmod(staging, 0o644)  # the snapshot is read-only; the working file is written
            os.replace(staging, working)
    return Restored(moved, snapshot_problem is None, snapshot_problem)


def unfiled_bodies(store: RawStore, working: Path) -> int:
    """Bodies in the raw store that no raw.documents or raw.fetch_log row of the warehouse refers to: what a
    restored snapshot lacks (documents collected after it was published); ``bilat run`` files them again."""
    with _reading(Path(working), locked=True) as con:
        known = {d for (d,) in con.execute(
            "SELECT content_hash FROM raw.documents WHERE content_hash IS NOT NULL "
            "UNION SELECT content_hash FROM raw.fetch_log WHERE content_hash IS NOT NULL").fetchall()}
    return sum(1 for d in store.digests() if d not in known)


def document_days(working: Path) -> list[date]:
    """The days the working file has raw documents for."""
    with _reading(Path(working), locked=True) as con:
        return [d for (d,) in con.execute("SELECT DISTINCT partition_date FROM raw.documents ORDER BY 1").fetchall()]
