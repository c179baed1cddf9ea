"""The timeline an analyst looks at: cooperation and conflict by month, the balance, milestones marked."""

from __future__ import annotations

import base64
import io
import textwrap
from datetime import date
from pathlib import Path

import duckdb

from bilat.report import timeline_rows

MAX_LABELS = 12  # milestone labels beyond this crowd the chart; the most-reported ones win

# The milestones worth a label: per year, the one reported by most articles, ties going to the month with the
# most interactions (the busiest moment of the relationship that year).
MILESTONES_SQL = """
with candidates as (
    select m.event_date, m.date_precision, m.description, m.sources, coalesce(t.interactions, 0) as interactions
    from marts.dyad_milestones m
    left join marts.dyad_timeline t
      on t.actor_a = m.actor_a and t.actor_b = m.actor_b and t.month = date_trunc('month', m.event_date)
    where m.actor_a = least(?, ?) and m.actor_b = greatest(?, ?)
      and m.event_date >= coalesce(?::date, DATE '1900-01-01') and m.event_date < coalesce(?::date, DATE '2999-01-01')
)
select * from candidates
qualify row_number() over (partition by year(event_date) order by sources desc, interactions desc, event_date) = 1
order by event_date
"""


def milestones(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> list[dict]:
    return con.sql(MILESTONES_SQL, params=[a, b, a, b, start, end]).to_arrow_table().to_pylist()


def _label(text: str) -> str:
    return textwrap.shorten(text, width=60, placeholder="…")


def render_png(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> bytes:
    """The chart as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    rows = timeline_rows(con, a, b, start, end)
    marks = milestones(con, a, b, start, end)[:MAX_LABELS]
    months = [r["month"] for r in rows]
    fig, ax = plt.subplots(figsize=(14, 6.5), dpi=100)
    width = 25  # days: one bar per month
    ax.bar(months, [r["cooperative"] for r in rows], width=width, color="#2e7d32", label="cooperative interactions")
    ax.bar(months, [-r["conflictual"] for r in rows], width=width, color="#c62828", label="conflictual interactions")
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.set_ylabel("interactions per month (conflict below zero)")
    balance_ax = ax.twinx()
    balanced = [(r["month"], r["balance"]) for r in rows if r["balance"] is not None]
    if balanced:  # points, not a line: months without coverage are gaps, not a trend
        balance_ax.scatter(*zip(*balanced), color="#1565c0", s=14, zorder=3, label="balance (mean intensity)")
    balance_ax.set_ylim(-10, 10)
    balance_ax.set_ylabel("balance: -10 hostile … +10 cooperative")
    top = max([r["cooperative"] for r in rows] + [1])
    for index, mark in enumerate(marks):
        when = mark["event_date"]
        ax.axvline(when, color="#888", linestyle=":", linewidth=0.8)
        precision = "%Y-%m-%d" if mark["date_precision"] == "day" else "%Y-%m"
        late = months and (when - months[0]) > 0.6 * (months[-1] - months[0])  # label leftwards near the right edge
        ax.annotate(f"{when.strftime(precision)}: {_label(mark['description'])}", xy=(when, top * (1.05 + 0.1 * (index % 7))),
                    fontsize=7, rotation=0, ha="right" if late else "left", va="bottom", color="#333",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#bbb", "alpha": 0.85})
    ax.set_ylim(bottom=min([-r["conflictual"] for r in rows] + [-1]) * 1.2, top=top * 1.8)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_title(f"{a}–{b}: cooperation and conflict by month, with each year's most-reported milestone")
    handles = ax.get_legend_handles_labels()[0] + balance_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="lower left", fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def write_chart(con: duckdb.DuckDBPyConnection, a: str, b: str, out: Path, start: date | None = None, end: date | None = None) -> Path:
    """Write the chart as PNG, or as a self-contained HTML page (the PNG inlined) when ``out`` ends in .html."""
    png = render_png(con, a, b, start, end)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in {".html", ".htm"}:
        out.write_text(html_page(png, f"{a}–{b} timeline"), encoding="utf-8")
    else:
        out.write_bytes(png)
    return out


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def html_page(png: bytes, title: str) -> str:
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body style=\"font-family:sans-serif\"><h1>{title}</h1><img alt=\"{title}\" src=\"{png_data_uri(png)}\"></body></html>")
