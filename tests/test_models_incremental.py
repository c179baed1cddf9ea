"""The incremental marts (claims, dyad_milestones, dyad_timeline) equal a full rebuild after days are loaded
again: the bundled corpus split into collection days, built, then one day collected again with pages gone and a
page edited, one day reprocessed unchanged, a new day of syndicated copies and a load that renames entities;
then an incremental `dbt run` is compared row for row with `dbt run --full-refresh`. The same comparison fails
when any of the three conditions that find the changed rows is taken out (sql/macros/incremental.sql).

The stages are called directly (no Dagster), rules-only and in one process: what is tested is the SQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from bilat import stages
from bilat.rawstore import RawStore
from bilat.settings import bundled_archive
from bilat.sources.config import ArchiveSpec
from bilat.warehouse.load import connect, replace_partitions, to_arrow
from bilat.warehouse.schema import TABLES_BY_NAME

DBT = Path(sys.executable).parent / "dbt"
PROJECT = Path(str(resources.files("bilat.sql")))
INCREMENTAL = ("claims", "dyad_milestones", "dyad_timeline")
A, B, C, D = (date(2025, 12, 28) + timedelta(days=n) for n in range(4))
COPIES = ("https://gulfchronicle.example/story/security-dialogue-syndicated",  # day D: new reports of known events
          "https://www.tigrisledger.example/security/2024/09/29/coalition-timeline-syndicated")
ORIGINALS = ("https://potomacwire.example/news/2023/08/joint-security-cooperation-dialogue",  # day C, never loaded again
             "https://gulfchronicle.example/story/coalition-mission-timeline")
EDITED = "https://potomacwire.example/news/2022/09/seven-year-aid-memorandum"  # day B, collected again changed
NEW_PARAGRAPH = ("<p>On March 3, 2021, Jordan and the United States signed a defense cooperation agreement that lets "
                 "3,000 American troops use Jordanian bases, officials in Amman said.</p>")


def _split_archive(root: Path) -> dict[date, Path]:
    """The bundled archive as four archives captured on days A-D: the syndicated copies on D, their originals on
    C, the edited page on B, the others in turn on A, B and C. Each is a full copy of the mirror whose feed and
    sitemap list its URLs."""
    others = [u for u in _listed(bundled_archive()) if u not in (*COPIES, *ORIGINALS, EDITED)]
    days = {A: others[0::3], B: [EDITED, *others[1::3]], C: [*ORIGINALS, *others[2::3]], D: list(COPIES)}
    archives = {}
    for day, listed in days.items():
        folder = root / f"archive-{day}"
        shutil.copytree(bundled_archive(), folder)
        _keep_only(folder, set(listed))
        manifest = (folder / "archive.yaml").read_text()
        assert 'captured_at: "2025-12-31T00:00:00+00:00"' in manifest
        (folder / "archive.yaml").write_text(manifest.replace("2025-12-31T", f"{day}T"))
        archives[day] = folder
    return archives


def _keep_only(folder: Path, urls: set[str]) -> None:
    for name in ("feed.xml", "sitemap.xml"):
        tree = ET.parse(folder / name)
        for parent in tree.getroot().iter():
            for child in list(parent):
                link = next((e.text for e in child if e.tag.split("}")[-1] in ("loc", "link")), None)
                if child.tag.split("}")[-1] in ("url", "item") and link not in urls:
                    parent.remove(child)
        tree.write(folder / name, xml_declaration=True, encoding="UTF-8")


def _page(folder: Path, url: str) -> Path:
    return folder / (url.split("://", 1)[1] + ".html")


def _load(con, archives: dict[date, Path], store: RawStore, day: date, *, collect: bool = True) -> None:
    specs = [ArchiveSpec(name=f"split-{d}", kind="archive", path=p) for d, p in archives.items()]
    window = (day, day + timedelta(days=1))
    if collect:
        stages.collect_raw(con, specs, store, *window)
    stages.parse_articles(con, store, *window)
    assert not stages.extract_window(con, *window).problems


def _dbt(project: Path, warehouse: Path, target: Path, *args: str) -> dict:
    """`dbt run` of the marts on a warehouse file; returns its run_results."""
    env = {**os.environ, "BILAT_WORKING_WAREHOUSE": str(warehouse)}
    done = subprocess.run([str(DBT), "run", "--project-dir", str(project), "--profiles-dir", str(project), "--target-path", str(target),
                           "--log-path", str(target / "logs"), *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return json.loads((target / "run_results.json").read_text())


def _rows(warehouse: Path) -> dict[str, list[str]]:
    """Every row of each incremental mart, every column, as text, sorted (a table's rows have no order)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {m: sorted(r for (r,) in con.execute(f"SELECT CAST(t AS VARCHAR) FROM (SELECT * FROM marts.{m}) t").fetchall())
                for m in INCREMENTAL}


