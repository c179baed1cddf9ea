"""The SQL models: the dbt project in sql/ (installed as bilat.sql), loaded with dagster-dbt. Each model is an
asset whose upstreams come from its ref()/source() calls; each dbt test is an asset check on its model,
blocking when its severity is error."""

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from functools import cached_property
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from filelock import FileLock
from packaging import version
from pydantic import Field

from bilat import settings
from bilat.assets.timeline_chart import dyad_timeline_metadata
from bilat.pipelines.resources import WAREHOUSE_POOL, WarehouseResource
from bilat.report import markdown_table
from bilat.warehouse.load import LOCK_TIMEOUT_S, lock_path
from bilat.warehouse.publish import working_path

#: The profile (sql/profiles.yml) reads the warehouse file dbt writes from this variable.
WAREHOUSE_ENV = "BILAT_WORKING_WAREHOUSE"
OWNERS = ["team:analytics"]  # who answers for the SQL models (the Python assets: bilat.assets.catalog)


class Dbt(DbtCliResource):
    """dbt as dagster-dbt runs it, with the dbt next to this Python (the venv's bin need not be on PATH)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        # dagster-dbt asks `dbt --version`, which looks up the newest release on PyPI (seconds; fails offline).
        return version.parse(metadata.version("dbt-core"))


def _dbt_executable() -> str:
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables for a block: dbt reads the warehouse path from its environment, which
    dagster-dbt copies from ours."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def _newer_than_manifest(project: DbtProject) -> bool:
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    ignored = {project.target_path.parts[0], "logs"}
    files = (p for p in project.project_dir.rglob("*") if p.suffix in (".sql", ".yml")
             and not ignored & set(p.relative_to(project.project_dir).parts))
    return any(p.stat().st_mtime > built for p in files)


def prepare(project: DbtProject) -> None:
    """Write the manifest (`dbt parse`, offline) when it is missing or older than the project's files: at
    `make install`, and on first use from a fresh clone. The parse sees the default working warehouse, so the
    first `bilat run` against it can reuse dbt's partial parse."""
    if not _newer_than_manifest(project):
        return
    with _environ(**{WAREHOUSE_ENV: os.environ.get(WAREHOUSE_ENV) or str(working_path(settings.warehouse_path()))}):
        Dbt(project_dir=os.fspath(project.project_dir), dbt_executable=_dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path).wait()


PROJECT = DbtProject(project_dir=Path(str(resources.files("bilat.sql"))))
prepare(PROJECT)


class Translator(DagsterDbtTranslator):
    """Asset keys, groups and tags by schema (staging/<model>, marts/<model>); column docs and types from the
    models' YAML; check descriptions from the tests' own."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["config"].get("schema")

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        return {"layer": dbt_resource_props["config"].get("schema") or "dbt"}

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        meta = dict(super().get_metadata(dbt_resource_props))
        if dbt_resource_props["resource_type"] == "model":  # schema.table, as the Python assets name theirs
            meta["dagster/table_name"] = f"{dbt_resource_props['schema']}.{dbt_resource_props['alias']}"
        return meta

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        return dg.AutomationCondition.eager()

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        test = manifest["nodes"][unique_id]
        severity = (test["config"].get("severity") or "error").lower()
        about = test.get("description") or _describe(test)
        return dg.AssetCheckSpec(
            name=spec.name, asset=spec.asset_key, additional_deps=spec.additional_deps, metadata=spec.metadata,
            blocking=spec.blocking, description=f"{about} ({'error: blocks publishing' if severity == 'error' else 'warn'})",
        )


def _describe(test: Mapping[str, Any]) -> str:
    """A sentence for a dbt test without its own description, from its kind and arguments."""
    kind = (test.get("test_metadata") or {}).get("name", test["name"])
    args = (test.get("test_metadata") or {}).get("kwargs", {})
    column = args.get("column_name")
    return {
        "not_null": f"{column} is never NULL.",
        "unique": f"{column} is unique.",
        "accepted_values": f"{column} is one of {args.get('values')}.",
        "relationships": f"every {column} is a {args.get('field')} of {str(args.get('to', '')).strip()}.",
        "unique_combination": f"one row per ({', '.join(args.get('columns', []))}).",
        "expression_is_true": f"every row has {args.get('expression')}.",
    }.get(kind, test["name"].replace("_", " ") + ".")


TRANSLATOR = Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_code_references=True))


class SqlModelsConfig(dg.Config):
    full_refresh: bool = Field(
        default=False,
        description="Rebuild the incremental marts (claims, dyad_milestones, dyad_timeline) from scratch: "
                    "`dbt build --full-refresh`. Needed only after core rows were written by hand, not by a load.")


@dbt_assets(manifest=PROJECT.manifest_path, project=PROJECT, dagster_dbt_translator=TRANSLATOR, pool=WAREHOUSE_POOL,
            name="sql_models")
def sql_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource, config: SqlModelsConfig):
    """`dbt build` of the selected models and their tests on the working warehouse, holding the writers' lock
    (DuckDB lets one process write); then each model's row count and preview. The incremental marts build only
    what the loads since the last build changed, unless the run config says full_refresh."""
    dbt = Dbt(project_dir=os.fspath(PROJECT.project_dir), dbt_executable=_dbt_executable())
    working = warehouse.working
    args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
    with FileLock(str(lock_path(working)), timeout=LOCK_TIMEOUT_S), _environ(**{WAREHOUSE_ENV: str(working)}):
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        events = list(invocation.stream())
    with warehouse.connect() as con:
        for event in events:
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
                event = event.with_metadata({**event.metadata, **_model_metadata(con, key, warehouse.path, context.run.tags)})
            yield event
    if not invocation.is_successful():
        raise invocation.get_error()


def _model_metadata(con, key: dg.AssetKey, warehouse_path: str, tags: dict[str, str]) -> dict[str, dg.MetadataValue]:
    table = ".".join(key.path)
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    sample = con.sql(f"SELECT * FROM {table} LIMIT 10").to_arrow_table().to_pylist()
    metadata = {"dagster/row_count": dg.MetadataValue.int(rows), "preview": dg.MetadataValue.md(markdown_table(sample))}
    if table == "marts.dyad_timeline" and rows:
        # One dyad's chart and months instead of the first rows: the preview an analyst reads.
        metadata.update(dyad_timeline_metadata(con, warehouse_path, tags))
    return metadata


MART_KEYS = [key for key in sql_models.keys if key.path[0] == "marts"]
sql_model_assets = [sql_models]
