"""Daily partitions by publication day. Undated documents are filed under the day they were fetched (for an
archive, its capture day), so nothing falls outside the partition space."""

from __future__ import annotations

from datetime import date

import dagster as dg

FIRST_DAY = "2014-01-01"

# end_offset=1 makes today's partition exist, so today's fetches (and undated documents) have a home.
daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, end_offset=1)


def window(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """[start, end) of the partition or partition range being materialized."""
    tw = context.partition_time_window
    return tw.start.date(), tw.end.date()