def _differences(built: dict[str, list[str]], full: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for mart in INCREMENTAL:
        extra, missing = sorted(set(built[mart]) - set(full[mart])), sorted(set(full[mart]) - set(built[mart]))
        if extra or missing or len(built[mart]) != len(full[mart]):
            out[mart] = f"{len(built[mart])} rows against {len(full[mart])}; only incremental: {extra[:2]}; only full: {missing[:2]}"
    return out


@dataclass
class Reloaded:
    warehouse: Path  # built over days A-C, then loaded again as the fixture says, not built since
    built: Path  # the same, then built incrementally
    target: Path  # dbt's target folder for the project (its partial parse is reused)
    before: dict[str, list[str]]  # the marts after the first build
    incremental: dict[str, list[str]]  # the marts of the incremental build after the loads
    full: dict[str, list[str]]  # the marts of a full rebuild after the loads
    gone: list[str]  # URLs no longer listed on day B
    renamed: list[str]  # entity ids a load renamed


@pytest.fixture(scope="module")
def reloaded(tmp_path_factory):
    """A warehouse built incrementally over days A-C, then changed by loads (not yet built again)."""
    root = tmp_path_factory.mktemp("incremental")
    env = pytest.MonkeyPatch()
    for name, value in {"BILAT_NER_MODEL": "none", "BILAT_WORKERS": "1", "BILAT_HANDOFF": str(root / "handoff")}.items():
        env.setenv(name, value)
    archives, store, warehouse, target = _split_archive(root), RawStore(root / "raw"), root / "bilat.work.duckdb", root / "target"
    try:
        with connect(warehouse) as con:
            for day in (A, B, C):
                _load(con, archives, store, day)
        first = _dbt(PROJECT, warehouse, target, "--select", *(f"+{m}" for m in INCREMENTAL))  # creates them: a full build
        assert {r["unique_id"].split(".")[-1] for r in first["results"]} >= set(INCREMENTAL)
        before = _rows(warehouse)

        # day B collected again: two pages gone from its listings, one page with a new figure and a new dated event
        gone = [u for u in _listed(archives[B]) if u != EDITED][:2]
        _keep_only(archives[B], set(_listed(archives[B])) - set(gone))
        page = _page(archives[B], EDITED)
        html = page.read_text(encoding="utf-8").replace("$1.45 billion", "$1.6 billion")
        page.write_text(html.replace("</p>", "</p>" + NEW_PARAGRAPH, 1), encoding="utf-8")
        with connect(warehouse) as con:
            _load(con, archives, store, B)
            _load(con, archives, store, A, collect=False)  # reprocessed: the same rows, a new stamp
            _load(con, archives, store, D)  # a new day: new reports of events and months other days built
            renamed = _rename_speakers_of(con, C)  # a load that reads some entities differently (the last reading wins)
    finally:
        env.undo()
    built, rebuilt = root / "built.duckdb", root / "rebuilt.duckdb"
    shutil.copy(warehouse, built)
    shutil.copy(warehouse, rebuilt)
    _dbt(PROJECT, built, target, "--select", *INCREMENTAL)
    _dbt(PROJECT, rebuilt, target, "--select", *INCREMENTAL, "--full-refresh")
    return Reloaded(warehouse, built, target, before, _rows(built), _rows(rebuilt), gone, renamed)


def _listed(folder: Path) -> list[str]:
    return sorted(e.text for e in ET.parse(folder / "sitemap.xml").getroot().iter() if e.tag.endswith("loc"))


def _rename_speakers_of(con, day: date) -> list[str]:
    """Load new names for the people quoted on a day no load has touched since the first build, through the
    loader (as an extraction refreshes core.entities): only the entity stamps tell the marts. Left out: people
    quoted in a month day D covers, so that the rename alone decides whether their months are built again."""
    rows = con.execute(
        "SELECT DISTINCT e.* FROM core.entities e JOIN core.quotes q ON q.speaker_id = e.entity_id WHERE q.partition_date = ? "
        "AND e.entity_id NOT IN (SELECT q.speaker_id FROM core.quotes q JOIN staging.dyad_articles a USING (article_id) "
        "                        JOIN staging.dyad_articles d USING (actor_a, actor_b, month) WHERE d.partition_date = ? AND q.speaker_id IS NOT NULL) "
        "ORDER BY e.entity_id", [day, D]).fetchall()
    columns = [c.name for c in TABLES_BY_NAME["core.entities"].columns]
    entities = [dict(zip(columns, row), name=f"{dict(zip(columns, row))['name']} (renamed)") for row in rows]
    replace_partitions(con, day, day + timedelta(days=1), {}, {"core.entities": to_arrow(TABLES_BY_NAME["core.entities"], entities)})
    return [e["entity_id"] for e in entities]


def test_an_incremental_build_equals_a_full_rebuild_after_days_are_loaded_again(reloaded):
    assert _differences(reloaded.incremental, reloaded.full) == {}

    # the loads did change every mart, in the ways the scenario says
    assert all(reloaded.incremental[m] != reloaded.before[m] for m in INCREMENTAL)
    assert reloaded.renamed
    with duckdb.connect(str(reloaded.built), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.claims WHERE url IN (SELECT unnest(?))", [reloaded.gone]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM marts.claims WHERE claimant LIKE '% (renamed)'").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM marts.dyad_timeline, unnest(top_quotes) q(quote) WHERE quote LIKE '% (renamed):%'").fetchone()[0] > 0
        assert con.execute("SELECT sources FROM marts.dyad_milestones WHERE actor_a = 'JOR' AND actor_b = 'USA' "
                           "AND event_date = DATE '2021-03-03'").fetchall() == [(1,)]
        assert con.execute("SELECT count(*) FROM marts.dyad_milestones WHERE list_contains(partition_dates, ?) AND len(partition_dates) > 1",
                           [D]).fetchone()[0] > 0  # day D reported events other days had reported


def test_a_build_with_no_load_since_builds_nothing_and_sees_no_hand_edit(reloaded, tmp_path):
    """A build with no load since builds no row again: core rows edited by hand (no stamp) do not show, though
    every mart copies some of the columns edited; after such edits the README says to run a full refresh."""
    built = tmp_path / "bilat.work.duckdb"
    shutil.copy(reloaded.built, built)
    with duckdb.connect(str(built)) as con:
        con.execute("UPDATE core.quantities SET measures = 'edited by hand'")
        con.execute("UPDATE core.events SET description = 'edited by hand'")
        con.execute("UPDATE core.quotes SET text = 'edited by hand'")
    _dbt(PROJECT, built, reloaded.target, "--select", *INCREMENTAL)
    assert _differences(_rows(built), reloaded.full) == {}


# Each condition of forget_changed taken out in turn: the comparison above must then fail, on the marts named.
MUTATIONS = {
    "rows of a day loaded again are kept": ("       or list_has_any(t.partition_dates, (select list(day) from changed))\n", "\n",
                                            {"claims", "dyad_milestones", "dyad_timeline"}),
    "keys a new day feeds are kept": ("    where f.partition_date in (select day from changed)\n", "    where false\n",
                                      {"dyad_milestones", "dyad_timeline"}),
    "renamed entities are ignored": ("{%- if also %}", "{%- if false %}", {"claims", "dyad_timeline"}),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_comparison_fails_when_a_condition_for_building_again_is_missing(reloaded, tmp_path, mutation):
    right, wrong, failing = MUTATIONS[mutation]
    project = tmp_path / "sql"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "__pycache__"))
    macros = project / "macros" / "incremental.sql"
    text = macros.read_text()
    assert text.count(right) == 1, f"the mutation no longer applies: {right!r}"
    macros.write_text(text.replace(right, wrong))
    built = tmp_path / "built.duckdb"
    shutil.copy(reloaded.warehouse, built)
    _dbt(project, built, tmp_path / "target", "--select", *INCREMENTAL)
    assert set(_differences(_rows(built), reloaded.full)) == failing
