"""Indicators: every figure of shared/spec/indicators.md, in one long table, then disclosure control.

Each indicator is one SQL file in `assets/sql/indicators/`, named after it, that quotes the spec's
definition (see `assets/indicator_units.py` for the file's form). Adding an indicator is one file
plus a test.
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from assets.indicator_units import IndicatorUnit, read_units
from assets.model import (area_population, areas, cases_current, data_window, episode_starts, episodes, periods,
                          person_months, refund_cap_nights, stay_nights, stays_current)
from assets.reference import hf_unit_costs_table, shelter_rates_table
from pipelines.resources import OWNERS, table_exists, table_metadata
from pipelines.settings import code_version

SQL_DIR = Path(__file__).parent / "sql"
INDICATOR_SQL_DIR = SQL_DIR / "indicators"
INDICATOR_COLUMNS = "indicator, level, area_code, period, breakdown, value, numerator, denominator, status"
# The published figures are due after each quarter's delivery deadline (30 days after the quarter;
# the quarterly schedule runs on the 2nd of the month after): fresh when computed after the deadline.
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.cron(deadline_cron="0 12 2 2,5,8,11 *", lower_bound_delta=timedelta(days=2),
                                              timezone="Europe/Copenhagen")
# Secondary suppression can make a new single suppressed cell in another group; repeat until stable.
MAX_SUPPRESSION_PASSES = 10


MODEL_TABLES = [stays_current, data_window, periods, areas, episodes, episode_starts, person_months, stay_nights,
                refund_cap_nights, cases_current, area_population, "homeless_count", shelter_rates_table, hf_unit_costs_table]


# What the indicators read besides the model's person-level tables: other contents recompute every period.
INDICATOR_CODE = ("assets/indicators.py", "assets/indicator_units.py", "assets/sql/indicators")
OTHER_INPUTS = ("homeless_count", "shelter_rates", "hf_unit_costs", "area_population", "areas", "municipalities",
                "shelters")


def inputs_version(conn) -> str:
    sums = conn.execute("select " + ", ".join(f"(select sum(hash(t)) from {table} t)" for table in OTHER_INPUTS))
    return f"{code_version(*INDICATOR_CODE)} {sums.fetchall()[0]}"


def changed_since(conn, version: str) -> date | None | bool:
    """The earliest date a change since the indicators were last computed can move a figure at
    (`figures_changed_since`, kept by assets/model_changes.py); None when every period must be
    computed (other inputs, other code, or no complete earlier computation); False when nothing changed."""
    if not all(table_exists(conn, t) for t in ("indicators", "indicators_state", "figures_changed_since")):
        return None
    if conn.execute("select version from indicators_state").fetchall() != [(version,)]:
        return None
    every, since = conn.execute("select bool_or(since is null), min(since) from figures_changed_since").fetchall()[0]
    return None if every else since or False


def compute_unit(conn, unit: IndicatorUnit, since: date | None) -> bool:
    """`unit`'s rows of `indicators`: for every period, or for those a change on `since` can reach.
    A breakdown that the facts of those periods have and the kept rows do not, or the reverse,
    means the breakdowns of a run computing every period would differ: then every period it is.
    Returns whether every period was computed."""
    if since is None:
        conn.execute(f"insert into indicators ({INDICATOR_COLUMNS}) select {INDICATOR_COLUMNS} from ({unit.sql()})")
        return True
    conn.execute(f"delete from indicators where indicator = ? and period in (select period from "
                 f"({unit.recomputed('periods', since)}))", [unit.indicator])
    conn.execute(f"create or replace temp table unit_rows as {unit.sql(since)}")
    other_breakdowns = conn.execute("""
        select exists (select 1 from unit_rows where not breakdown_seen)
            or exists (select breakdown from unit_rows except select breakdown from indicators where indicator = ?)
    """, [unit.indicator]).fetchall()[0][0]
    if other_breakdowns:
        conn.execute("delete from indicators where indicator = ?", [unit.indicator])
        conn.execute(f"create or replace temp table unit_rows as {unit.sql()}")
    conn.execute(f"insert into indicators ({INDICATOR_COLUMNS}) select {INDICATOR_COLUMNS} from unit_rows")
    conn.execute("drop table unit_rows")
    return other_breakdowns


@dg.asset(group_name="indicators", kinds={"duckdb"}, deps=MODEL_TABLES, owners=OWNERS)
def indicators(context: AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every indicator for every level, area and complete period (exact figures; stays in the warehouse).
    Each row carries the run that computed it and the data cutoff (lineage). After a model computed
    per changed person, only the periods those changes can reach are computed again."""
    with duckdb.get_connection() as conn:
        version = inputs_version(conn)
        since = changed_since(conn, version)
        conn.execute("drop table if exists indicators_state")   # written again when complete
        if since is None:
            conn.execute("""
                create or replace table indicators (
                    indicator varchar not null, level varchar not null, area_code varchar not null,
                    period varchar not null, breakdown varchar not null, value double, numerator double,
                    denominator double, status varchar not null, run_id varchar, cutoff date,
                    primary key (indicator, level, area_code, period, breakdown))
            """)
        conn.execute("begin")
        conn.execute("delete from indicators where period not in (select period from periods)")
        every_period = []   # the units computed for every period although only some changed
        for unit in read_units(INDICATOR_SQL_DIR) if since is not False else []:
            if compute_unit(conn, unit, since) and since:
                every_period.append(unit.indicator)
        conn.execute("update indicators set run_id = ?, cutoff = (select cutoff from data_window)", [context.run_id])
        conn.execute("create or replace table indicators_state as select ? as version", [version])
        conn.execute("create or replace table figures_changed_since (since date)")
        conn.execute("commit")
        per_indicator = dict(conn.execute(
            "select indicator, count(*) from indicators group by all order by 1").fetchall())
        metadata = table_metadata(conn, "indicators")
    computed = "every period" if since is None else "no period (nothing changed)" if since is False else \
        f"the periods a change since {since} can reach" + (
            f" (every period for {len(every_period)} whose breakdowns changed)" if every_period else "")
    return dg.MaterializeResult(metadata={**metadata, "computed_for": computed,
                                          "rows_per_indicator": dg.MetadataValue.json(per_indicator)})


def apply_disclosure_control(conn) -> None:
    """`indicators` -> `indicators_published`: primary suppression, then secondary suppression and
    figures computed from one another hidden together, repeated until nothing changes."""
    conn.execute((SQL_DIR / "disclosure_primary.sql").read_text())
    secondary = (SQL_DIR / "disclosure_secondary.sql").read_text()
    linked = (SQL_DIR / "disclosure_linked.sql").read_text()
    for _ in range(MAX_SUPPRESSION_PASSES):
        newly = conn.execute(secondary).fetchall()[0][0] + conn.execute(linked).fetchall()[0][0]
        if not newly:
            break
    conn.execute((SQL_DIR / "disclosure_publish.sql").read_text())


@dg.asset(group_name="indicators", kinds={"duckdb"}, deps=[indicators], owners=OWNERS,
          freshness_policy=PUBLISHED_FRESHNESS)
def indicators_published(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """`indicators` after disclosure control: the only table that leaves the warehouse."""
    with duckdb.get_connection() as conn:
        apply_disclosure_control(conn)
        suppressed = dict(conn.execute("""select suppression, count(*) from indicators_published
                                          where suppression <> '' group by all""").fetchall())
        metadata = table_metadata(conn, "indicators_published")
    return dg.MaterializeResult(metadata={**metadata,
                                          "suppressed_primary": suppressed.get("primary", 0),
                                          "suppressed_secondary": suppressed.get("secondary", 0)})
