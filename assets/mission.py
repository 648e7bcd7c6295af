"""Mission targets and peer groups: the shared goals partners committed to, and how each area is
doing against them and against municipalities like it.

- `targets`: reference/targets.csv (optional), validated like every other reference file.
- `peer_groups`: each municipality's peer group (rule in sql/mission/peer_groups.sql).
- `target_progress`: baseline, latest value, straight-line path and status per target and area.
- `peer_comparison`: each peer group's median of the key indicators.
All figures come from `indicators_published`, so nothing here needs disclosure control again.
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.indicator_units import read_units
from assets.indicators import INDICATOR_SQL_DIR, indicators_published
from assets.reference import load_reference, municipalities_table
from assets.model import areas, periods, row_count
from checks.contract import TARGETS
from pipelines.resources import LandingFolder

MISSION_SQL = Path(__file__).parent / "sql" / "mission"


def register_known_indicators(conn) -> None:
    """Temp table `known_indicators`: every indicator id a target may name (one per SQL unit)."""
    indicator_ids = sorted({unit.indicator for unit in read_units(INDICATOR_SQL_DIR)})
    conn.execute("create or replace temp table known_indicators as select unnest(?::varchar[]) as indicator",
                 [indicator_ids])


def run_sql(duckdb: DuckDBResource, table: str) -> dg.MaterializeResult:
    with duckdb.get_connection() as conn:
        conn.execute((MISSION_SQL / f"{table}.sql").read_text())
        rows = row_count(conn, table)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(group_name="reference", kinds={"duckdb"}, deps=[municipalities_table])
def targets(duckdb: DuckDBResource, landing: LandingFolder) -> dg.MaterializeResult:
    """Mission targets from reference/targets.csv (none when the file is absent); the run stops with
    file, line, column and rule when a target breaks the contract."""
    path = landing.root() / "reference" / "targets.csv"
    with duckdb.get_connection() as conn:
        register_known_indicators(conn)
        rows = load_reference(conn, TARGETS, path)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "file_present": path.exists()})


@dg.asset(group_name="reference", kinds={"duckdb"}, deps=[municipalities_table, "population"])
def peer_groups(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Each municipality's peer group: capital, capital suburbs, large cities, other urban, rural."""
    return run_sql(duckdb, "peer_groups")


@dg.asset(group_name="mission", kinds={"duckdb"}, deps=[targets, indicators_published, periods, areas])
def target_progress(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Per target and area: baseline, latest value, the straight-line path and a status."""
    result = run_sql(duckdb, "target_progress")
    with duckdb.get_connection() as conn:
        statuses = dict(conn.execute("select status, count(*) from target_progress group by all").fetchall())
    return dg.MaterializeResult(metadata={**result.metadata, "statuses": dg.MetadataValue.json(statuses)})


@dg.asset(group_name="mission", kinds={"duckdb"}, deps=[peer_groups, indicators_published])
def peer_comparison(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Each peer group's median of the key indicators in the latest year they can be measured."""
    return run_sql(duckdb, "peer_comparison")
