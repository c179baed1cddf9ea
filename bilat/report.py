"""Rendering results for people: markdown previews (Dagster metadata) and the timeline in a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

TIMELINE_SQL = """
select month, interactions, cooperative, conflictual, balance, articles, outlets, by_category, milestones
from marts.dyad_timeline
where actor_a = least(?, ?) and actor_b = greatest(?, ?)
  and month >= coalesce(?::date, DATE '1900-01-01') and month < coalesce(?::date, DATE '2999-01-01')
order by month
"""


def markdown_table(rows: Sequence[dict], limit: int = 10, width: int = 80) -> str:
    if not rows:
        return "_no rows_"
    columns = list(rows[0])
    cell = lambda v: ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")[:width]  # noqa: E731
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"\n_{len(rows) - limit} more rows_")
    return "\n".join(lines)


def timeline_rows(con: duckdb.DuckDBPyConnection, a: str, b: str, start: date | None = None, end: date | None = None) -> list[dict]:
    return con.sql(TIMELINE_SQL, params=[a, b, a, b, start, end]).to_arrow_table().to_pylist()


def print_timeline(rows: list[dict], a: str, b: str, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"{a}–{b} relationship by month", show_lines=False, expand=True)
    for name, justify in (("month", "left"), ("interactions", "right"), ("coop", "right"), ("conflict", "right"),
                          ("balance", "right"), ("articles", "right"), ("what happened", "left")):
        table.add_column(name, justify=justify, overflow="fold", ratio=6 if name == "what happened" else None)
    for row in rows:
        balance = row["balance"]
        colour = "green" if balance is not None and balance > 0 else "red" if balance is not None and balance < 0 else "white"
        milestones = row["milestones"] or []
        categories = ", ".join(f"{k} {v}" for k, v in dict(row["by_category"] or []).items())
        what = milestones[0] if milestones else categories
        if len(what) > 160:
            what = what[:157] + "…"
        table.add_row(
            row["month"].strftime("%Y-%m"), str(row["interactions"]), str(row["cooperative"]), str(row["conflictual"]),
            f"[{colour}]{balance:+.1f}[/]" if balance is not None else "", str(row["articles"]), what,
        )
    console.print(table)
