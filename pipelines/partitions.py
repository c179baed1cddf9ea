"""Partitions by collection day: the day documents entered the raw store (an archive's capture day, a GDELT
query window's day, the day a feed, sitemap or URL list first listed a URL).

Only days that have documents exist: the partitions are dynamic, added by `bilat run`, `bilat backfill`, the
schedule and the sensor before they run a day. So a day without documents is not "missing", and Dagster's
events grow with collections, not with the calendar. The publication date is a column (``published_at``) that
the marts and timelines use: any publication date, 2003 or 3000, has a home, the day it was collected.

Every run materializes one partition (no backfill policy, so no ranged runs): each partition's row counts and
previews are its own, which Dagster 1.13 cannot record for a range (one MaterializeResult is copied to every
partition of a ranged run; yielding one AssetMaterialization per partition is followed by the framework's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import dagster as dg

collection_days = dg.DynamicPartitionsDefinition(name="collection_days")


def window(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """[start, end) of the collection day being materialized."""
    day = date.fromisoformat(context.partition_key)
    return day, day + timedelta(days=1)


def add_days(instance: dg.DagsterInstance, days: Iterable[date]) -> list[str]:
    """Make these collection days partitions (those that are not yet); returns their keys, sorted."""
    keys = sorted({d.isoformat() for d in days})
    new = [k for k in keys if not instance.has_dynamic_partition(collection_days.name, k)]
    if new:
        instance.add_dynamic_partitions(collection_days.name, new)
    return keys
