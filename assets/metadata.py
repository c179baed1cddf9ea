"""Turning a stage's result into what Dagster shows: row counts and a markdown preview."""

from __future__ import annotations

import dagster as dg

from bilat.report import markdown_table
from bilat.stages import StageResult


def results(stage: StageResult, preview_table: str, extra: dict | None = None) -> list[dg.MaterializeResult]:
    """One MaterializeResult per table the stage wrote; the preview goes with ``preview_table``."""
    out = []
    for table, count in stage.counts.items():
        metadata = {"dagster/row_count": dg.MetadataValue.int(count)}
        if table == preview_table:
            metadata["preview"] = dg.MetadataValue.md(markdown_table(stage.preview))
            metadata.update({f"outcome/{k}": dg.MetadataValue.int(v) for k, v in stage.outcomes.items()})
            metadata.update(extra or {})
        out.append(dg.MaterializeResult(asset_key=dg.AssetKey(table.split(".")), metadata=metadata))
    return out
