"""Idempotent loads: a partition's rows are replaced in one transaction, so re-running never duplicates."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
from filelock import FileLock

from bilat.warehouse.schema import TABLES_BY_NAME, Table, migrate

LOCK_TIMEOUT_S = 600


def lock_path(database: Path) -> Path:
    return Path(f"{database}.lock")


@contextlib.contextmanager
def connect(database: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse. Writers take a file lock beside it first, so writers inside and outside Dagster
    queue up instead of failing on DuckDB's one-writer lock; the schema is migrated on every write open."""
    database = Path(database)
    if read_only:
        con = duckdb.connect(str(database), read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(database)), timeout=LOCK_TIMEOUT_S):
        con = duckdb.connect(str(database))
        try:
            migrate(con)
            yield con
        finally:
            con.close()


def to_arrow(table: Table, rows: Sequence[Mapping | object]) -> pa.Table:
    """Rows (dicts or dataclasses) as an Arrow table in the table's column order and types."""
    schema = table.arrow_schema()
    records = [asdict(r) if is_dataclass(r) else dict(r) for r in rows]
    return pa.Table.from_pylist([{name: rec.get(name) for name in schema.names} for rec in records], schema=schema)


def replace_partitions(
    con: duckdb.DuckDBPyConnection, start: date, end: date, tables: Mapping[str, pa.Table | str],
    refreshed: Mapping[str, pa.Table | str] | None = None,
) -> dict[str, int]:
    """Delete the rows of [start, end) from each table of ``tables`` and insert the new ones, and add or
    replace by primary key the rows of ``refreshed`` (tables not partitioned by day), all in one transaction.
    New rows are an Arrow table or the text of a query (over the handoff store's Parquet files, say) with the
    table's columns by name.

    Each day of the window is stamped in raw.partition_loads for each table, and each entity the load adds or
    changes in raw.entity_changes: that is how the incremental SQL models (sql/macros/incremental.sql) know
    what to build again."""
    counts = {}
    con.execute("BEGIN")
    try:
        stamp = _stamp(con)
        for name, source in tables.items():
            con.execute(f"DELETE FROM {name} WHERE partition_date >= ? AND partition_date < ?", [start, end])
            counts[name] = _insert(con, f"INSERT INTO {name}", TABLES_BY_NAME[name], source)
            con.execute("INSERT OR REPLACE INTO raw.partition_loads SELECT ?, range::DATE, ? FROM range(?::DATE, ?::DATE, INTERVAL 1 DAY)",
                        [name, stamp, start, end])
        for name, source in (refreshed or {}).items():
            if name == "core.entities":
                _stamp_entity_changes(con, source, stamp)
            counts[name] = _insert(con, f"INSERT OR REPLACE INTO {name}", TABLES_BY_NAME[name], source)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts


def _stamp(con: duckdb.DuckDBPyConnection):
    """This load's stamp: now, or just after the latest stamp if the clock says otherwise. Stamps only grow, so
    the models can tell "loaded since this row was built" by comparing them."""
    return con.execute(
        "SELECT greatest(now(), (SELECT max(loaded_at) FROM raw.partition_loads) + INTERVAL 1 MICROSECOND, "
        "(SELECT max(changed_at) FROM raw.entity_changes) + INTERVAL 1 MICROSECOND)").fetchall()[0][0]


def _stamp_entity_changes(con: duckdb.DuckDBPyConnection, source: pa.Table | str, stamp) -> None:
    """Stamp the entities whose incoming row is new or differs from the stored one (before it is replaced)."""
    columns = ", ".join(TABLES_BY_NAME["core.entities"].arrow_schema().names)
    incoming = f"({source})" if isinstance(source, str) else "incoming_entities"
    if not isinstance(source, str):
        con.register("incoming_entities", source)
    try:
        con.execute(f"INSERT OR REPLACE INTO raw.entity_changes SELECT DISTINCT entity_id, ? FROM "
                    f"(SELECT {columns} FROM {incoming} EXCEPT SELECT {columns} FROM core.entities)", [stamp])
    finally:
        if not isinstance(source, str):
            con.unregister("incoming_entities")


def _insert(con: duckdb.DuckDBPyConnection, verb: str, table: Table, source: pa.Table | str) -> int:
    columns = ", ".join(table.arrow_schema().names)
    if isinstance(source, str):
        [(written,)] = con.execute(f"{verb} ({columns}) SELECT {columns} FROM ({source})").fetchall()
        return written
    con.register("incoming_batch", source)
    try:
        con.execute(f"{verb} ({columns}) SELECT {columns} FROM incoming_batch")
    finally:
        con.unregister("incoming_batch")
    return source.num_rows


def upsert(con: duckdb.DuckDBPyConnection, name: str, batch: pa.Table) -> int:
    """Insert rows whose key is new and update those whose key exists (deduplicated first: DuckDB keeps only
    the first of duplicate keys within one INSERT OR REPLACE)."""
    table = TABLES_BY_NAME[name]
    key = ", ".join(table.primary_key)
    con.register("incoming_batch", batch)
    con.execute(
        f"INSERT OR REPLACE INTO {name} SELECT * FROM (SELECT DISTINCT ON ({key}) * FROM incoming_batch ORDER BY {key})"
    )
    con.unregister("incoming_batch")
    return batch.num_rows


def append(con: duckdb.DuckDBPyConnection, name: str, batch: pa.Table) -> int:
    """Add rows to an append-only table (a log)."""
    con.register("incoming_batch", batch)
    con.execute(f"INSERT INTO {name} ({', '.join(batch.column_names)}) SELECT * FROM incoming_batch")
    con.unregister("incoming_batch")
    return batch.num_rows


def upsert_listings(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> int:
    """Record what listings list now: one row per source and canonical URL. New URLs are added; known ones keep
    the day bilat first saw them. Every other URL listed with the same canonical form (a tracking-parameter,
    AMP or mobile variant) is kept in ``variants``, so that collecting can account for it as a duplicate."""
    con.register("incoming_batch", batch)
    con.execute(
        # the URL kept is the canonical one when it was listed as such, else the first in sort order
        "INSERT INTO raw.listings BY NAME "
        "WITH firsts AS (SELECT DISTINCT ON (source, canonical_url) * EXCLUDE (variants) FROM incoming_batch "
        "                ORDER BY source, canonical_url, url <> canonical_url, url), "
        "     listed AS (SELECT source, canonical_url, list(DISTINCT url ORDER BY url) AS urls FROM incoming_batch GROUP BY ALL) "
        "SELECT f.*, list_filter(l.urls, lambda u: u <> f.url) AS variants FROM firsts f JOIN listed l USING (source, canonical_url) "
        "ON CONFLICT (source, canonical_url) DO UPDATE SET url = excluded.url, listed_at = excluded.listed_at, "
        "title = excluded.title, last_seen_at = excluded.last_seen_at, "
        # variants seen before stay: raw.listings holds every URL ever listed
        "variants = list_sort(list_filter(list_distinct(list_concat(coalesce(raw.listings.variants, []), [raw.listings.url], excluded.variants)), "
        "                                 lambda u: u <> excluded.url))"
    )
    con.unregister("incoming_batch")
    return batch.num_rows


def read_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence = ()) -> list[dict]:
    """Query results as dicts (via Arrow)."""
    return con.sql(sql, params=list(params)).to_arrow_table().to_pylist()
