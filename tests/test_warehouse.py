from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from bilat.warehouse.load import connect, replace_partitions, to_arrow
from bilat.warehouse.schema import LATEST, TABLES, TABLES_BY_NAME, migrate


def _quantity(day: date, value: float) -> dict:
    return {"article_id": "a", "value": value, "unit": "troops", "bound": "exact", "partition_date": day}


def test_replacing_a_partition_is_idempotent_and_leaves_other_days(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    table = TABLES_BY_NAME["core.quantities"]
    with connect(path) as con:
        replace_partitions(con, date(2024, 1, 1), date(2024, 1, 2), {"core.quantities": to_arrow(table, [_quantity(date(2024, 1, 1), 1)])})
        for _ in range(2):
            replace_partitions(con, date(2024, 1, 2), date(2024, 1, 3), {"core.quantities": to_arrow(table, [_quantity(date(2024, 1, 2), 2)] * 3)})
        rows = con.execute("SELECT partition_date, count(*) FROM core.quantities GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(date(2024, 1, 1), 1), (date(2024, 1, 2), 3)]


def test_a_failed_load_rolls_back_the_whole_partition(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    table = TABLES_BY_NAME["core.quantities"]
    with connect(path) as con:
        replace_partitions(con, date(2024, 1, 1), date(2024, 1, 2), {"core.quantities": to_arrow(table, [_quantity(date(2024, 1, 1), 1)])})
        broken = pa.table({"not_a_column": [1]})
        with pytest.raises(duckdb.Error):
            replace_partitions(con, date(2024, 1, 1), date(2024, 1, 2), {
                "core.quantities": to_arrow(table, []),  # deletes the day ...
                "core.mentions": broken,  # ... then fails: the delete must not stick
            })
        assert con.execute("SELECT count(*) FROM core.quantities").fetchall() == [(1,)]


def test_migrations_are_recorded_and_document_every_column(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    with connect(path):
        pass
    with connect(path) as con:  # a second open upgrades nothing and keeps the version
        versions = con.execute("SELECT version FROM raw.schema_version").fetchall()
        undocumented = con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name IN ('raw', 'core') AND table_name <> 'schema_version' AND (comment IS NULL OR comment = '')"
        ).fetchall()
        tables = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name IN ('raw', 'core') AND comment IS NOT NULL"
        ).fetchall()[0][0]
    assert versions == [(v,) for v in range(1, LATEST + 1)]
    assert undocumented == []
    assert tables == len(TABLES)


def test_upgrading_an_old_warehouse_keeps_its_data(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        assert migrate(con, target=1) == 1  # a warehouse as version 1 left it
        con.execute("INSERT INTO core.articles (article_id, url, text, partition_date) VALUES ('a1', 'https://x.example/1', 'text', DATE '2024-01-02')")
        assert "story_id" not in [c[0] for c in con.execute("DESCRIBE core.articles").fetchall()]
    with connect(path) as con:  # opening it for writing upgrades it
        assert con.execute("SELECT max(version) FROM raw.schema_version").fetchall() == [(LATEST,)]
        assert con.execute("SELECT article_id, url FROM core.articles").fetchall() == [("a1", "https://x.example/1")]
        columns = [c[0] for c in con.execute("DESCRIBE core.articles").fetchall()]
        assert "story_id" in columns and "minhash" in columns and "simhash" not in columns  # retired by version 6
        assert con.execute("SELECT count(*) FROM raw.fetch_log").fetchall() == [(0,)]
        # version 4 re-documents what partition_date means (the collection day) on tables version 1 made
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name = 'core' AND table_name = 'articles' "
                              "AND column_name = 'partition_date'").fetchall()[0][0]
        assert comment.startswith("Collection day")
        assert "published_text" in [c[0] for c in con.execute("DESCRIBE raw.documents").fetchall()]


def test_every_load_stamps_its_days_later_than_any_stamp_before(tmp_path: Path):
    """The incremental marts go by these stamps: each (table, day) of a window, empty days included, gets the
    load's stamp, and a new stamp is later than every earlier one even when the clock says otherwise."""
    table = TABLES_BY_NAME["core.quantities"]
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, date(2024, 1, 1), date(2024, 1, 3), {"core.quantities": to_arrow(table, [_quantity(date(2024, 1, 1), 1)])})
        first = con.execute("SELECT partition_date, loaded_at FROM raw.partition_loads WHERE table_name = 'core.quantities' ORDER BY 1").fetchall()
        assert [d for d, _ in first] == [date(2024, 1, 1), date(2024, 1, 2)] and first[0][1] == first[1][1]
        con.execute("UPDATE raw.partition_loads SET loaded_at = TIMESTAMPTZ '2999-01-01 00:00:00+00' WHERE partition_date = DATE '2024-01-02'")
        replace_partitions(con, date(2024, 1, 1), date(2024, 1, 2), {"core.quantities": to_arrow(table, [])})
        again = dict(con.execute("SELECT partition_date, loaded_at FROM raw.partition_loads").fetchall())
    assert str(again[date(2024, 1, 1)]).startswith("2999-01-01 00:00:00.000001")  # after the clock's future stamp


def test_a_load_stamps_the_entities_it_adds_or_changes_and_no_others(tmp_path: Path):
    table = TABLES_BY_NAME["core.entities"]
    austin = {"entity_id": "person:austin", "kind": "person", "name": "Lloyd J. Austin III", "country_code": "USA"}
    iraq = {"entity_id": "IRQ", "kind": "country", "name": "Iraq", "country_code": "IRQ"}
    day, next_day = date(2024, 1, 1), date(2024, 1, 2)
    with connect(tmp_path / "w.duckdb") as con:
        replace_partitions(con, day, next_day, {}, {"core.entities": to_arrow(table, [austin, iraq])})
        first = dict(con.execute("SELECT entity_id, changed_at FROM raw.entity_changes").fetchall())
        replace_partitions(con, day, next_day, {}, {"core.entities": to_arrow(table, [{**austin, "name": "Lloyd Austin"}, iraq])})
        second = dict(con.execute("SELECT entity_id, changed_at FROM raw.entity_changes").fetchall())
    assert set(first) == {"person:austin", "IRQ"}
    assert second["IRQ"] == first["IRQ"] and second["person:austin"] > first["person:austin"]


def test_upgrading_stamps_the_days_already_loaded(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:
        migrate(con, target=6)
        con.execute("INSERT INTO core.articles (article_id, url, text, partition_date) VALUES ('a1', 'https://x.example/1', 'text', DATE '2024-01-02')")
    with connect(path) as con:
        assert con.execute("SELECT table_name, partition_date FROM raw.partition_loads").fetchall() == [("core.articles", date(2024, 1, 2))]
