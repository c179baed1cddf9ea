"""Resources: where the warehouse and the raw store live, and which source to read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from bilat import settings
from bilat.rawstore import RawStore
from bilat.sources.archive import ArchiveSource
from bilat.warehouse.load import connect
from bilat.warehouse.publish import Published, publish, working_path

#: Every asset that writes the DuckDB warehouse runs in this pool (limit 1 in dagster.yaml).
WAREHOUSE_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse. ``path`` is the published snapshot analysts open ($BILAT_WAREHOUSE, default
    warehouse/bilat.duckdb); runs write the working file beside it and publish at the end."""

    path: str

    @property
    def working(self) -> Path:
        return working_path(Path(self.path))

    @contextlib.contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writing connection to the working file (taking the writers' lock)."""
        with connect(self.working) as con:
            yield con

    def publish(self) -> Published:
        return publish(self.working, Path(self.path))


class SourcesResource(dg.ConfigurableResource):
    """Where documents come from ($BILAT_ARCHIVE, default the bundled corpus) and where raw bytes are kept."""

    archive_path: str
    raw_store_path: str

    def archive(self) -> ArchiveSource:
        return ArchiveSource(Path(self.archive_path))

    def raw_store(self) -> RawStore:
        return RawStore(Path(self.raw_store_path))


def default_resources() -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse_path())),
        "sources": SourcesResource(archive_path=str(settings.archive_path()), raw_store_path=str(settings.raw_store_path())),
    }
