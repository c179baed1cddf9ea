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

from bilat import interrupts, settings


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

    from bilat.pipelines.recovery import PoolBusy, recover
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
    if _refuse_damaged_working_file():
        return 2
    instance = _instance(dg)
    console.print(f"[bold]bilat run[/]  sources {sources or 'the bundled corpus'}\n           warehouse {settings.warehouse_path()}")
    for line in recover(instance, settings.warehouse_path()):  # runs a killed bilat left behind
        console.print(f"[yellow]{line}[/]")
    began = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("listings", total=None)

            def on_plan(days: list) -> None:
                span = f"{days[0]} … {days[-1]}" if days else "none"
                progress.update(task, total=len(days) + 1, description=f"{len(days)} days with documents ({span})")

            report = run_all(instance, default_resources(sources), args.start, args.end, on_plan,
                             lambda label: progress.update(task, advance=1, description=label), pool_timeout_s=args.pool_timeout)
    except KeyboardInterrupt as exc:
        return _interrupted(console, instance, exc)
    except PoolBusy as exc:
        console.print(f"[red]{exc}[/]")
        return 1
    elapsed = time.perf_counter() - began
    failed_sources = f", {len(report.source_problems)} sources unreadable" if report.source_problems else ""
    summary = Table(title=f"{report.runs} Dagster runs {'succeeded' if report.success else 'with FAILURES'}{failed_sources} in {elapsed:.1f}s")
    summary.add_column("asset")
    summary.add_column("rows written", justify="right")
    for asset, count in report.rows.items():
        summary.add_row(asset, str(count))
    console.print(summary)
    console.print(f"items: {report.unsuccessful()}")
    for warning in report.warnings:
        console.print(f"[yellow]{warning} (severity warn)[/]")
    for failure in report.failures:
        console.print(f"[red]{failure}[/]")
    for problem in report.source_problems:
        console.print(f"[red]source failed: {problem}[/]", highlight=False)
    _say_published(console, report)
    if not report.success:
        return 1
    # Policy: an unreadable source fails the command (exit 3) though the rest is published, unless allowed.
    sources_code = 3 if report.source_problems and not args.allow_source_failures else 0
    if not report.days:
        console.print("[yellow]the sources had no documents for those days[/]")
        return sources_code
    # the timeline is a courtesy: a warehouse with no coverage of that dyad (1) is no failure of the run
    shown = _timeline(argparse.Namespace(a=args.a, b=args.b, start=None, end=None, out=None))
    return sources_code if shown in (0, 1) else shown


def _say_published(console, report) -> None:
    """Whether the analysts' snapshot was replaced, and if not, why and which one they still see."""
    if report.published:
        return
    path = settings.warehouse_path()
    kept = (f"{path} is left as it was (published {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(path.stat().st_mtime))})"
            if path.exists() else f"nothing is published at {path} yet")
    why = f"{len(report.failures)} failure(s) above" if report.failures else "publishing did not run"
    console.print(f"[red]not published: {why}; {kept}[/]")


def _interrupted(console, instance, exc: BaseException) -> int:
    """Ctrl-C: the Dagster run it stopped is marked canceled; no further run starts; nothing is published."""
    from bilat.pipelines.recovery import cancel_interrupted

    cancel_interrupted(instance, getattr(exc, "run_id", None))
    console.print(f"[red]interrupted (Ctrl-C): the current Dagster run is canceled and no further runs start; "
                  f"{settings.warehouse_path()} is left as it was[/]")
    return 130


