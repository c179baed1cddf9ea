"""The ``bilat`` command line.

``bilat run`` materializes every asset through Dagster for a range of days (default: all of them) into the
warehouse and prints a timeline; ``bilat timeline A B`` prints one from an existing warehouse.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from datetime import date
from pathlib import Path

from bilat import settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _instance(dg):
    """The persistent instance (so runs show in the UI's history and share its pools), else a throw-away one."""
    home = settings.dagster_home()
    if home is None:
        return dg.DagsterInstance.ephemeral()
    from filelock import FileLock

    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)  # Dagster reads it from the environment
    # Two `bilat` processes opening a new instance at once would both create its SQLite tables, and one fails
    # ("table ... already exists"); the first creates them under this lock, the second then finds them.
    with FileLock(home / ".bilat-instance.lock"):
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)
        instance.get_latest_materialization_event(dg.AssetKey("bilat"))
    return instance


def _run(args: argparse.Namespace) -> int:
    """Listings, one Dagster run per day worth running, then models, checks and publish."""
    # Dagster is imported here, not at module level: `bilat timeline` needs none of it.
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # backfill_policy is beta; not news to users
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from bilat.pipelines.resources import default_resources
    from bilat.pipelines.runs import run_all
    from bilat.sources.config import SourcesError, load_sources

    console = Console()
    sources = Path(args.sources).resolve() if args.sources else settings.sources_file()
    if sources:
        try:
            load_sources(sources)  # a bad sources file fails here, with every problem named, before any run
        except SourcesError as exc:
            console.print(f"[red]{exc}[/]")
            return 2
    instance = _instance(dg)
    console.print(f"[bold]bilat run[/]  sources {sources or 'the bundled corpus'}\n           warehouse {settings.warehouse_path()}")
    began = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("listings", total=None)

        def on_plan(days: list) -> None:
            span = f"{days[0]} … {days[-1]}" if days else "none"
            progress.update(task, total=len(days) + 1, description=f"{len(days)} days with documents ({span})")

        report = run_all(instance, default_resources(sources), args.start, args.end, on_plan,
                         lambda label: progress.update(task, advance=1, description=label))
    elapsed = time.perf_counter() - began
    summary = Table(title=f"{report.runs} Dagster runs {'succeeded' if report.success else 'with FAILURES'} in {elapsed:.1f}s")
    summary.add_column("asset")
    summary.add_column("rows written", justify="right")
    for asset, count in report.rows.items():
        summary.add_row(asset, str(count))
    console.print(summary)
    for warning in report.warnings:
        console.print(f"[yellow]{warning} (severity warn)[/]")
    for failure in report.failures:
        console.print(f"[red]{failure}[/]")
    if not report.success:
        return 1
    if not report.days:
        console.print("[yellow]the sources had no documents for those days[/]")
        return 0
    return _timeline(argparse.Namespace(a=args.a, b=args.b, start=None, end=None, out=None))


