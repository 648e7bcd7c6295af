"""Nothing is lost: per file, rows read = rows valid + rows quarantined (blocking)."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.validate import deliveries, missing_deliveries


@dg.asset_check(asset=deliveries, blocking=True,
                description="Every row read is either valid or quarantined, per file (rows_read = rows_valid + "
                            "rows_quarantined).")
def rows_accounted_for(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        unbalanced = conn.execute("""
            select source_file, rows_read, rows_valid, rows_quarantined from deliveries
            where rows_read <> rows_valid + rows_quarantined order by source_file
        """).fetchall()
    return dg.AssetCheckResult(
        passed=not unbalanced, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"files_out_of_balance": len(unbalanced),
                  "examples": dg.MetadataValue.json([
                      {"file": f, "read": r, "valid": v, "quarantined": q} for f, r, v, q in unbalanced[:10]])})


@dg.asset_check(asset=missing_deliveries, description="Every shelter and municipality has delivered every quarter "
                                                       "whose 30-day deadline has passed (WARN).")
def no_late_deliveries(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        late = conn.execute("""select dataset, provider, list(period order by period) from missing_deliveries
                               group by all order by 1, 2""").fetchall()
    return dg.AssetCheckResult(passed=not late, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"providers_late": len(late), "missing": dg.MetadataValue.json(
                                   [{"dataset": d, "provider": p, "periods": q} for d, p, q in late[:50]])})
