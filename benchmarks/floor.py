"""Child process: the floor. DuckDB reads every delivery file of the landing folder once.

    python -m benchmarks.floor DATA      prints {"rows": ..., "seconds": ...}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

DATASETS = ["shelter_stays", "interventions", "homeless_count"]


def main(data: str) -> dict:
    started = time.perf_counter()
    conn = duckdb.connect()
    rows = sum(conn.execute(f"select count(*) from read_csv(?, header = true, all_varchar = true)",
                            [str(Path(data) / dataset / "*.csv")]).fetchall()[0][0]
               for dataset in DATASETS if any((Path(data) / dataset).glob("*.csv")))
    return {"rows": rows, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
