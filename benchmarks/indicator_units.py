"""What each indicator file costs: every unit of assets/sql/indicators/ timed on a finished
warehouse, and the kroner units' ("Who pays") share of the indicator time.

    python -m benchmarks.indicator_units WAREHOUSE [--repeat N] [--only ID ...] [--json]

Each unit's SELECT is materialised into a temp table (the warehouse is opened read-only), `repeat`
times; its best time counts, so a cold cache does not decide. The total is what the `indicators`
asset spends in its units (the rest is writing the rows and the run id).
"""

from __future__ import annotations

import argparse
import json
import time

import duckdb

from assets.indicator_units import read_units
from assets.indicators import INDICATOR_SQL_DIR
from pipelines.settings import Settings


def unit_seconds(warehouse: str, repeat: int, only: list[str] | None = None) -> dict[str, float]:
    # The pipeline's own memory cap, so the units run as they do in a run.
    config = {"memory_limit": Settings.resolve().duckdb_memory_limit}
    with duckdb.connect(warehouse, read_only=True, config=config) as conn:
        seconds = {}
        for unit in read_units(INDICATOR_SQL_DIR):
            if only and unit.indicator not in only:
                continue
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                conn.execute(f"create or replace temp table unit_rows as {unit.sql()}")
                best = min(best, time.perf_counter() - start)
            seconds[unit.indicator] = best
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", nargs="+", help="time these indicators only")
    parser.add_argument("--json", action="store_true", help="print {seconds, units} as JSON (for benchmarks.run)")
    args = parser.parse_args()
    seconds = unit_seconds(args.warehouse, args.repeat, args.only)
    if args.json:
        print(json.dumps({"seconds": sum(seconds.values()), "units": seconds}))
        return
    kroner = {name: s for name, s in seconds.items() if name.endswith("_dkk")}
    others = sum(s for name, s in seconds.items() if name not in kroner)
    for name, s in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{name:40} {s:7.2f} s{'  (kroner)' if name in kroner else ''}")
    print(f"\nall units {sum(seconds.values()):.1f} s; without the kroner units {others:.1f} s; "
          f"the kroner units {sum(kroner.values()):.1f} s = +{sum(kroner.values()) / others:.1%}")


if __name__ == "__main__":
    main()
