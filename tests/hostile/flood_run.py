"""One collecting run over a flood feed, in its own process so its time and peak memory are its own.

    python -m tests.hostile.flood_run SOURCES_YAML WAREHOUSE RAW_STORE

Runs listings, then collect and parse for every day the listings file URLs under, and prints one JSON line:
seconds, peak RSS in MB, and the raw.discovered outcomes.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

import yaml

from bilat import stages
from bilat.rawstore import RawStore
from bilat.sources.config import parse_sources
from bilat.warehouse.load import connect


def main(sources: str, warehouse: str, raw: str) -> None:
    began = time.perf_counter()
    specs = parse_sources(yaml.safe_load(Path(sources).read_text()), base_dir=Path(sources).parent)
    store = RawStore(Path(raw))
    with connect(Path(warehouse)) as con:
        stages.refresh_listings_stage(con, specs, store)
        days = [d for (d,) in con.execute("SELECT DISTINCT partition_date FROM raw.listings ORDER BY 1").fetchall()]
        for day in days:
            stages.collect_raw(con, specs, store, day, day + timedelta(days=1))
            stages.parse_articles(con, store, day, day + timedelta(days=1))
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM raw.discovered GROUP BY 1").fetchall())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"seconds": round(time.perf_counter() - began, 1), "peak_rss_mb": round(peak_mb), "outcomes": outcomes}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
