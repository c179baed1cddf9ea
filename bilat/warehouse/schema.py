"""Every warehouse table, its columns and their documentation, in one place.

The DDL and the ``COMMENT ON`` statements are generated from these definitions, so the documentation an
analyst reads with ``duckdb_tables()`` / ``duckdb_columns()`` is the same as the one the loaders write to.
Tables loaded by partition carry ``partition_date`` (the collection day, a Dagster partition, the row belongs to).

Each table and column says in which schema version it appeared (``since``). Migration N creates the tables
of version N and adds the columns of version N to older tables, so an existing warehouse is upgraded in
place and keeps its rows. To change the schema: add tables or columns with ``since=LATEST + 1`` and bump
LATEST; never edit what an earlier version created, except to retire a column: remove it here and list it in
DROPPED under the new version (a new warehouse never gets it, an old one loses it).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str
    since: int = 1


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    comment: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    since: int = 1

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def partitioned(self) -> bool:
        return any(c.name == "partition_date" for c in self.columns)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in self.columns])

    def migration(self, version: int) -> list[str]:
        """The statements version ``version`` needs for this table: create it, or add its new columns."""
        if version == self.since:
            columns = [c for c in self.columns if c.since <= version]
            cols = ",\n  ".join(f"{c.name} {c.type}" for c in columns)
            pk = f",\n  PRIMARY KEY ({', '.join(self.primary_key)})" if self.primary_key else ""
            statements = [f"CREATE TABLE IF NOT EXISTS {self.qualified} (\n  {cols}{pk}\n)",
                          f"COMMENT ON TABLE {self.qualified} IS {_quote(self.comment)}"]
        elif version > self.since:
            columns = [c for c in self.columns if c.since == version]
            statements = [f"ALTER TABLE {self.qualified} ADD COLUMN {c.name} {c.type}" for c in columns]
        else:
            return []
        return statements + [f"COMMENT ON COLUMN {self.qualified}.{c.name} IS {_quote(c.comment)}" for c in columns]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
    "BLOB": pa.binary(),
}

C = Column
PARTITION = C("partition_date", "DATE", "Collection day: the Dagster partition the row was loaded under, the day its document entered the raw store (an archive's capture day, a GDELT window's day, the day a listing first listed the URL). The publication date is published_at.")
ARTICLE = C("article_id", "VARCHAR", "The article this row was extracted from (core.articles.article_id).")
SENTENCE = C("sentence_index", "INTEGER", "0-based index of the sentence in the article text.")
START = C("start_char", "INTEGER", "Offset of the first character of the evidence in core.articles.text.")
END = C("end_char", "INTEGER", "Offset one past the last character of the evidence in core.articles.text.")
VERSION = C("extractor_version", "VARCHAR", "Version of bilat's extraction rules that produced the row, with '+<model>' when a NER model was merged in.")
GAZETTEER = C("gazetteer_version", "VARCHAR", "Digest of the gazetteer files (people, organisations, places, titles) the row was extracted with.", since=3)

TABLES: tuple[Table, ...] = (
    Table("raw", "documents", "One row per document a source yielded for a partition: where it came from, where its bytes are kept, and how it was dated.", (
        C("doc_id", "VARCHAR", "Deterministic id of the document (hash of its URL)."),
        C("url", "VARCHAR", "URL the document was listed under."),
        C("source", "VARCHAR", "Source that listed it: its name in the sources file (bundled for the bundled corpus)."),
        C("fetched_at", "TIMESTAMPTZ", "When the bytes were fetched (for an archive: its capture time)."),
        C("content_hash", "VARCHAR", "SHA-256 of the raw bytes, the key in the raw store; NULL when nothing could be read."),
        C("content_length", "BIGINT", "Size of the raw bytes."),
        C("published_at", "TIMESTAMPTZ", "Publication time, when any source of dates gave one."),
        C("date_source", "VARCHAR", "Where the publication date came from: page, feed, url, sitemap, fetch (undated), or implausible (a date before 1990 or after the fetch was given: see published_text)."),
        C("error", "VARCHAR", "Why the document could not be read, if it could not."),
        PARTITION,
        C("canonical_url", "VARCHAR", "URL without tracking parameters, fragments, AMP or mobile variants: how duplicates are spotted.", since=2),
        C("fetch_outcome", "VARCHAR", "fetched, or not_modified when the server confirmed the stored copy is current.", since=2),
        C("published_text", "VARCHAR", "A publication date the document gave that is implausible (before 1990, or more than two days after the fetch), as text with where it came from; it is not used.", since=5),
    ), ("doc_id",)),
    Table("raw", "fetch_log", "Every HTTP fetch bilat made, appended as it happens (a log: re-runs add rows). Conditional requests read their validators from here.", (
        C("url", "VARCHAR", "URL requested."),
        C("canonical_url", "VARCHAR", "Canonical form of the URL."),
        C("source", "VARCHAR", "Source (name in the sources file) the URL came from."),
        C("purpose", "VARCHAR", "listing (a feed, sitemap or API page) or document (an article)."),
        C("final_url", "VARCHAR", "URL after redirects."),
        C("status", "INTEGER", "Last HTTP status."),
        C("outcome", "VARCHAR", "fetched | not_modified | skipped | failed."),
        C("reason", "VARCHAR", "Why, for anything but fetched."),
        C("content_hash", "VARCHAR", "SHA-256 of the body in the raw store (for not_modified: of the stored copy)."),
        C("content_type", "VARCHAR", "Content-Type header."),
        C("etag", "VARCHAR", "ETag header, sent back as If-None-Match next time."),
        C("last_modified", "VARCHAR", "Last-Modified header, sent back as If-Modified-Since next time."),
        C("bytes", "BIGINT", "Decoded body size."),
        C("attempts", "INTEGER", "Requests made, retries included."),
        C("elapsed_s", "DOUBLE", "Seconds from the first attempt to the result."),
        C("fetched_at", "TIMESTAMPTZ", "When the response arrived."),
        PARTITION,
    ), since=2),
    Table("raw", "listings", "Every URL a feed, sitemap or URL list has listed, once per source, refreshed on each run. Its partition is the date the listing gave, else the day bilat first saw it.", (
        C("source", "VARCHAR", "Source (name in the sources file)."),
        C("url", "VARCHAR", "URL as listed."),
        C("canonical_url", "VARCHAR", "Canonical form of the URL."),
        C("listed_at", "TIMESTAMPTZ", "Date the listing gave: feed pubDate or sitemap lastmod."),
        C("title", "VARCHAR", "Title the listing gave, if any."),
        C("first_seen_at", "TIMESTAMPTZ", "When bilat first saw the URL listed."),
        C("last_seen_at", "TIMESTAMPTZ", "When bilat last saw it listed."),
        C("partition_date", "DATE", "The collection day (Dagster partition) that collects it: the day bilat first saw it listed."),
        C("variants", "VARCHAR[]", "Other URLs listed with the same canonical form (tracking parameters, AMP, ...): each ends in raw.discovered as a duplicate.", since=4),
    ), ("source", "canonical_url"), since=2),
    Table("raw", "discovered", "Every URL a source listed for a partition and what became of it; the outcomes always add up to what was discovered.", (
        C("url", "VARCHAR", "URL as listed."),
        C("canonical_url", "VARCHAR", "Canonical form of the URL."),
        C("source", "VARCHAR", "Source that listed it."),
        C("listed_at", "TIMESTAMPTZ", "The date the listing gave (feed pubDate, sitemap lastmod, GDELT seendate), if any."),
        C("outcome", "VARCHAR", "fetched | not_modified | duplicate | skipped | failed | deferred (over a run's cap: a later run fetches it)."),
        C("reason", "VARCHAR", "Why, for duplicate (of what), skipped (which policy), failed (which error) and deferred (which cap)."),
        C("doc_id", "VARCHAR", "The raw document it became, for fetched and not_modified."),
        PARTITION,
    ), since=2),
    Table("core", "document_outcomes", "What became of every raw document: parsed, duplicate (of another article) or quarantined, with the reason.", (
        C("doc_id", "VARCHAR", "raw.documents.doc_id."),
        C("url", "VARCHAR", "URL of the document."),
        C("outcome", "VARCHAR", "parsed | duplicate | quarantined."),
        C("reason", "VARCHAR", "Why a document was quarantined, or which article it duplicates."),
        C("article_id", "VARCHAR", "The article it became (parsed) or duplicates (duplicate)."),
        PARTITION,
    ), ("doc_id",)),
    Table("core", "articles", "One row per parsed article: main text without boilerplate and its metadata.", (
        C("article_id", "VARCHAR", "Deterministic id of the article (hash of its URL)."),
        C("doc_id", "VARCHAR", "The raw document it was parsed from."),
        C("url", "VARCHAR", "URL the article was fetched from."),
        C("source", "VARCHAR", "Source that listed it."),
        C("outlet", "VARCHAR", "Host name of the publisher."),
        C("title", "VARCHAR", "Headline."),
        C("byline", "VARCHAR", "Author(s) as printed."),
        C("dateline", "VARCHAR", "Dateline city as printed at the start of the text, e.g. BAGHDAD."),
        C("language", "VARCHAR", "ISO 639-1 language code declared by the page."),
        C("published_at", "TIMESTAMPTZ", "Publication time; NULL when the article carries no date and none was supplied."),
        C("date_source", "VARCHAR", "Where published_at came from: page, feed, url, sitemap, or fetch / implausible (then published_at is NULL; raw.documents.published_text keeps an implausible date)."),
        C("text", "VARCHAR", "Main text; every character span in core points into this."),
        C("text_hash", "VARCHAR", "SHA-256 of the whitespace-normalised, lower-cased text, for exact-duplicate detection."),
        VERSION,
        PARTITION,
        C("story_id", "VARCHAR", "The article_id of the earliest article of its story: syndicated copies (most of the shorter text contained in the longer) share it.", since=2),
        C("canonical_url", "VARCHAR", "The URL the page names as its own (<link rel=\"canonical\">, else og:url), absolute; NULL when it names none (or only a site's home page). Articles of one window with the same one are one article.", since=6),
        C("minhash", "BLOB", "MinHash signature of the text's word 5-shingles (128 little-endian uint32, datasketch affine32, seed 1), for finding syndicated copies.", since=6),
    ), ("article_id",)),
    Table("core", "entities", "Every entity bilat has resolved: people, organisations, countries, armed groups and places, one id each.", (
        C("entity_id", "VARCHAR", "Stable id: ISO 3166-1 alpha-3 for countries, person:/org:/place: slugs otherwise."),
        C("kind", "VARCHAR", "person | organization | country | armed_group | place."),
        C("name", "VARCHAR", "Canonical name."),
        C("country_code", "VARCHAR", "ISO alpha-3 code of the country the entity belongs to or serves, if known."),
    ), ("entity_id",)),
    Table("core", "entity_aliases", "Names and spellings that resolve to an entity.", (
        C("entity_id", "VARCHAR", "core.entities.entity_id."),
        C("alias", "VARCHAR", "A name, short form or spelling variant."),
    ), ("entity_id", "alias")),
    Table("core", "mentions", "Each place an entity is named in an article.", (
        ARTICLE,
        C("entity_id", "VARCHAR", "The resolved entity (core.entities.entity_id)."),
        C("surface", "VARCHAR", "The text as written."),
        SENTENCE, START, END,
        C("method", "VARCHAR", "How it was found: gazetteer, title, appositive, speaker, short_form, title_reference (\"the secretary\") or model."),
        VERSION, PARTITION, GAZETTEER,
    )),
    Table("core", "roles", "Offices people are said to hold, as observed in an article.", (
        C("person_id", "VARCHAR", "core.entities.entity_id of the person."),
        C("title", "VARCHAR", "Office as stated, normalised (e.g. Secretary of Defense, Ambassador to Iraq)."),
        C("rank", "VARCHAR", "Military rank, if stated (e.g. Major General)."),
        C("country_code", "VARCHAR", "ISO alpha-3 code of the state whose office it is."),
        ARTICLE,
        C("observed_on", "DATE", "Publication day of the article: the person held the office then."),
        SENTENCE, START, END, VERSION, PARTITION, GAZETTEER,
    )),
    Table("core", "quotes", "Direct quotes, partial quotes and reported statements with their speaker.", (
        ARTICLE,
        C("speaker_id", "VARCHAR", "core.entities.entity_id of the speaker; NULL when the speaker could not be resolved."),
        C("text", "VARCHAR", "The quoted words (direct/partial) or the reported content."),
        C("kind", "VARCHAR", "direct | partial | reported."),
        SENTENCE, START, END, VERSION, PARTITION, GAZETTEER,
    )),
    Table("core", "quantities", "Quantities stated in articles, with unit, bound and what they measure.", (
        ARTICLE,
        C("value", "DOUBLE", "The number, scaled (4.5 million -> 4500000)."),
        C("unit", "VARCHAR", "Normalised unit: people, troops, km2, percent, USD, airstrikes, barrels_per_day, ..."),
        C("bound", "VARCHAR", "exact | more_than | at_least | about | up_to | less_than."),
        C("direction", "VARCHAR", "increase | decrease for stated changes (\"64% reduction\"), else NULL."),
        C("measures", "VARCHAR", "What is counted, from the words after the number."),
        C("surface", "VARCHAR", "The text as written."),
        SENTENCE, START, END, VERSION, PARTITION, GAZETTEER,
        C("time_scope", "VARCHAR", "The period the quantity refers to, as written (\"last year\", \"since mid-October\"), when the text states one.", since=3),
    )),
    Table("core", "events", "Dated references in articles: what happened when, dates normalised against the publication date.", (
        ARTICLE,
        C("event_date", "DATE", "First day of the period the date expression names; NULL when relative with no anchor."),
        C("date_precision", "VARCHAR", "day | week (the date is its Monday) | month | year; NULL when unresolved."),
        C("date_text", "VARCHAR", "The date expression as written (kept when it cannot be resolved)."),
        C("description", "VARCHAR", "The sentence stating the event."),
        C("actor_ids", "VARCHAR[]", "Actors named in that sentence (countries, organisations, armed groups)."),
        SENTENCE, START, END,
        C("date_start_char", "INTEGER", "Offset of the date expression in core.articles.text."),
        C("date_end_char", "INTEGER", "Offset one past the end of the date expression."),
        VERSION, PARTITION, GAZETTEER,
    )),
    Table("core", "interactions", "Dyadic interactions coded in PLOVER: who did what to whom, and when.", (
        ARTICLE,
        C("source_id", "VARCHAR", "Acting side: a country code for state agents, else an organisation or armed group id."),
        C("target_id", "VARCHAR", "Side acted upon, same convention as source_id."),
        C("source_actor", "VARCHAR", "The entity named in the text for the source (person, body or country)."),
        C("target_actor", "VARCHAR", "The entity named in the text for the target."),
        C("category", "VARCHAR", "PLOVER event type: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST, ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT."),
        C("mode", "VARCHAR", "PLOVER mode where the cue tells it (meet, visit, military, aerial, ...)."),
        C("intensity", "DOUBLE", "Cooperation (+10) to conflict (-10) score of the type and mode (bilat/data/plover.yaml)."),
        C("cameo_code", "VARCHAR", "CAMEO root code the PLOVER type maps to."),
        C("occurred_on", "DATE", "When it happened: a date stated in the sentence, else the publication day."),
        C("date_precision", "VARCHAR", "day | week (the date is its Monday) | month | year."),
        C("date_basis", "VARCHAR", "text (a date in the sentence) | publication (the article's date)."),
        C("hypothetical", "BOOLEAN", "True when the act is conditional, planned or only asked for (would, could, if, plans to, demanded that); announced acts (will) are not."),
        C("cue", "VARCHAR", "The words that signalled the interaction."),
        SENTENCE, START, END, VERSION, PARTITION, GAZETTEER,
    )),
    Table("raw", "partition_loads", "When each collection day of each table loaded by day was last replaced (a day that came out empty included): the incremental SQL models compare these stamps with the ones their rows were built from.", (
        C("table_name", "VARCHAR", "The table, schema.name (core.articles, core.quantities, ...)."),
        C("partition_date", "DATE", "The collection day replaced."),
        C("loaded_at", "TIMESTAMPTZ", "When: the load's stamp, which is later than every stamp before it (never equal), so a reloaded day is always told apart."),
    ), ("table_name", "partition_date"), since=7),
    Table("raw", "entity_changes", "Entities a load added to core.entities or changed (kind, name or country code), one row each with the stamp of the latest such load: core.entities is not loaded by day, so this is how the incremental SQL models find what a load renamed.", (
        C("entity_id", "VARCHAR", "core.entities.entity_id."),
        C("changed_at", "TIMESTAMPTZ", "The loaded_at stamp (raw.partition_loads) of the load that last added or changed the row."),
    ), ("entity_id",), since=7),
)

TABLES_BY_NAME = {t.qualified: t for t in TABLES}
SCHEMAS = ("raw", "staging", "core", "marts")

LATEST = 7
DESCRIPTIONS = {1: "layers and core tables", 2: "listings, fetch log, discovery accounting, near-duplicate stories",
                3: "gazetteer version on extracted rows", 4: "URL variants of a listing",
                5: "partitions by collection day; implausible publication dates kept as text",
                6: "articles' canonical URL; syndicated copies by MinHash containment instead of SimHash",
                7: "load stamps per table and collection day, entity changes (for incremental marts)"}
#: Versions that re-document columns an earlier version created (their comments changed meaning, not their type).
RECOMMENT = {5: ("partition_date", "date_source")}
#: Columns a version retires: (table, column) per version.
DROPPED = {6: [("core.articles", "simhash")]}
#: Tables loaded by replacing a collection day (raw.fetch_log is appended to, raw.listings upserted).
REPLACED_BY_DAY = tuple(t.qualified for t in TABLES if t.partitioned and t.since < 7 and t.qualified not in ("raw.fetch_log", "raw.listings"))
#: Rows a version derives from what older versions loaded: version 7 stamps every day already loaded, so that
#: the incremental marts build those days too.
BACKFILL = {7: [f"INSERT OR IGNORE INTO raw.partition_loads SELECT '{name}', partition_date, now() FROM {name} "
                f"WHERE partition_date IS NOT NULL GROUP BY partition_date" for name in REPLACED_BY_DAY]}


def migration_statements(version: int) -> list[str]:
    schemas = [f"CREATE SCHEMA IF NOT EXISTS {s}" for s in SCHEMAS] if version == 1 else []
    recomment = [f"COMMENT ON COLUMN {t.qualified}.{c.name} IS {_quote(c.comment)}"
                 for t in TABLES if t.since < version for c in t.columns if c.name in RECOMMENT.get(version, ()) and c.since < version]
    drops = [f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}" for table, column in DROPPED.get(version, [])]
    return (schemas + drops + [statement for table in TABLES for statement in table.migration(version)] + recomment
            + BACKFILL.get(version, []))


def migrate(con, target: int = LATEST) -> int:
    """Bring a warehouse up to ``target`` (default the newest) schema version; returns the version it is at."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(
        "CREATE TABLE IF NOT EXISTS raw.schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    current = con.execute("SELECT coalesce(max(version), 0) FROM raw.schema_version").fetchall()[0][0]
    for version in range(current + 1, target + 1):
        con.execute("BEGIN")
        try:
            for statement in migration_statements(version):
                con.execute(statement)
            con.execute("INSERT INTO raw.schema_version (version, description) VALUES (?, ?)", [version, DESCRIPTIONS[version]])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    return current