def _backfill(args: argparse.Namespace) -> int:
    """A real asset backfill through the webserver when one answers, else ranged runs in this process."""
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bilat.pipelines import backfill
    from bilat.pipelines.resources import default_resources

    console = Console()
    instance = _instance(dg)
    first, last = backfill.partition_bounds()
    if args.start < first or args.end > last or args.start > args.end:
        console.print(f"[red]the range must lie within the partitions, {first} … {last}[/]")
        return 2
    try:
        keys = backfill.selected_keys(args.select)
    except backfill.BackfillError as exc:
        console.print(f"[red]{exc}[/]")
        return 2
    days = backfill.days_to_run(instance, args.start, args.end, args.resume)
    if not days:
        console.print("nothing to do: every day of the range is materialized")
        return 0
    windows = backfill.to_windows(days)
    console.print(f"[bold]bilat backfill[/] {len(days)} days in {len(windows)} ranged run(s), {args.start} … {args.end}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    use_webserver = not args.local and backfill.webserver_answers(args.dagster_url)
    if not args.local and not use_webserver:
        console.print(f"no Dagster webserver answers at {args.dagster_url}: running here, against {settings.dagster_home() or 'a throw-away instance'}")
    if use_webserver:
        try:
            backfill_id = backfill.launch(args.dagster_url, windows, f"bilat backfill {args.start} … {args.end}", keys)
        except backfill.BackfillError as exc:
            console.print(f"[red]the webserver refused the backfill: {exc}[/]")
            return 1
        console.print(f"backfill [bold]{backfill_id}[/]: {args.dagster_url.rstrip('/')}/runs/b/{backfill_id}")
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("submitted", total=None)
            status = backfill.follow(args.dagster_url, backfill_id,
                                     lambda done, total, state: progress.update(task, completed=done, total=max(total, 1), description=state))
        console.print(f"backfill {backfill_id}: {status}")
        return 0 if status in {"COMPLETED", "COMPLETED_SUCCESS"} else 1
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("ranged runs", total=len(windows) + 1)
        report = backfill.run_local(instance, default_resources(), windows, keys, lambda label: progress.update(task, advance=1, description=label))
    for failure in report.failures:
        console.print(f"[red]{failure}[/]")
    console.print(f"{report.runs} runs {'succeeded' if report.success else 'with FAILURES'}; they are in the UI's run history")
    return 0 if report.success else 1


def _reprocess(args: argparse.Namespace) -> int:
    """Re-derive a range of days from the raw store with the current rules; print what changed."""
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from rich.console import Console
    from rich.table import Table

    from bilat.pipelines.resources import default_resources
    from bilat.pipelines.runs import reprocess

    console = Console()
    with console.status(f"reprocessing {args.start} … {args.end} from the raw store (no network)…"):
        report, changes = reprocess(_instance(dg), default_resources(), args.start, args.end)
    table = Table(title=f"reprocessed {len(report.days)} days with extractor {settings.EXTRACTOR_VERSION}: what changed")
    for column in ("table", "rows before", "rows after", "added", "removed"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, change in changes.items():
        table.add_row(name, str(change.before), str(change.after), str(change.added), str(change.removed))
    console.print(table)
    for failure in report.failures:
        console.print(f"[red]{failure}[/]")
    return 0 if report.success else 1


def _timeline(args: argparse.Namespace) -> int:
    from bilat.report import print_timeline, timeline_rows
    from bilat.warehouse.load import connect

    path = settings.warehouse_path()
    if not Path(path).exists():
        print(f"no warehouse at {path}: run `bilat run` first (or set {settings.WAREHOUSE_ENV})", file=sys.stderr)
        return 2
    with connect(path, read_only=True) as con:
        rows = timeline_rows(con, args.a, args.b, args.start, args.end)
        if not rows:
            print(f"no coverage of {args.a}–{args.b} in the warehouse", file=sys.stderr)
            return 1
        print_timeline(rows, args.a, args.b)
        if getattr(args, "out", None):
            from bilat.chart import write_chart

            print(f"chart written to {write_chart(con, args.a, args.b, Path(args.out), args.start, args.end)}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from bilat.evaluate import TARGETS, MissingText, evaluate

    folder = Path(args.gold)
    if not any(folder.glob("*.yaml")):
        print(f"no gold articles (*.yaml) in {folder}", file=sys.stderr)
        return 2
    try:
        evaluation = evaluate(folder)
    except MissingText as exc:
        print(f"cannot score {folder}: {exc}", file=sys.stderr)
        return 2
    items = sum(s.gold for s in evaluation.scores.values())
    table = Table(title=f"bilat {settings.EXTRACTOR_VERSION} on {evaluation.articles} gold articles, {items} annotated items")
    for column in ("type", "gold", "predicted", "matched", "precision", "recall", "F1", "target"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for row in evaluation.rows():
        target = TARGETS.get(row["type"])
        colour = "green" if target and row["f1"] >= target else "red" if target else "white"
        table.add_row(row["type"], str(row["gold"]), str(row["predicted"]), str(row["matched"]),
                      f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"[{colour}]{row['f1']:.3f}[/]",
                      f"{target:.2f}" if target else "")
    console = Console(width=max(Console().width, 100))
    console.print(table)
    for kind in args.misses or []:
        if kind not in evaluation.misses:
            console.print(f"[red]no type {kind!r}; the types are {', '.join(evaluation.misses)}[/]")
            return 2
        console.print(f"\n[bold]{kind}[/]: what the gold has and nothing matched (missed), what was found and is not in the gold (spurious)")
        for miss in evaluation.misses[kind]:
            console.print(f"  {miss.article}  [{'yellow' if miss.kind == 'missed' else 'magenta'}]{miss.kind:8}[/] {miss.item}", highlight=False, soft_wrap=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bilat", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="materialize the whole pipeline for a range of days and print a timeline")
    run.add_argument("--sources", help="a sources file (YAML, see sources.example.yaml); default $BILAT_SOURCES, else the bundled corpus")
    run.add_argument("--start", type=_date, help="first day (default: every day the sources have documents for)")
    run.add_argument("--end", type=_date, help="last day, inclusive")
    run.add_argument("--a", default="USA", help="first actor of the timeline printed at the end (default USA)")
    run.add_argument("--b", default="IRQ", help="second actor (default IRQ)")
    run.set_defaults(handler=_run)

    timeline = commands.add_parser("timeline", help="print the month-by-month timeline of a dyad")
    timeline.add_argument("a", help="actor id, e.g. USA")
    timeline.add_argument("b", help="actor id, e.g. IRQ")
    timeline.add_argument("--from", dest="start", type=_date, help="first month (YYYY-MM-DD)")
    timeline.add_argument("--to", dest="end", type=_date, help="end (exclusive)")
    timeline.add_argument("--out", help="also draw the chart to this file: .png, or .html for a self-contained page")
    timeline.set_defaults(handler=_timeline)

    fill = commands.add_parser("backfill", help="materialize a range of days as a Dagster backfill (through the webserver when one runs)")
    fill.add_argument("--start", type=_date, required=True, help="first day")
    fill.add_argument("--end", type=_date, required=True, help="last day, inclusive")
    fill.add_argument("--select", help="assets to materialize, e.g. raw/documents,core/articles (default: all)")
    fill.add_argument("--resume", action="store_true", help="only the days whose last materialization is missing or failed")
    fill.add_argument("--local", action="store_true", help="run in this process even if a webserver answers")
    fill.add_argument("--dagster-url", default="http://127.0.0.1:3000", help="the Dagster webserver (default the local one)")
    fill.set_defaults(handler=_backfill)

    again = commands.add_parser("reprocess", help="re-derive articles, extraction and marts for a range of days from the raw store, no network")
    again.add_argument("--start", type=_date, required=True, help="first day")
    again.add_argument("--end", type=_date, required=True, help="last day, inclusive")
    again.set_defaults(handler=_reprocess)

    evaluation = commands.add_parser("eval", help="score extraction against gold-annotated articles (precision, recall, F1 per type)")
    evaluation.add_argument("--gold", default="tests/gold", help="folder of gold articles (default tests/gold)")
    evaluation.add_argument("--misses", action="append", metavar="TYPE",
                            help='also list the missed and spurious items of this type (e.g. "interactions"); repeatable')
    evaluation.set_defaults(handler=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
