"""Resources: where the warehouse and the raw store live, and which source to read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from bilat import settings
from bilat.rawstore import RawStore
from bilat.sources.config import SourceSpec, default_sources, load_sources
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
    """Where documents come from (a sources file, $BILAT_SOURCES; empty: the bundled corpus) and where raw
    bytes are kept ($BILAT_RAW_STORE)."""

    sources_file: str = ""
    raw_store_path: str

    def specs(self) -> list[SourceSpec]:
        return load_sources(self.sources_file) if self.sources_file else default_sources()

    def raw_store(self) -> RawStore:
        return RawStore(Path(self.raw_store_path))


def default_resources(sources_file: Path | None = None) -> dict[str, dg.ConfigurableResource]:
    sources_file = sources_file or settings.sources_file()
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse_path())),
        "sources": SourcesResource(sources_file=str(sources_file or ""), raw_store_path=str(settings.raw_store_path())),
    }
