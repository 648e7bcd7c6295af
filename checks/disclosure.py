"""No published figure can single out a person (indicators.md, Disclosure control)."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.indicators import indicators_published


@dg.asset_check(asset=indicators_published, blocking=True,
                description="No published count, numerator or denominator from 1 to 4.")
def no_small_cells(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        by_indicator = conn.execute("""
            select indicator, count(*) from indicators_published
            where (numerator is null and denominator is null and value between 1 and 4)
               or numerator between 1 and 4 or denominator between 1 and 4
            group by all order by 1
        """).fetchall()
    return dg.AssetCheckResult(passed=not by_indicator, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"small_cells_by_indicator": dg.MetadataValue.json(dict(by_indicator))})
