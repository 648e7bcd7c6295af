"""Child process: the floors. DuckDB reads every delivery file of the landing folder once
(`count(*)`, the issue's floor), then stores them once as text tables in a new DuckDB file (the
least any pipeline that keeps every delivered row, as the data contract requires, must spend).

    python -m benchmarks.floor DATA      prints {"rows": ..., "seconds": ..., "store_seconds": ...}
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb

DATASETS = ["shelter_stays", "interventions", "homeless_count"]


def main(data: str) -> dict:
    delivered = [str(Path(data) / dataset / "*.csv") for dataset in DATASETS if any((Path(data) / dataset).glob("*.csv"))]
    started = time.perf_counter()
    conn = duckdb.connect()
    rows = sum(conn.execute("select count(*) from read_csv(?, header = true, all_varchar = true)", [files]).fetchall()[0][0]
               for files in delivered)
    seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(dir=Path(data).parent) as scratch:
        started = time.perf_counter()
        with duckdb.connect(str(Path(scratch) / "store.duckdb"), config={"memory_limit": "2GB"}) as store:
            for n, files in enumerate(delivered):
                store.execute(f"create table delivered_{n} as select * from read_csv(?, header = true, "
                              "all_varchar = true, filename = true)", [files])
        store_seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "store_seconds": store_seconds}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