def _backfill(args: argparse.Namespace) -> int:
    """A backfill the webserver's daemon runs when one answers, else the same runs in this process."""
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from bilat.pipelines import backfill
    from bilat.pipelines.resources import default_resources

    console = Console()
    instance = _instance(dg)
    if args.start > args.end:
        console.print(f"[red]the range is empty: {args.start} is after {args.end}[/]")
        return 2
    try:
        keys = backfill.selected_keys(args.select)
    except backfill.BackfillError as exc:
        console.print(f"[red]{exc}[/]")
        return 2
    resources = default_resources()
    days = backfill.days_to_run(instance, resources, args.start, args.end, args.resume)
    if not days:
        console.print("nothing to do: no collection day of the range is left to run" if args.resume
                      else "nothing to do: the sources have nothing to collect on those days")
        return 0
    console.print(f"[bold]bilat backfill[/] {len(days)} collection day(s) with something to collect, {args.start} … {args.end}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    use_webserver = not args.local and backfill.webserver_answers(args.dagster_url)
    if not args.local and not use_webserver:
        console.print(f"no Dagster webserver answers at {args.dagster_url}: running here, against {settings.dagster_home() or 'a throw-away instance'}")
    if use_webserver:
        try:
            backfill_id = backfill.submit(args.dagster_url, instance, resources, days, f"bilat backfill {args.start} … {args.end}", keys)
        except backfill.BackfillError as exc:
            console.print(f"[red]the backfill was not submitted: {exc}[/]")
            return 1
        console.print(f"backfill [bold]{backfill_id}[/]: {args.dagster_url.rstrip('/')}/runs/b/{backfill_id}")
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("queued", total=len(days))
            status = backfill.follow(instance, backfill_id,
                                     lambda done, total, state: progress.update(task, completed=done, total=max(total, 1), description=state))
        console.print(f"backfill {backfill_id}: {status}")
        return 0 if status == "COMPLETED_SUCCESS" else 1
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("runs", total=len(days))
        report = backfill.run_local(instance, resources, days, keys, lambda label: progress.update(task, advance=1, description=label))
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

    from bilat.pipelines.recovery import PoolBusy, recover
    from bilat.pipelines.resources import default_resources
    from bilat.pipelines.runs import reprocess
    from bilat.warehouse.publish import working_path

    if _refuse_damaged_working_file():
        return 2
    console = Console()
    working = working_path(settings.warehouse_path())
    if not working.exists():
        console.print(f"[red]no working warehouse at {working}: run `bilat run` first (or set {settings.WAREHOUSE_ENV})[/]")
        return 2
    instance = _instance(dg)
    for line in recover(instance, settings.warehouse_path()):
        console.print(f"[yellow]{line}[/]")
    try:
        with console.status(f"reprocessing {args.start} … {args.end} from the raw store (no network)…"):
            report, changes = reprocess(instance, default_resources(), args.start, args.end, pool_timeout_s=args.pool_timeout)
    except KeyboardInterrupt as exc:
        return _interrupted(console, instance, exc)
    except PoolBusy as exc:
        console.print(f"[red]{exc}[/]")
        return 1
    table = Table(title=f"reprocessed {len(report.days)} days with extractor {settings.EXTRACTOR_VERSION}: what changed")
    for column in ("table", "rows before", "rows after", "added", "removed"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, change in changes.items():
        table.add_row(name, str(change.before), str(change.after), str(change.added), str(change.removed))
    console.print(table)
    for failure in report.failures:
        console.print(f"[red]{failure}[/]")
    _say_published(console, report)
    return 0 if report.success else 1


def _refuse_damaged_working_file() -> bool:
    """Say in one line that the working file cannot be read and what to run; True if so."""
    from bilat.verify import damaged_working_file_message, database_problem
    from bilat.warehouse.publish import working_path

    working = working_path(settings.warehouse_path())
    problem = database_problem(working)
    if problem is not None:
        print(damaged_working_file_message(working, problem), file=sys.stderr)
    return problem is not None


def _verify(args: argparse.Namespace) -> int:
    """Check the raw store and the warehouse files; print what is damaged and what to run."""
    from bilat.rawstore import RawStore
    from bilat.verify import verify
    from bilat.warehouse.publish import working_path

    published = settings.warehouse_path()
    found = verify(RawStore(settings.raw_store_path()), working_path(published), published)
    damaged_documents = sum(len(body.documents) for body in found.damaged)
    print(f"raw store {found.store}: {found.bodies} bodies, {len(found.damaged)} damaged or missing")
    for body in found.damaged:
        used = "; ".join(f"{url} ({day})" for url, day in body.documents) or "no document"
        print(f"  {body.digest[:12]}… {body.reason}: {used}")
    if found.documents is None:
        print("raw.documents: not checked, no readable warehouse")
    else:
        print(f"raw.documents: {found.documents} rows, {damaged_documents} without an intact body")
    for label, path, problem in (("working file", found.working, found.working_problem),
                                 ("published snapshot", found.published, found.published_problem)):
        state = "absent" if not path.exists() else f"cannot be read ({problem})" if problem else "readable"
        print(f"{label} {path}: {state}")
    if found.ok:
        print("nothing is damaged")
        return 0
    print("what to run:")
    for step in found.advice():
        print(f"  {step}")
    return 1


def _repair(args: argparse.Namespace) -> int:
    """Rebuild an unreadable working file from the published snapshot, then reprocess it from the raw store."""
    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from rich.console import Console

    from bilat import verify
    from bilat.pipelines.resources import default_resources
    from bilat.pipelines.runs import reprocess

    resources = default_resources()
    working, published = resources["warehouse"].working, Path(resources["warehouse"].path)
    problem = verify.database_problem(working)
    if problem is None and (working.exists() or not published.exists()):
        print(f"the working file {working} is {'readable' if working.exists() else 'absent and there is no snapshot'}: nothing to repair")
        return 0
    restored = verify.restore_working(working, published)
    for path in restored.set_aside:
        print(f"kept the unreadable file as {path}")
    if not restored.from_snapshot:
        print(f"the published snapshot {published} cannot be used ({restored.snapshot_problem}): the working file starts empty; "
              "run `bilat run` to collect the documents again (the raw store keeps every body it holds)")
        return 0
    print(f"restored {working} from the published snapshot {published}")
    days = verify.document_days(working)
    if days:
        with Console().status(f"reprocessing {days[0]} … {days[-1]} from the raw store (no network)…"):
            report, changes = reprocess(_instance(dg), resources, days[0], days[-1])
        print(f"reprocessed {len(report.days)} collection day{'s' if len(report.days) != 1 else ''} from the raw store: "
              f"{sum(c.added for c in changes.values())} rows added, {sum(c.removed for c in changes.values())} removed")
        for failure in report.failures:
            print(failure, file=sys.stderr)
        if not report.success:
            return 1
    unfiled = verify.unfiled_bodies(resources["sources"].raw_store(), working)
    if unfiled:
        print(f"{unfiled} bodies in the raw store are newer than the snapshot: run `bilat run` to file them again")
    return 0


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".!")


def _timeline(args: argparse.Namespace) -> int:
    import duckdb

    from bilat.report import print_timeline, timeline_rows
    from bilat.warehouse.load import connect

    path = settings.warehouse_path()
    if not Path(path).exists():
        print(f"no warehouse at {path}: run `bilat run` first (or set {settings.WAREHOUSE_ENV})", file=sys.stderr)
        return 2
    try:
        with connect(path, read_only=True) as con:
            rows = timeline_rows(con, args.a, args.b, args.start, args.end)
            if not rows:
                print(f"no coverage of {args.a}–{args.b} in the warehouse", file=sys.stderr)
                return 1
            print_timeline(rows, args.a, args.b)
            if getattr(args, "out", None):
                from bilat.chart import write_chart

                print(f"chart written to {write_chart(con, args.a, args.b, Path(args.out), args.start, args.end)}")
    except duckdb.Error as exc:
        print(f"cannot read the warehouse {path}: {_first_line(exc)}. The snapshot is damaged or incomplete: "
              f"run `bilat run` to publish a new one", file=sys.stderr)
        return 2
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
    run.add_argument("--start", type=_date, help="first collection day (default: today's and any not yet collected; an archive's capture day)")
    run.add_argument("--end", type=_date, help="last collection day, inclusive")
    run.add_argument("--a", default="USA", help="first actor of the timeline printed at the end (default USA)")
    run.add_argument("--b", default="IRQ", help="second actor (default IRQ)")
    run.add_argument("--allow-source-failures", action="store_true",
                     help="exit 0 even when a feed, sitemap or API could not be read (default: exit 3, the rest published)")
    run.add_argument("--pool-timeout", type=float, default=settings.POOL_WAIT_S, metavar="SECONDS",
                     help=f"give up (exit 1, naming the holder) when another live run keeps the warehouse pool this long (default {settings.POOL_WAIT_S:g})")
    run.set_defaults(handler=_run)

    timeline = commands.add_parser("timeline", help="print the month-by-month timeline of a dyad")
    timeline.add_argument("a", help="actor id, e.g. USA")
    timeline.add_argument("b", help="actor id, e.g. IRQ")
    timeline.add_argument("--from", dest="start", type=_date, help="first month (YYYY-MM-DD)")
    timeline.add_argument("--to", dest="end", type=_date, help="end (exclusive)")
    timeline.add_argument("--out", help="also draw the chart to this file: .png, or .html for an interactive page that needs no network")
    timeline.set_defaults(handler=_timeline)

    fill = commands.add_parser("backfill", help="materialize the collection days of a range as a Dagster backfill (through the webserver when one runs)")
    fill.add_argument("--start", type=_date, required=True, help="first collection day")
    fill.add_argument("--end", type=_date, required=True, help="last collection day, inclusive")
    fill.add_argument("--select", help="assets to materialize, e.g. raw/documents,core/articles (default: all)")
    fill.add_argument("--resume", action="store_true", help="only the days whose last materialization is missing or failed")
    fill.add_argument("--local", action="store_true", help="run in this process even if a webserver answers")
    fill.add_argument("--dagster-url", default="http://127.0.0.1:3000", help="the Dagster webserver (default the local one)")
    fill.set_defaults(handler=_backfill)

    again = commands.add_parser("reprocess", help="re-derive articles, extraction and marts for a range of collection days from the raw store, no network")
    again.add_argument("--start", type=_date, required=True, help="first collection day")
    again.add_argument("--end", type=_date, required=True, help="last collection day, inclusive")
    again.add_argument("--pool-timeout", type=float, default=settings.POOL_WAIT_S, metavar="SECONDS",
                       help=f"give up when another live run keeps the warehouse pool this long (default {settings.POOL_WAIT_S:g})")
    again.set_defaults(handler=_reprocess)

    check = commands.add_parser("verify", help="check every raw body against its hash and that the warehouse files can be read; say what to run")
    check.set_defaults(handler=_verify)

    repair = commands.add_parser("repair", help="rebuild a working file DuckDB cannot read from the published snapshot and the raw store")
    repair.set_defaults(handler=_repair)

    evaluation = commands.add_parser("eval", help="score extraction against gold-annotated articles (precision, recall, F1 per type)")
    evaluation.add_argument("--gold", default="tests/gold", help="folder of gold articles (default tests/gold)")
    evaluation.add_argument("--misses", action="append", metavar="TYPE",
                            help='also list the missed and spurious items of this type (e.g. "interactions"); repeatable')
    evaluation.set_defaults(handler=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    interrupts.watch()  # Ctrl-C is noticed even where DuckDB swallows it (bilat/interrupts.py)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
