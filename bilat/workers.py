"""Where the tasks of a window run: in this process, in a pool of worker processes, or on a Dask cluster.

Parsing and extraction are pure functions of a batch of documents, so a window is cut into batches and each
batch is one task. A task never writes the warehouse (DuckDB has one writer): it leaves its rows as Parquet
files in the handoff store (a folder, or object storage through fsspec) and returns what the loader needs to
decide in order; the stage, in the calling process, loads the files in one transaction.

Results come back in batch order and at most a few tasks per worker are in flight, so the calling process
holds a bounded number of batches whatever the size of the window.

Local workers are forked from a clean server process (multiprocessing's "forkserver"), so, as with any use of
multiprocessing, a script that calls the stages must guard its entry point (``if __name__ == "__main__":``).
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from bilat import settings

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: workers never wait for the caller


@dataclass(frozen=True)
class Engine:
    """How tasks run: ``workers`` local processes (1: in this process), or the Dask scheduler at ``cluster``."""

    workers: int = 1
    cluster: str | None = None
    batch_size: int = settings.BATCH_SIZE

    @classmethod
    def configured(cls) -> "Engine":
        return cls(settings.worker_count(), settings.cluster_address(), settings.batch_size())

    def describe(self) -> str:
        return f"dask cluster {self.cluster}" if self.cluster else f"{self.workers} worker process(es)" if self.workers > 1 else "in process"

    def map(self, task: Callable, batches: Iterable[tuple], batches_hint: int | None = None) -> Iterator:
        """``task(*batch)`` for each batch, results in batch order. A window of one batch (``batches_hint``)
        runs here: starting workers would cost more than it saves."""
        if self.cluster:
            client = _dask_client(self.cluster)
            return _ordered(lambda args: client.submit(task, *args, pure=False), batches,
                            IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info(n_workers=-1)["workers"])))
        if self.workers <= 1 or (batches_hint is not None and batches_hint <= 1):
            return (task(*args) for args in batches)
        pool = _process_pool(self.workers)
        return _ordered(lambda args: pool.submit(task, *args), batches, IN_FLIGHT_PER_WORKER * self.workers)


def _ordered(submit: Callable, batches: Iterable[tuple], limit: int) -> Iterator:
    pending: deque = deque()
    for args in batches:
        pending.append(submit(args))
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@functools.cache
def _process_pool(workers: int) -> ProcessPoolExecutor:
    # forkserver, not fork: the caller holds DuckDB connections and Dagster's threads, which a forked child must
    # not inherit. The server imports the readers once; each worker forked from it starts warm.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bilat.tasks"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    atexit.register(pool.shutdown, cancel_futures=True)
    return pool


@functools.cache
def _dask_client(address: str):
    from distributed import Client  # only a cluster run needs it

    client = Client(address, set_as_default=False, timeout="30s")
    atexit.register(client.close)
    return client


# ---------------------------------------------------------------------------------------------- handoff store
@dataclass(frozen=True)
class Handoff:
    """One stage's folder in the handoff store: ``<store>/<label>-<uuid>/<table>/<batch>.parquet``."""

    url: str

    @classmethod
    def new(cls, label: str, store: str | None = None) -> "Handoff":
        return cls(f"{(store or settings.handoff_store()).rstrip('/')}/{label}-{uuid.uuid4().hex[:12]}")

    @property
    def fs(self) -> fsspec.AbstractFileSystem:
        return fsspec.core.url_to_fs(self.url)[0]

    def write(self, table: str, batch_number: int, rows: pa.Table) -> str:
        fs, root = fsspec.core.url_to_fs(self.url)
        path = f"{root}/{table}/{batch_number:07d}.parquet"
        fs.makedirs(f"{root}/{table}", exist_ok=True)
        with fs.open(path, "wb") as handle:
            pq.write_table(rows, handle)
        return path

    def files(self, table: str) -> list[str]:
        """The table's files, in batch order, as URLs DuckDB can read (the store's filesystem is registered)."""
        fs, root = fsspec.core.url_to_fs(self.url)
        found = sorted(fs.glob(f"{root}/{table}/*.parquet"))
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        return found if protocol in ("file", "local") else [f"{protocol}://{p}" for p in found]

    def register(self, con) -> None:
        """Let DuckDB read the store's files where it is not a local folder."""
        fs = self.fs
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        if protocol not in ("file", "local"):
            con.register_filesystem(fs)

    def remove(self) -> None:
        fs, root = fsspec.core.url_to_fs(self.url)
        if fs.exists(root):
            fs.rm(root, recursive=True)
