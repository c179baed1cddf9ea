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


def test_bilat_timeline_draws_the_chart(bundled_run, tmp_path):
    env = {**os.environ, "BILAT_WAREHOUSE": str(bundled_run.warehouse), "COLUMNS": "160"}
    for name in ("usa-irq.png", "usa-irq.html"):
        out = tmp_path / name
        result = subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ", "--out", str(out)], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        body = out.read_bytes()
        assert body.startswith(b"\x89PNG") if name.endswith(".png") else b"data:image/png;base64," in body
        assert len(body) > 20_000


def test_the_chart_marks_the_2021_and_2023_milestones(bundled_run):
    from bilat.chart import milestones

    with duckdb.connect(str(bundled_run.warehouse), read_only=True) as con:
        marked = {m["event_date"].strftime("%Y-%m") for m in milestones(con, "USA", "IRQ")}
    assert "2021-07" in marked and "2023-08" in marked


def test_bilat_timeline_explains_a_missing_warehouse(tmp_path):
    env = {**os.environ, "BILAT_WAREHOUSE": str(tmp_path / "none.duckdb")}
    result = subprocess.run([str(BIN / "bilat"), "timeline", "USA", "IRQ"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "bilat run" in result.stderr
