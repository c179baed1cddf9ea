"""Shared fixtures. The end-to-end fixture runs the real pipeline through Dagster once per test session.

Tests that exercise orchestration (runs, backfills, interrupts, concurrency, the UI) and not reading quality mark
their module ``pytestmark = pytest.mark.rules_only``: every `bilat run` and Dagster run they start, in this process
or a child, reads with gazetteers and rules alone ($BILAT_NER_MODEL=none), without loading spaCy's model (seconds a
process). Reading with the default model is tested by the extraction, NER and end-to-end tests, and across
processes by tests/test_data_at_rest.py (`bilat repair` in a child re-derives the bundled run's tables exactly).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bilat import settings
from bilat.pipelines.resources import SourcesResource, WarehouseResource
from bilat.pipelines.runs import RunReport, run_all
from bilat.warehouse.publish import working_path

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


#: Where temporary files go when nobody said ($TMPDIR, --basetemp): a RAM-backed folder, if it has room.
MEMORY_TMP = Path("/dev/shm")
MEMORY_TMP_MIN_FREE = 2 << 30


def _memory_tmp() -> Path | None:
    try:
        usage = shutil.disk_usage(MEMORY_TMP)
    except OSError:
        return None
    return MEMORY_TMP if os.access(MEMORY_TMP, os.W_OK | os.X_OK) and usage.free >= MEMORY_TMP_MIN_FREE else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rules_only: the module's runs read without the NER model ($BILAT_NER_MODEL=none)")
    # Every run commits hundreds of Dagster events to SQLite and checkpoints DuckDB: on a disk shared with other
    # jobs each fsync costs milliseconds, about a third of a `bilat run` here. Tests prove nothing about
    # durability across a power cut, so their warehouses, raw stores and instances live in memory; children
    # (bilat, dagster dev, dbt) inherit $TMPDIR.
    if "TMPDIR" not in os.environ and config.option.basetemp is None and (memory := _memory_tmp()):
        os.environ["TMPDIR"] = str(memory)
        tempfile.tempdir = None  # gettempdir() reads $TMPDIR again


@pytest.fixture(scope="module", autouse=True)
def _rules_only_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set $BILAT_NER_MODEL=none for a module marked rules_only, before its own module fixtures start runs
    (autouse fixtures come first in their scope; the session's bundled_run, which tests read, keeps the default)."""
    if request.node.get_closest_marker("rules_only") is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.NER_MODEL_ENV, "none")
        assert settings.ner_model() is None
        yield


@dataclass
class BundledRun:
    """The bundled corpus materialized into a temporary warehouse through Dagster."""

    warehouse: Path
    instance: dg.DagsterInstance
    resources: dict
    report: RunReport

    @property
    def working(self) -> Path:
        return working_path(self.warehouse)

    def query(self, sql: str, params: list | None = None, *, working: bool = False) -> list[tuple]:
        """Query the published snapshot (what analysts see), or the working file runs write."""
        with duckdb.connect(str(self.working if working else self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BundledRun]:
    root = tmp_path_factory.mktemp("bundled")
    resources = {
        "warehouse": WarehouseResource(path=str(root / "bilat.duckdb")),
        "sources": SourcesResource(raw_store_path=str(root / "raw")),  # no sources file: the bundled corpus
    }
    (root / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(root / "dagster_home")) as instance:
        with pytest.MonkeyPatch.context() as patch:  # the default reader, even if first asked for in a rules_only module
            patch.delenv(settings.NER_MODEL_ENV, raising=False)
            report = run_all(instance, resources)
        yield BundledRun(root / "bilat.duckdb", instance, resources, report)


@pytest.fixture
def seed_case() -> tuple[str, dict]:
    """The shared seed article and its expectations; skipped (saying why) when shared/seeds is absent."""
    import yaml

    texts = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not texts:
        pytest.skip(f"no seed case: {SEEDS} is not present in this checkout's parent folder")
    text_path = texts[0]
    expected = yaml.safe_load(text_path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    return text_path.read_text(encoding="utf-8"), expected
