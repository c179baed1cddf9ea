"""SQL models from sql/: discovery, the tables each reads (parsed with sqlglot), and building them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from graphlib import TopologicalSorter
from importlib import resources

import duckdb
import sqlglot
from sqlglot import exp

_COLUMN_DOC = re.compile(r"^--\s*(?P<column>[a-z_][a-z0-9_]*):\s*(?P<text>.+)$")


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    sql: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def materialization(self) -> str:
        return "VIEW" if self.schema == "staging" else "TABLE"

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """Schema-qualified tables the SQL reads, CTE names excluded."""
        tree = sqlglot.parse_one(self.sql, dialect="duckdb")
        # CTE references are unqualified; every warehouse table is schema-qualified (the models' convention).
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        unqualified = {t.name for t in tree.find_all(exp.Table) if not t.db and t.name not in ctes}
        if unqualified:
            raise ValueError(f"model {self.qualified} reads unqualified tables {sorted(unqualified)}: write schema.table")
        return tuple(sorted({f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db}))

    @cached_property
    def description(self) -> str:
        lines = []
        for line in self.sql.splitlines():
            if not line.startswith("--") or _COLUMN_DOC.match(line):
                break
            lines.append(line.lstrip("-").strip())
        return " ".join(l for l in lines if l)

    @cached_property
    def column_docs(self) -> dict[str, str]:
        docs = {}
        for line in self.sql.splitlines():
            if m := _COLUMN_DOC.match(line):
                docs[m["column"]] = m["text"].strip()
        return docs


def discover_models() -> list[SqlModel]:
    """Every model in ``sql/``, each after the models it reads (so building them in this order works)."""
    root = resources.files("bilat.sql")
    models = {}
    for schema in ("staging", "marts"):
        folder = root.joinpath(schema)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".sql"):
                model = SqlModel(schema, entry.name[:-4], entry.read_text(encoding="utf-8"))
                models[model.qualified] = model
    order = TopologicalSorter({name: [t for t in m.reads if t in models] for name, m in models.items()}).static_order()
    return [models[name] for name in order]


def build_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int:
    """(Re)build one model atomically with its documentation; returns its row count."""
    body = model.sql.strip().rstrip(";")
    con.execute("BEGIN")
    try:
        con.execute(f"CREATE OR REPLACE {model.materialization} {model.qualified} AS {body}")
        if model.description:
            con.execute(f"COMMENT ON {model.materialization} {model.qualified} IS {_quote(model.description)}")
        for column, text in model.column_docs.items():
            con.execute(f"COMMENT ON COLUMN {model.qualified}.{column} IS {_quote(text)}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute(f"SELECT count(*) FROM {model.qualified}").fetchall()[0][0]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
