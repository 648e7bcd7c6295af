"""Model: the tables every indicator shares, each computed once.

- `stays_current`: one row per stay, as the latest delivery reports it (data contract: "the row
  from the latest period wins").
- `data_window`: the cutoff (latest period end among the shelter deliveries) and the data start.
- `periods`: every complete year, quarter and month between them.
- `areas`: DK, the five regions and the 98 municipalities.
- `episodes`, `stay_nights`, `refund_years`, `refund_cap_nights`, `episode_starts`, `person_months`,
  `cases_current`, `area_population`, `missing_rates`.
Each table's SQL is in `assets/sql/model/<table>.sql`, quoting the definition it implements.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.model_changes import (PERSON_TABLES, complete_model, number_changed_persons, person_scope,
                                  plan_model)
from assets.reference import hf_unit_costs_table, municipalities_table, shelter_rates_table, shelters_table
from assets.validate import core_tables

shelter_stays_table, interventions_table, _ = core_tables
MODEL_SQL = Path(__file__).parent / "sql" / "model"
REFUND_CAP_START = "2023-10-01"


def row_count(conn, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchall()[0][0]


def build(conn, table: str) -> None:
    """Run assets/sql/model/<table>.sql (with the month-number macros); a person-level table only
    for the changed persons when the model is computed per person (assets/model_changes.py)."""
    with person_scope(conn, table) if table in PERSON_TABLES else nullcontext():
        conn.execute((MODEL_SQL / "month_numbers.sql").read_text())
        conn.execute((MODEL_SQL / f"{table}.sql").read_text())


def materialise(duckdb: DuckDBResource, table: str) -> dg.MaterializeResult:
    """Build `table` and report its row count."""
    with duckdb.get_connection() as conn:
        build(conn, table)
        rows = row_count(conn, table)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[shelter_stays_table])
def data_window(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The cutoff and the data start, from the shelter deliveries that were loaded."""
    with duckdb.get_connection() as conn:
        conn.execute("""
            create or replace table data_window as
            select min(period_start) as data_start, max(period_end) as cutoff
            from deliveries where dataset = 'shelter_stays' and status = 'loaded'
        """)
        start, cutoff = conn.execute("select data_start, cutoff from data_window").fetchall()[0]
    if cutoff is None:
        raise dg.Failure(description="No shelter_stays delivery was loaded, so there is no cutoff to compute "
                                     "indicators to. Check the landing folder's shelter_stays/ and the refusals.")
    return dg.MaterializeResult(metadata={"data_start": str(start), "cutoff": str(cutoff)})


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[shelter_stays_table, interventions_table, data_window])
def person_numbers(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every person once, with the integer the model counts by (the pseudonym stays here); and
    whether the model is computed for every person or only for those the run's deliveries changed."""
    with duckdb.get_connection() as conn:
        computed = plan_model(conn)
        if computed == "every person":
            build(conn, "person_numbers")
        else:
            computed += f", {number_changed_persons(conn):,}"
        rows = row_count(conn, "person_numbers")
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "computed_for": f"{computed} of {rows:,}"})


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[shelter_stays_table, person_numbers])
def stays_current(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Each stay once, as reported by the latest period that includes it (later files win ties)."""
    return materialise(duckdb, "stays_current")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[data_window])
def periods(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Complete years (2024), quarters (2024-Q3) and months (2024-07) from the data start to the cutoff."""
    return materialise(duckdb, "periods")


@dg.asset(group_name="reference", kinds={"duckdb"}, deps=[municipalities_table])
def areas(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every area a figure is published for: level, area_code and the region it lies in."""
    return materialise(duckdb, "areas")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[stays_current, data_window])
def episodes(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Episodes: a person's stays no more than one day apart, across shelters, as one spell."""
    return materialise(duckdb, "episodes")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[stays_current, data_window, shelters_table])
def stay_nights(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The nights each stay covers (first and last night), a night counted once per person."""
    return materialise(duckdb, "stay_nights")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[stay_nights])
def refund_years(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Each person's refund years: 365 days from the first shelter night on or after 2023-10-01,
    the next from the first shelter night after that year ends."""
    with duckdb.get_connection() as conn, person_scope(conn, "refund_years"):
        conn.execute(f"""
            create or replace table refund_years as
            select person_no, 1 as year_no, min(greatest(first_night, date '{REFUND_CAP_START}')) as year_start
            from stay_nights where last_night >= date '{REFUND_CAP_START}'
            group by person_no
        """)
        # Each pass finds everyone's next refund year at once; passes = the most years anyone has.
        year_no = 1
        while True:
            added = conn.execute("""
                insert into refund_years
                select n.person_no, y.year_no + 1, min(greatest(n.first_night, y.year_start + 365))
                from refund_years y
                join stay_nights n on n.person_no = y.person_no and n.last_night >= y.year_start + 365
                where y.year_no = ?
                group by n.person_no, y.year_no
            """, [year_no]).fetchall()[0][0]
            if not added:
                break
            year_no += 1
    with duckdb.get_connection() as conn:
        rows = row_count(conn, "refund_years")
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "most_refund_years": year_no})


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[refund_years])
def refund_cap_nights(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Runs of nights beyond the state refund cap (120, from 2026-04-01 90 nights a refund year)."""
    return materialise(duckdb, "refund_cap_nights")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[interventions_table, person_numbers])
def cases_current(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Housing First and § 85 cases, each once, as the latest delivery reports it."""
    return materialise(duckdb, "cases_current")


@dg.asset(group_name="model", kinds={"duckdb"}, deps=[episodes])
def episode_starts(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Each episode's start: who, when, where, from which prior situation, and whether first-time."""
    return materialise(duckdb, "episode_starts")


@dg.asset(group_name="model", kinds={"duckdb"},
          deps=[stays_current, episodes, episode_starts, stay_nights, refund_cap_nights, cases_current, data_window,
                municipalities_table])
def person_months(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The months each person counts in, per area (municipality, region, DK), as bit masks: what
    makes a period's distinct persons a count of rows (active, starting, exiting, with a night,
    beyond the refund cap, young, in a Housing First case). The last person-level table: the model
    is then whole."""
    with duckdb.get_connection() as conn:
        build(conn, "person_months")
        complete_model(conn)
        rows = row_count(conn, "person_months")
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(group_name="reference", kinds={"duckdb"}, deps=[areas, "population"])
def area_population(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Inhabitants per area and year (regions and Denmark summed from their municipalities)."""
    return materialise(duckdb, "area_population")


@dg.asset(group_name="model", kinds={"duckdb"},
          deps=[stay_nights, cases_current, periods, shelters_table, shelter_rates_table, hf_unit_costs_table])
def missing_rates(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Shelters and Housing First methods with nights or case days in a year that has no rate (their
    kroner figures are no_data; the data-quality page lists them)."""
    return materialise(duckdb, "missing_rates")
