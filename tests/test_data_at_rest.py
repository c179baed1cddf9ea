"""Data at rest damaged on purpose: raw bodies swapped, truncated and deleted; the working file truncated and
garbled. Each ends with a clear message, a run that goes on, and after the repair step a warehouse equal to a
clean run's."""

from __future__ import annotations

import gzip
import os
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bilat.pipelines.resources import SourcesResource, WarehouseResource
from bilat.pipelines.runs import reprocess, run_all
from bilat.rawstore import DamagedBlob, RawStore
from bilat.verify import database_problem, document_days, restore_working, unfiled_bodies, verify
from bilat.warehouse.publish import working_path

BIN = Path(sys.executable).parent
JANUARY_2020 = (date(2020, 1, 1), date(2020, 1, 7))  # three documents published then, each damaged differently
CAPTURED = date(2025, 12, 31)  # the bundled archive's capture day: the one collection day (partition) of its documents


# ------------------------------------------------------------------------------------------------ helpers
def _copy_of(bundled_run, root: Path) -> dict:
    """The bundled run's warehouse files and raw store, copied, as resources (the bundled corpus as source)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(bundled_run.working, working_path(root / "bilat.duckdb"))
    shutil.copy(bundled_run.warehouse, root / "bilat.duckdb")
    shutil.copytree(bundled_run.resources["sources"].raw_store_path, root / "raw")
    return {"warehouse": WarehouseResource(path=str(root / "bilat.duckdb")), "sources": SourcesResource(raw_store_path=str(root / "raw"))}


def _blob(store: RawStore, digest: str) -> Path:
    return store.root / digest[:2] / f"{digest}.gz"


def _documents(path: Path, start: date, end: date) -> list[tuple[str, str, date]]:
    """The documents published in [start, end], earliest first: (doc_id, content hash, collection day)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT doc_id, content_hash, partition_date FROM raw.documents WHERE published_at::date BETWEEN ? AND ? "
                           "ORDER BY published_at, doc_id", [start, end]).fetchall()


