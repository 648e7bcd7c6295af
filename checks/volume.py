"""Guards on volume: an emptied or half-copied landing folder never replaces good core tables.

The core tables are replaced from staging only after these blocking checks pass (write-audit-
publish), so the last good core table is the yardstick: staging may not be empty where it held
rows, nor fall by more than `HFMON_MAX_VOLUME_DROP` (a share, default 0.25) of them. A real
shrink (a provider withdrawn, a year deleted on purpose) is let through by raising that setting
for one run.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from checks.contract import DELIVERED, Dataset
from pipelines.resources import table_exists
from pipelines.settings import Settings


def volume_problem(dataset: str, staged: int, last_good: int | None, allowed_drop: float) -> str | None:
    """Why `staged` rows may not replace `last_good` ones (None when they may)."""
    if not last_good or staged >= last_good:
        return None
    drop = 1 - staged / last_good
    if staged and drop <= allowed_drop:
        return None
    return (f"{dataset}: the validated rows would fall from {last_good:,} (the last good {dataset} table) to "
            f"{staged:,}, a drop of {drop:.0%}" + ("" if not staged else f", more than the {allowed_drop:.0%} "
                                                   "allowed (HFMON_MAX_VOLUME_DROP)")
            + f". Is the landing folder's {dataset}/ empty or half-copied? The last good tables are kept; "
            "restore the files and run again, or, if the drop is intended, run once with HFMON_MAX_VOLUME_DROP=1.")


def table_rows(conn, table: str) -> int | None:
    """Rows in a table or view (staging is a view when only changed contents were judged); None when absent."""
    return conn.execute(f"select count(*) from {table}").fetchall()[0][0] \
        if table_exists(conn, table, views=True) else None


def volume_check(dataset: Dataset) -> dg.AssetChecksDefinition:
    @dg.asset_check(name="no_collapse_in_volume", asset=f"staging_{dataset.name}", blocking=True,
                    description=f"staging_{dataset.name} is not empty, nor more than HFMON_MAX_VOLUME_DROP "
                                f"(default 25 %) smaller than the last good {dataset.name} table.")
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        allowed = Settings.resolve().max_volume_drop
        with duckdb.get_connection() as conn:
            staged, last_good = table_rows(conn, f"staging_{dataset.name}"), table_rows(conn, dataset.name)
        problem = volume_problem(dataset.name, staged or 0, last_good, allowed)
        return dg.AssetCheckResult(
            passed=problem is None, severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows_validated": staged or 0, "rows_last_good": last_good or 0,
                      "allowed_drop": allowed, **({"message": problem} if problem else {})})

    return _check


volume_checks = [volume_check(dataset) for dataset in DELIVERED]
