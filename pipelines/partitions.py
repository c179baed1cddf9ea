"""Daily partitions by publication day. Undated documents are filed under the day they were fetched (for an
archive, its capture day), so nothing falls outside the partition space."""

from __future__ import annotations

from datetime import date

import dagster as dg

FIRST_DAY = "2014-01-01"

# A backfill runs at most this many days per run: twelve years are twelve runs, not 4,000, and yet progress
# shows and a failure costs at most a year. Dagster's cost of a ranged run grows with its days (it records a
# planned and a materialized event per day per asset), so one run of every day is no faster, only opaque.
DAYS_PER_RUN = 366

# end_offset=1 makes today's partition exist, so today's fetches (and undated documents) have a home.
daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, end_offset=1)
backfill_policy = dg.BackfillPolicy.multi_run(max_partitions_per_run=DAYS_PER_RUN)


def window(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """[start, end) of the partition or partition range being materialized."""
    tw = context.partition_time_window
    return tw.start.date(), tw.end.date()