def _differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """Per table, the rows of ``a`` not in ``b`` and of ``b`` not in ``a`` (as multisets); empty when the two
    warehouses hold the same tables with the same rows."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    tables = lambda db: {f'"{s}"."{t}"' for s, t in con.execute(  # noqa: E731
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [db]).fetchall()}
    assert tables("a") == tables("b")
    # when each load ran (raw.partition_loads, raw.entity_changes and the incremental marts keep it) is not what was loaded
    stamps = {"loaded_at", "changed_at"}

    def missing(x: str, y: str, t: str) -> int:
        columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{x}.{t}')").fetchall() if c not in stamps]
        select = ", ".join(f'"{c}"' for c in columns)
        return con.execute(f"SELECT count(*) FROM (SELECT {select} FROM {x}.{t} EXCEPT ALL SELECT {select} FROM {y}.{t})").fetchall()[0][0]

    found = {t: (missing("a", "b", t), missing("b", "a", t)) for t in sorted(tables("a"))}
    con.close()
    return {t: d for t, d in found.items() if d != (0, 0)}


def _garble_a_block_of(path: Path, table: str) -> None:
    """Overwrite a data block holding ``table`` with random bytes, leaving the headers intact: the file still
    opens; reading that table fails."""
    with duckdb.connect(str(path), read_only=True) as con:
        block = con.execute(f"SELECT min(block_id) FROM pragma_storage_info('{table}') WHERE block_id >= 0").fetchall()[0][0]
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchall()[0][0]
    with open(path, "r+b") as handle:
        handle.seek(3 * 4096 + block * size + 64)  # past the file's three 4 KiB headers, into the block
        handle.write(random.Random(14).randbytes(4096))


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _bilat(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BILAT_WAREHOUSE": str(root / "bilat.duckdb"), "COLUMNS": "200"}
    env.pop("DAGSTER_HOME", None)
    env.pop("BILAT_RAW_STORE", None)
    return subprocess.run([str(BIN / "bilat"), *args], env=env, cwd=root, capture_output=True, text=True, timeout=600)


# ---------------------------------------------------------------------------------------------- raw store
def test_the_raw_store_refuses_to_return_a_swapped_truncated_deleted_or_garbled_body(tmp_path):
    store = RawStore(tmp_path / "raw")
    one, other = b"<html>one document</html>" * 50, b"<html>another document</html>" * 50
    digest = store.put(one)
    assert store.get(digest) == one and store.problem(digest) is None
    path = _blob(store, digest)
    cases = {
        "holds other bytes": lambda: path.write_bytes(gzip.compress(other)),
        "is truncated": lambda: path.write_bytes(gzip.compress(one)[:40]),
        "cannot be decompressed": lambda: path.write_bytes(b"\x1f\x8b" + bytes(range(200))),
        "is missing": lambda: path.unlink(),
    }
    for reason, damage in cases.items():
        store.put(one)  # intact again
        damage()
        with pytest.raises(DamagedBlob) as raised:
            store.get(digest)
        assert reason in raised.value.reason and digest[:12] in str(raised.value)
        assert reason in store.problem(digest)
    # Storing the body again (its source served it anew) heals the blob; an intact one is not rewritten.
    path.write_bytes(gzip.compress(other))
    assert store.put(one) == digest and store.get(digest) == one
    before = path.stat().st_mtime_ns
    store.put(one)
    assert path.stat().st_mtime_ns == before


def test_damaged_bodies_are_quarantined_with_their_reason_then_fetched_again_and_the_warehouse_equals_a_clean_runs(bundled_run, tmp_path):
    resources = _copy_of(bundled_run, tmp_path / "w")
    warehouse, store = resources["warehouse"], resources["sources"].raw_store()
    (swapped, swapped_hash, _), (truncated, truncated_hash, _), (deleted, deleted_hash, _) = _documents(warehouse.working, *JANUARY_2020)
    other_hash = _documents(warehouse.working, date(2019, 1, 1), date(2019, 12, 31))[0][1]
    shutil.copy(_blob(store, other_hash), _blob(store, swapped_hash))  # same name, another document's bytes
    _truncate(_blob(store, truncated_hash))
    _blob(store, deleted_hash).unlink()

    found = verify(store, warehouse.working, Path(warehouse.path))
    assert {b.digest: b.reason.split(" (")[0] for b in found.damaged} == {
        swapped_hash: "holds other bytes", truncated_hash: "is truncated", deleted_hash: "is missing from the raw store"}
    assert found.damaged_days() == [CAPTURED]
    assert any("bilat run --start 2025-12-31 --end 2025-12-31" in step for step in found.advice())

    with dg.instance_for_test() as instance:
        # Offline (the raw store only): the run goes on; the three documents are quarantined, saying why.
        report, changes = reprocess(instance, resources, CAPTURED, CAPTURED)
        assert report.success, report.failures
        with duckdb.connect(str(warehouse.working), read_only=True) as con:
            outcomes = dict(con.execute("SELECT doc_id, outcome || ': ' || reason FROM core.document_outcomes "
                                        "WHERE doc_id IN (?, ?, ?)", [swapped, truncated, deleted]).fetchall())
            articles = con.execute("SELECT count(*) FROM core.articles WHERE doc_id IN (?, ?, ?)", [swapped, truncated, deleted]).fetchall()
        assert "quarantined: raw body" in outcomes[swapped] and "holds other bytes" in outcomes[swapped]
        assert "is truncated" in outcomes[truncated] and "is missing" in outcomes[deleted]
        assert articles == [(0,)]  # never another document's text under this one's id
        assert changes["core.articles"].removed == 3

        # A run reads the source again: the bodies are stored anew, parsed, and nothing differs from a clean run.
        # (Every day, as `bilat run` does: re-running only some days already differs from a clean run, damage or
        # not, in entity display names and the order of tied milestones.)
        report = run_all(instance, resources)
        assert report.success, report.failures
    assert verify(store, warehouse.working, Path(warehouse.path)).ok
    assert _differences(bundled_run.warehouse, Path(warehouse.path)) == {}


# ------------------------------------------------------------------------------------------- working file
def test_a_truncated_or_garbled_working_file_is_told_apart_from_an_intact_one(bundled_run, tmp_path):
    assert database_problem(bundled_run.working) is None
    assert database_problem(tmp_path / "none.duckdb") is None  # not there yet: a new warehouse
    truncated, garbled = tmp_path / "truncated.duckdb", tmp_path / "garbled.duckdb"
    for path in (truncated, garbled):
        shutil.copy(bundled_run.working, path)
    _truncate(truncated)
    _garble_a_block_of(garbled, "core.articles")
    for path in (truncated, garbled):
        duckdb.connect(str(path), read_only=True).close()  # both still open: only reading every block tells
    assert "Could not read enough bytes" in database_problem(truncated)
    assert "checksum" in database_problem(garbled)


@pytest.mark.parametrize("damage", [_truncate, lambda p: _garble_a_block_of(p, "core.articles")], ids=["truncated", "garbled"])
def test_run_and_reprocess_meet_a_damaged_working_file_with_one_line_saying_what_to_run(bundled_run, tmp_path, damage):
    _copy_of(bundled_run, tmp_path)
    damage(working_path(tmp_path / "bilat.duckdb"))
    for command in (["run"], ["reprocess", "--start", "2020-01-01", "--end", "2020-01-31"]):
        result = _bilat(tmp_path, *command)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "bilat.work.duckdb cannot be read" in lines[0] and "run `bilat repair`" in lines[0]


def test_bilat_verify_and_repair_rebuild_a_garbled_working_file_equal_to_a_clean_run(bundled_run, tmp_path):
    _copy_of(bundled_run, tmp_path)
    working = working_path(tmp_path / "bilat.duckdb")
    _garble_a_block_of(working, "core.articles")
    damaged = working.read_bytes()

    checked = _bilat(tmp_path, "verify")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "working file" in checked.stdout and "checksum" in checked.stdout and "`bilat repair`" in checked.stdout
    assert "raw store" in checked.stdout and "0 damaged" in checked.stdout

    repaired = _bilat(tmp_path, "repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "restored" in repaired.stdout and "reprocessed 1 collection day" in repaired.stdout
    kept = list(tmp_path.glob("bilat.work.duckdb.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # set aside, not deleted

    assert _bilat(tmp_path, "verify").returncode == 0
    assert _differences(bundled_run.warehouse, working) == {}
    assert _differences(bundled_run.warehouse, tmp_path / "bilat.duckdb") == {}
    again = _bilat(tmp_path, "repair")
    assert again.returncode == 0 and "nothing to repair" in again.stdout


def test_a_snapshot_older_than_the_raw_store_is_restored_and_what_it_lacks_is_counted(bundled_run, tmp_path):
    """The snapshot lags the raw store (documents collected after it was published): restoring it says how
    many bodies it does not know, for `bilat run` to file again."""
    resources = _copy_of(bundled_run, tmp_path)
    published = Path(resources["warehouse"].path)
    published.chmod(0o644)
    with duckdb.connect(str(published)) as con:
        # what the snapshot lacks: the documents published in 2025 and the undated ones
        con.execute("DELETE FROM raw.documents WHERE coalesce(published_at::date, DATE '2025-12-31') >= DATE '2025-01-01'")
    published.chmod(0o444)
    working = resources["warehouse"].working
    _truncate(working)

    restored = restore_working(working, published)
    assert restored.from_snapshot and len(restored.set_aside) == 1
    assert database_problem(working) is None
    assert document_days(working) == [CAPTURED]
    assert unfiled_bodies(resources["sources"].raw_store(), working) == 4


def test_a_web_page_whose_stored_body_is_damaged_is_fetched_whole_again_not_answered_from_the_store(tmp_path):
    """Its validators would get a 304 and the damaged copy: bilat asks for the whole page instead."""
    from bilat.settings import bundled_archive
    from tests.httpserver import Reply, TestServer
    from tests.test_web_sources import PAGES, _conditional

    path, (file, _) = next(iter(PAGES.items()))
    body = (bundled_archive() / file).read_bytes()
    with TestServer() as server, dg.instance_for_test() as instance:
        server.route("/robots.txt", Reply(body=b"", content_type="text/plain"))
        server.route(path, _conditional(body, '"v1"'))
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{name: picked, kind: urls, urls: ['{server.url(path)}'], allow_hosts: [127.0.0.1], rate_per_second: 50}}\n")
        resources = {"warehouse": WarehouseResource(path=str(tmp_path / "bilat.duckdb")),
                     "sources": SourcesResource(sources_file=str(sources), raw_store_path=str(tmp_path / "raw"))}
        assert run_all(instance, resources).success
        store = resources["sources"].raw_store()
        (digest,) = store.digests()
        _truncate(_blob(store, digest))

        report = run_all(instance, resources)
        assert report.success, report.failures
        pages = [seen for seen in server.requests if seen.path == path]
        assert [seen.status for seen in pages] == [200, 200] and "if-none-match" not in pages[1].headers
    assert store.get(digest) == body
    with duckdb.connect(str(tmp_path / "bilat.duckdb"), read_only=True) as con:
        assert con.execute("SELECT outcome FROM core.document_outcomes").fetchall() == [("parsed",)]
