"""Turning a stage's result into what Dagster shows: row counts and a markdown preview."""

from __future__ import annotations

import dagster as dg

from bilat.report import markdown_table
from bilat.stages import StageResult


def results(stage: StageResult) -> list[dg.MaterializeResult]:
    """One MaterializeResult per table the stage wrote, with its row count and a preview of its rows."""
    out = []
    for table, count in stage.counts.items():
        metadata = {
            "dagster/row_count": dg.MetadataValue.int(count),
            "preview": dg.MetadataValue.md(markdown_table(stage.previews.get(table, []))),
        }
        if table == "core.document_outcomes":  # what became of every document: they add up to raw.documents
            metadata.update({f"outcome/{k}": dg.MetadataValue.int(v) for k, v in stage.outcomes.items()})
        out.append(dg.MaterializeResult(asset_key=dg.AssetKey(table.split(".")), metadata=metadata))
    return out
