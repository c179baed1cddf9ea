"""Integrity checks over the tables the Python assets load, as SQL that counts violations. The Dagster asset
checks run these; so can anyone with a connection (``run_checks(con)``). The SQL models are checked by their
dbt tests."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

SPANNED = ("mentions", "roles", "quotes", "quantities", "events", "interactions")


@dataclass(frozen=True)
class Check:
    name: str
    table: str  # the table (and asset) the check is about
    description: str
    violations_sql: str  # selects the offending rows; none means the check passes

    def run(self, con: duckdb.DuckDBPyConnection, sample: int = 5) -> tuple[int, list[tuple]]:
        count = con.execute(f"SELECT count(*) FROM ({self.violations_sql})").fetchall()[0][0]
        rows = con.execute(f"SELECT * FROM ({self.violations_sql}) LIMIT {sample}").fetchall() if count else []
        return count, rows


def _unique(table: str, key: str) -> Check:
    return Check(f"unique_{key.replace(', ', '_')}", table, f"{table} has one row per ({key}).",
                 f"SELECT {key}, count(*) AS n FROM {table} GROUP BY ALL HAVING count(*) > 1")


def _resolves(table: str, column: str, target: str, target_column: str, name: str) -> Check:
    return Check(name, table, f"every {table}.{column} is a {target}.{target_column}.",
                 f"SELECT t.{column} FROM {table} t ANTI JOIN {target} r ON r.{target_column} = t.{column} WHERE t.{column} IS NOT NULL")


def _provenance(table: str) -> Check:
    return Check("has_provenance", f"core.{table}", f"every core.{table} row points to an article and a span inside its text.",
                 f"SELECT t.article_id, t.start_char, t.end_char FROM core.{table} t LEFT JOIN core.articles a USING (article_id) "
                 f"WHERE a.article_id IS NULL OR t.start_char IS NULL OR t.end_char IS NULL OR t.start_char < 0 "
                 f"OR t.start_char >= t.end_char OR t.end_char > length(a.text)")


CHECKS: tuple[Check, ...] = (
    _unique("raw.documents", "doc_id"),
    _unique("core.articles", "article_id"),
    _unique("core.entities", "entity_id"),
    _unique("core.mentions", "article_id, start_char, end_char"),
    _unique("core.quantities", "article_id, start_char, end_char"),
    _unique("core.events", "article_id, date_start_char"),
    _unique("core.quotes", "article_id, start_char, kind"),
    Check("every_document_has_one_outcome", "core.document_outcomes",
          "every raw document is parsed, duplicate or quarantined, exactly once (the accounting adds up).",
          "SELECT d.doc_id, count(o.doc_id) AS outcomes FROM raw.documents d LEFT JOIN core.document_outcomes o USING (doc_id) "
          "GROUP BY d.doc_id HAVING count(o.doc_id) <> 1"),
    Check("every_discovered_url_has_one_outcome", "raw.discovered",
          "every listed URL ends fetched, not_modified, duplicate, skipped, failed or deferred, with a reason unless fetched, and a document when fetched.",
          "SELECT url, outcome FROM raw.discovered WHERE outcome NOT IN ('fetched', 'not_modified', 'duplicate', 'skipped', 'failed', 'deferred') "
          "OR (outcome IN ('fetched', 'not_modified') AND doc_id IS NULL) "
          "OR (outcome NOT IN ('fetched', 'not_modified') AND reason IS NULL)"),
    _resolves("raw.discovered", "doc_id", "raw.documents", "doc_id", "discovered_documents_exist"),
    _resolves("core.articles", "doc_id", "raw.documents", "doc_id", "articles_come_from_documents"),
    _resolves("core.mentions", "entity_id", "core.entities", "entity_id", "mentions_resolve_to_entities"),
    _resolves("core.entity_aliases", "entity_id", "core.entities", "entity_id", "aliases_resolve_to_entities"),
    _resolves("core.roles", "person_id", "core.entities", "entity_id", "roles_resolve_to_people"),
    _resolves("core.quotes", "speaker_id", "core.entities", "entity_id", "speakers_resolve_to_entities"),
    _resolves("core.interactions", "source_id", "core.entities", "entity_id", "sources_resolve_to_entities"),
    _resolves("core.interactions", "target_id", "core.entities", "entity_id", "targets_resolve_to_entities"),
    *(_provenance(t) for t in SPANNED),
    # The SQL models' checks are their dbt tests (sql/models/*/_*.yml).
)


def run_checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Violations per check (``table:name``); all zero on a healthy warehouse."""
    return {f"{c.table}:{c.name}": c.run(con)[0] for c in CHECKS}
