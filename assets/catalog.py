"""What the catalog shows for the Python assets: each table's columns (from bilat.warehouse.schema, the same
definitions the DDL and COMMENT ON are made from), its table name, owners, a layer tag and where its code is.
The SQL models get the same from their dbt YAML (bilat.assets.models)."""

from collections.abc import Sequence

import dagster as dg

from bilat.warehouse.schema import TABLES, TABLES_BY_NAME

#: Who answers for each layer (a team or an e-mail address; edit to suit who runs bilat).
OWNERS = {"raw": ["team:ingest"], "core": ["team:extraction"], "publish": ["team:analytics"]}


def table_schema(qualified: str) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(c.name, c.type, description=c.comment) for c in TABLES_BY_NAME[qualified].columns])


def catalogued(assets: Sequence[dg.AssetsDefinition], models: Sequence[dg.AssetSpec]) -> list[dg.AssetsDefinition]:
    """The Python assets with their column schema, table name, owners, layer tag and a link to their code;
    ``models`` are the SQL models' specs, for the published snapshot's list of tables."""

    def describe(spec: dg.AssetSpec) -> dg.AssetSpec:
        if spec.key == dg.AssetKey("published_warehouse"):
            return spec.merge_attributes(metadata={"dagster/column_schema": snapshot_schema(models)},
                                         owners=OWNERS["publish"], tags={"layer": "publish"})
        table, layer = ".".join(spec.key.path), spec.key.path[0]
        return spec.merge_attributes(metadata={"dagster/column_schema": table_schema(table), "dagster/table_name": table},
                                     owners=OWNERS[layer], tags={"layer": layer})

    return list(dg.with_source_code_references(dg.map_asset_specs(describe, assets)))


def snapshot_schema(models: Sequence[dg.AssetSpec]) -> dg.TableSchema:
    """The published snapshot holds tables, not columns: its schema lists them, one row each."""
    tables = [dg.TableColumn(t.qualified, "TABLE", description=t.comment) for t in TABLES]
    tables += [dg.TableColumn(".".join(m.key.path), "VIEW" if m.key.path[0] == "staging" else "TABLE", description=m.description)
               for m in models]
    return dg.TableSchema(columns=tables)
