"""Each GX suite in checks/gx_suites.py as a Dagster asset check, shown in the UI with its counts
and the rules that failed (aggregates only, never a person-level value)."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from checks.gx_suites import SUITES, Suite, failures_table, run_suite


def gx_check(suite: Suite) -> dg.AssetChecksDefinition:
    severity = dg.AssetCheckSeverity.ERROR if suite.blocking else dg.AssetCheckSeverity.WARN

    @dg.asset_check(name=f"gx_{suite.name}", asset=suite.asset, blocking=suite.blocking,
                    description=f"Great Expectations: {suite.description}")
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as conn:
            frame = conn.execute(suite.query).df()
        outcome = run_suite(frame, suite)
        return dg.AssetCheckResult(
            passed=outcome["success"], severity=severity,
            metadata={"expectations_evaluated": outcome["evaluated"],
                      "expectations_failed": len(outcome["failures"]),
                      "rows_checked": outcome["rows_checked"],
                      **({"failed_rules": dg.MetadataValue.md(failures_table(outcome["failures"]))}
                         if outcome["failures"] else {}),
                      "failed_rules_json": dg.MetadataValue.json(outcome["failures"])})

    return _check


gx_checks = [gx_check(suite) for suite in SUITES]
