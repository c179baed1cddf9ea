"""The commands a user runs, as real processes."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_dagster_loads_the_code_location_from_pyproject():
    result = subprocess.run([str(BIN / "dagster"), "definitions", "validate"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful for code location bilat" in result.stderr + result.stdout


def test_bilat_timeline_prints_the_relationship(bundled_run):
    env = {**os.environ, "BILAT_WAREHOUSE": str(bundled_run.warehouse), "COLUMNS": "160"}
    result = subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ", "--from", "2021-01-01", "--to", "2022-01-01"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "USA–IRQ relationship by month" in result.stdout
    assert "2021-07" in result.stdout and "2020-01" not in result.stdout


def test_bilat_timeline_explains_a_missing_warehouse(tmp_path):
    env = {**os.environ, "BILAT_WAREHOUSE": str(tmp_path / "none.duckdb")}
    result = subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "bilat run" in result.stderr
