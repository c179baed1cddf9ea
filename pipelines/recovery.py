"""Runs whose process is gone, and a bounded wait for the warehouse pool.

A ``bilat run`` killed with SIGKILL (or a crashed run worker) cannot record its end: its Dagster run stays
STARTED and keeps its slot of the ``duckdb_warehouse`` pool, and every later run waits for that slot forever.
Before a command starts its runs, ``recover`` finds such runs of the instance (their process, recorded by
Dagster with every event, no longer exists), marks them failed and frees their slots; it also frees slots that
finished or deleted runs still hold, and removes the staging copies a killed publish left beside the
snapshot. ``wait_for_pool`` then waits a bounded time for the pool and, if a live run keeps it, says which.

The pid check assumes the instance's runs ran on this machine, as they do with the default SQLite instance.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bilat.pipelines.resources import WAREHOUSE_POOL
from bilat.settings import POOL_WAIT_S
from bilat.warehouse.publish import remove_stale_staging

#: Statuses of a run that is, or claims to be, executing somewhere.
IN_FLIGHT = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


class PoolBusy(RuntimeError):
    """The warehouse pool stayed held by a live run for the whole wait."""


@dataclass(frozen=True)
class Holder:
    run_id: str
    step_key: str
    status: str
    pid: int | None


def run_process(instance: dg.DagsterInstance, run_id: str) -> tuple[int | None, float | None]:
    """The pid that started the run and when (Dagster records the pid with every event)."""
    for entry in instance.event_log_storage.get_logs_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1):
        if entry.dagster_event is not None and entry.dagster_event.pid is not None:
            return entry.dagster_event.pid, entry.timestamp
    return None, None


def process_alive(pid: int, since: float | None = None) -> bool:
    """Whether ``pid`` is a running process that was already running at ``since`` (not a reused pid)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # Linux: a zombie is dead, and a process started after the run is another one with the same pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            return False
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime"))
        started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return since is None or started <= since + 1
    except (OSError, ValueError, IndexError, StopIteration):
        return True


def recover(instance: dg.DagsterInstance, published: Path | None = None) -> list[str]:
    """Fail the runs whose process is gone and free the pool slots nobody uses; one line per thing done."""
    lines, stale = [], []
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_FLIGHT)):
        run = record.dagster_run
        pid, started = run_process(instance, run.run_id)
        if pid is not None and not process_alive(pid, started):
            instance.report_run_failed(run, f"The process of this run (pid {pid}) is gone (killed?): marked failed by bilat, its pool slots freed.")
            stale.append(run.run_id)
    storage = instance.event_log_storage
    freed = 0
    if storage.supports_global_concurrency_limits:
        holders = {slot.run_id for slot in storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots}
        for run_id in storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:  # a finished run's slots are never used again
                freed += run_id in holders
                storage.free_concurrency_slots_for_run(run_id)
    if stale:
        lines.append(f"recovered {len(stale)} Dagster run(s) whose process is gone ({', '.join(r[:8] for r in stale)}): "
                     f"marked failed, {freed} slot(s) of pool {WAREHOUSE_POOL} freed")
    elif freed:
        lines.append(f"freed {freed} slot(s) of pool {WAREHOUSE_POOL} held by finished runs")
    if published is not None:
        removed = remove_stale_staging(published)
        if removed:
            lines.append(f"removed {len(removed)} staging file(s) a killed publish left: {', '.join(p.name for p in removed)}")
    return lines


def pool_holders(instance: dg.DagsterInstance, pool: str = WAREHOUSE_POOL) -> list[Holder] | None:
    """Who holds the pool's slots when all are taken; None when a slot is free (or pools are not enforced)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return None
    info = storage.get_concurrency_info(pool)
    limit = info.limit if info.limit is not None else info.slot_count
    if not limit or len(info.claimed_slots) < limit:
        return None
    holders = []
    for slot in info.claimed_slots:
        run = instance.get_run_by_id(slot.run_id)
        holders.append(Holder(slot.run_id, slot.step_key, run.status.value if run else "deleted", run_process(instance, slot.run_id)[0]))
    return holders


def wait_for_pool(instance: dg.DagsterInstance, timeout_s: float = POOL_WAIT_S, poll_s: float = 1.0) -> None:
    """Return once the warehouse pool has a free slot; raise PoolBusy naming the holder after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while (holders := pool_holders(instance)) is not None:
        if time.monotonic() >= deadline:
            named = "; ".join(f"run {h.run_id} (step {h.step_key}, {h.status}, pid {h.pid or '?'})" for h in holders)
            raise PoolBusy(f"pool {WAREHOUSE_POOL} is still held after {timeout_s:g}s by {named}: wait for it to finish, "
                           f"or stop it (Dagster UI, Runs → Terminate) and run again")
        recover(instance)  # the holder may have died meanwhile
        time.sleep(poll_s)


def cancel_interrupted(instance: dg.DagsterInstance, run_id: str | None) -> None:
    """After Ctrl-C: mark canceled the run it stopped (Dagster records it as failed) and any run this process
    left in flight (interrupted outside a step), and free their slots."""
    run_ids = {run_id} if run_id else set()
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_FLIGHT)):
        if run_process(instance, record.dagster_run.run_id)[0] == os.getpid():
            run_ids.add(record.dagster_run.run_id)
    for stopped in filter(None, map(instance.get_run_by_id, run_ids)):
        instance.report_run_canceled(stopped, "Interrupted (Ctrl-C): bilat stopped this run and starts no other.")
        instance.event_log_storage.free_concurrency_slots_for_run(stopped.run_id)
