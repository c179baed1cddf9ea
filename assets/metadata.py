"""Turning a stage's result into what Dagster shows: row counts and a markdown preview."""

from __future__ import annotations

import dagster as dg

from bilat.report import markdown_table
from bilat.stages import StageResult


def results(stage: StageResult, keys: set[dg.AssetKey] | None = None) -> list[dg.MaterializeResult]:
    """One MaterializeResult per table the stage wrote (of those that are assets in ``keys``), with its row
    count and a preview of its rows; problems reading sources and outcome counts go with the first. Every run
    materializes one partition (no ranged runs), so these numbers are that partition's own."""
    out = []
    for table, count in stage.counts.items():
        if keys is not None and dg.AssetKey(table.split(".")) not in keys:
            continue
        metadata = {
            "dagster/row_count": dg.MetadataValue.int(count),
            "preview": dg.MetadataValue.md(markdown_table(stage.previews.get(table, []))),
        }
        if table in ("core.document_outcomes", "raw.discovered"):  # what became of each: they add up
            metadata.update({f"outcome/{k}": dg.MetadataValue.int(v) for k, v in stage.outcomes.items()})
        if stage.problems and not out:  # `bilat run` reads these lines back: keep one "- problem" each
            metadata["source_failures"] = dg.MetadataValue.int(len(stage.problems))
            metadata["problems"] = dg.MetadataValue.md("\n".join(f"- {p}" for p in stage.problems))
        out.append(dg.MaterializeResult(asset_key=dg.AssetKey(table.split(".")), metadata=metadata))
    return out
