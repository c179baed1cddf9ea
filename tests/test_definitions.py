"""The code location as the catalog shows it: every dbt model an asset wired from its ref()/source() calls and
checked by its dbt tests, and every asset with its column schema, table name, owners and code reference."""

import json
import re
from pathlib import Path

import dagster as dg

from bilat.assets.models import PROJECT, sql_models
from bilat.pipelines.definitions import defs

SQL = Path(__file__).resolve().parents[1] / "sql" / "models"
MODELS = sorted(SQL.glob("*/*.sql"))


def _graph():
    return defs.resolve_asset_graph()


def test_every_sql_file_is_an_asset_whose_upstreams_are_its_refs_and_sources():
    graph = _graph()
    assert len(MODELS) >= 10
    for path in MODELS:
        sql = path.read_text(encoding="utf-8")
        refs = {("staging", name) for name in re.findall(r"ref\('(\w+)'\)", sql)}
        sources = set(re.findall(r"source\('(\w+)', '(\w+)'\)", sql))
        key = dg.AssetKey([path.parent.name, path.stem])
        assert {tuple(k.path) for k in graph.get(key).parent_keys} == refs | sources, key


def test_every_model_has_dbt_tests_as_checks_with_both_severities():
    manifest = json.loads(PROJECT.manifest_path.read_text(encoding="utf-8"))
    checks: dict[dg.AssetKey, list[dg.AssetCheckSpec]] = {}
    for spec in sql_models.check_specs:
        checks.setdefault(spec.asset_key, []).append(spec)
    for path in MODELS:
        key = dg.AssetKey([path.parent.name, path.stem])
        assert checks.get(key), f"{key.to_user_string()} has no dbt tests"
        assert all(s.description for s in checks[key]), key
    specs = [s for group in checks.values() for s in group]
    kinds = {manifest["nodes"][s.metadata["dagster_dbt/unique_id"]]["test_metadata"]["name"] for s in specs}
    assert {"unique", "not_null", "relationships", "accepted_values"} <= kinds
    warn = [s for s in specs if not s.blocking]
    assert warn and all("warn" in s.description for s in warn)  # warn: reported, never blocking
    assert any(s.blocking and s.asset_key.path[0] == "marts" for s in specs)  # error: blocks publishing
    assert _graph().asset_check_keys >= {s.key for s in specs}


def test_every_asset_has_its_column_schema_table_owners_and_code():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        schema = node.metadata.get("dagster/column_schema")
        assert schema is not None and schema.columns, f"{key.to_user_string()} has no column schema"
        assert all(c.description for c in schema.columns), f"{key.to_user_string()} has undocumented columns"
        assert all(c.type not in ("", "?") for c in schema.columns), f"{key.to_user_string()} has untyped columns"
        assert node.owners and node.tags.get("layer"), key
        assert node.metadata.get("dagster/code_references"), key
        if key != dg.AssetKey("published_warehouse"):
            assert node.metadata["dagster/table_name"] == ".".join(key.path)


def test_the_sql_models_take_a_full_refresh_in_their_run_config():
    """The Dagster way to `dbt build --full-refresh`: ops: {sql_models: {config: {full_refresh: true}}}."""
    field = sql_models.op.config_schema.config_type.fields["full_refresh"]
    assert field.default_value is False and "full-refresh" in field.description
    job = defs.get_job_def("ingest_to_marts")
    assert job.run_config_schema.config_type.fields["ops"].config_type.fields["sql_models"] is not None
