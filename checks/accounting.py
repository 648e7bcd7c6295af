"""Nothing is lost: per file, rows read = rows valid + rows quarantined (blocking)."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.validate import deliveries


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
