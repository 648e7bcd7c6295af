"""A tiny hand-built world for indicator tests: a few people, stays and cases whose figures can be
worked out by hand. It writes the validated tables into a real DuckDB file, then runs the real
model and indicator assets over it (invoked directly, with the project's Warehouse resource)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from assets import indicators as indicator_assets
from assets import model
from pipelines.resources import Warehouse

MUNICIPALITIES = [(101, "København", 1084), (147, "Frederiksberg", 1084), (751, "Aarhus", 1082)]
POPULATION = {101: 10_000, 147: 5_000, 751: 20_000}
SHELTERS = [("S1", "Herberg 1", 101, 10, "adults"), ("S2", "Herberg 2", 751, 5, "adults")]
MODEL_STEPS = [model.person_numbers, model.stays_current, model.data_window, model.periods, model.areas, model.episodes,
               model.stay_nights, model.refund_years, model.refund_cap_nights, model.cases_current,
               model.episode_starts, model.person_months, model.area_population, model.missing_rates, indicator_assets.indicators,
               indicator_assets.indicators_published]


def key(person: str) -> str:
    return (person * 64)[:64]


@dataclass
class World:
    data_start: int                      # first year of shelter deliveries
    cutoff: date                         # last day of the last delivery
    stays: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    counts: list = field(default_factory=list)
    rates: list = field(default_factory=list)        # (shelter_id, year, night_rate_dkk)
    hf_costs: list = field(default_factory=list)     # (method, year, monthly_cost_dkk)

    def stay(self, person, municipality, entry, exit=None, destination=None, shelter="S1", prior="street",
             plan=None, born=1980, sex="M"):
        self.stays.append((shelter, f"{person}{len(self.stays)}", key(person), municipality, entry, exit,
                           destination, prior, plan, born, sex))

    def case(self, person, municipality, method, start, end=None, housed=None, reason=None):
        self.cases.append((str(municipality), f"{municipality}-{len(self.cases)}", key(person), municipality, method,
                           start, end, housed, reason))

    def count(self, municipality, situation, age_group, sex, persons):
        self.counts.append((municipality, situation, age_group, sex, persons))

    def build(self, folder: Path) -> duckdb.DuckDBPyConnection:
        path = folder / "warehouse.duckdb"
        with duckdb.connect(str(path)) as conn:
            self._write_inputs(conn)
        warehouse = Warehouse(database=str(path))
        for step in MODEL_STEPS:
            if step is indicator_assets.indicators:
                step(dg.build_asset_context(), duckdb=warehouse)
            else:
                step(duckdb=warehouse)
        return duckdb.connect(str(path), read_only=True)

    def _write_inputs(self, conn):
        conn.execute("create table municipalities (municipality_code integer, name varchar, region_code integer)")
        conn.executemany("insert into municipalities values (?, ?, ?)", MUNICIPALITIES)
        years = range(self.data_start, self.cutoff.year + 3)
        conn.execute("create table population (municipality_code integer, year integer, population integer)")
        conn.executemany("insert into population values (?, ?, ?)",
                         [(m, y, p) for m, p in POPULATION.items() for y in years])
        conn.execute("""create table shelters (shelter_id varchar, name varchar, municipality_code integer,
                        beds integer, target_group varchar, opened date, closed date)""")
        conn.executemany("insert into shelters values (?, ?, ?, ?, ?, date '2000-01-01', null)", SHELTERS)
        conn.execute("create table shelter_rates (shelter_id varchar, year integer, night_rate_dkk decimal(18, 2))")
        if self.rates:
            conn.executemany("insert into shelter_rates values (?, ?, ?)", self.rates)
        conn.execute("create table hf_unit_costs (method varchar, year integer, monthly_cost_dkk decimal(18, 2))")
        if self.hf_costs:
            conn.executemany("insert into hf_unit_costs values (?, ?, ?)", self.hf_costs)
        conn.execute("""create table deliveries (source_file varchar, dataset varchar, provider varchar,
                        period varchar, period_start date, period_end date, status varchar)""")
        for year in range(self.data_start, self.cutoff.year + 1):
            end = min(date(year, 12, 31), self.cutoff)
            conn.execute("insert into deliveries values (?, 'shelter_stays', 'S1', ?, ?, ?, 'loaded')",
                         [f"shelter_stays/S1_{year}.csv", str(year), date(year, 1, 1), end])
        provenance = "'f.csv' as source_file, 2 as line, 'p' as period, date '2000-01-01' as period_start, " \
                     "date '2000-12-31' as period_end"
        conn.execute(f"""create table shelter_stays as select {provenance}, * from (values
            (null::varchar, null::varchar, null::varchar, null::integer, null::date, null::date, null::varchar,
             null::varchar, null::date, null::integer, null::varchar)) t(provider, stay_id, person_key,
             municipality_code, entry_date, exit_date, exit_destination, prior_situation, action_plan_date,
             birth_year, sex) limit 0""")
        conn.executemany(f"insert into shelter_stays select {provenance}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?",
                         self.stays)
        conn.execute(f"""create table interventions as select {provenance}, * from (values
            (null::varchar, null::varchar, null::varchar, null::integer, null::varchar, null::date, null::date,
             null::date, null::varchar)) t(provider, case_id, person_key, municipality_code, method, start_date,
             end_date, housed_date, end_reason) limit 0""")
        if self.cases:
            conn.executemany(f"insert into interventions select {provenance}, ?, ?, ?, ?, ?, ?, ?, ?, ?", self.cases)
        conn.execute("""create table homeless_count (period varchar, municipality_code integer, situation varchar,
                        age_group varchar, sex varchar, persons integer)""")
        if self.counts:
            conn.executemany("insert into homeless_count values ('2024', ?, ?, ?, ?, ?)", self.counts)


def figure(conn, indicator, period, area="101", level=None, breakdown=""):
    """(value, numerator, denominator, status) of one row of `indicators`."""
    level = level or ("national" if area == "DK" else "region" if len(area) == 4 else "municipality")
    rows = conn.execute("""select value, numerator, denominator, status from indicators
                           where indicator = ? and level = ? and area_code = ? and period = ? and breakdown = ?""",
                        [indicator, level, area, period, breakdown]).fetchall()
    assert len(rows) == 1, (indicator, level, area, period, breakdown, rows)
    return rows[0]


def value(conn, indicator, period, area="101", breakdown=""):
    return figure(conn, indicator, period, area, breakdown=breakdown)[0]
