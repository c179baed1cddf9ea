"""What marts/dyad_timeline shows on its asset page: the chart of one dyad, inline and small, and its months.

The interactive chart is written to a file beside the warehouse (its path in the metadata), not into the event
log: Dagster keeps every materialization's metadata, and renders inline only markdown under 1,000 characters.
"""

from pathlib import Path

import dagster as dg
import duckdb

from bilat.chart import category_text, default_dyad, mini_svg, render_html, svg_data_uri
from bilat.report import timeline_rows

DYAD_TAG = "bilat/dyad"  # a run tag "A-B" (e.g. USA-IRQ) picks the dyad shown; default USA–IRQ, else the busiest
PREVIEW_MONTHS = 12
INLINE_MARKDOWN = 1000  # the Dagster UI shows markdown metadata inline below this many characters, else behind a button


def dyad_timeline_metadata(con: duckdb.DuckDBPyConnection, warehouse_path: str, tags: dict[str, str]) -> dict:
    requested = tuple(tags[DYAD_TAG].split("-", 1)) if "-" in tags.get(DYAD_TAG, "") else None
    dyad = default_dyad(con, requested)
    if dyad is None:
        return {}
    a, b = dyad
    rows = timeline_rows(con, a, b)
    page = Path(warehouse_path).resolve().parent / "charts" / f"{a}-{b}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render_html(con, a, b), encoding="utf-8")
    recent = rows[-PREVIEW_MONTHS:]
    for years in (20, 15, 10, 5):  # fewer years until the picture is small enough to be shown inline
        picture = f"![{a}–{b}: cooperative (up) and conflictual (down) interactions per year]({svg_data_uri(mini_svg(rows, max_years=years))})"
        if len(picture) < INLINE_MARKDOWN:
            break
    return {
        "dyad": dg.MetadataValue.text(f"{a}–{b}"),
        f"{a}–{b} by year": dg.MetadataValue.md(picture),
        f"{a}–{b} chart": dg.MetadataValue.path(str(page)),
        "preview": dg.MetadataValue.table(
            records=[dg.TableRecord({
                "month": f"{r['month']:%Y-%m}", "interactions": r["interactions"], "cooperative": r["cooperative"],
                "conflictual": r["conflictual"], "balance": "" if r["balance"] is None else f"{r['balance']:+.2f}",
                "articles": r["articles"], "types": category_text(r["by_category"]),
            }) for r in recent],
            schema=dg.TableSchema(columns=[
                dg.TableColumn("month", "string"), dg.TableColumn("interactions", "int"),
                dg.TableColumn("cooperative", "int"), dg.TableColumn("conflictual", "int"),
                dg.TableColumn("balance", "string"), dg.TableColumn("articles", "int"),
                dg.TableColumn("types", "string", description="interactions per PLOVER type"),
            ])),
    }
