"""The result checks fail when their invariant is broken (each on a small hand-made warehouse)."""

from __future__ import annotations

import duckdb

from checks.accounting import rows_accounted_for
from checks.disclosure import no_small_cells
from checks.indicator_invariants import (every_indicator_every_period, national_nights_equal_sum_of_municipalities,
                                         national_persons_at_most_sum_of_municipalities, shares_within_0_1)
from pipelines.resources import Warehouse

COLUMNS = "indicator, level, area_code, period, breakdown, value, numerator, denominator, status"


def warehouse(tmp_path, rows, table="indicators"):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"""create table {table} (indicator varchar, level varchar, area_code varchar, period varchar,
                         breakdown varchar, value double, numerator double, denominator double, status varchar)""")
        conn.executemany(f"insert into {table} ({COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("create table periods as select 'year' as period_type, '2024' as period")
        conn.execute("create table homeless_count (period varchar)")
    return Warehouse(database=str(path))


def test_share_above_one_fails(tmp_path):
    ok = warehouse(tmp_path, [("exits_to_housing_share", "national", "DK", "2024", "", 0.5, 1, 2, "ok")])
    assert shares_within_0_1(duckdb=ok).passed
    (tmp_path / "bad").mkdir()
    bad = warehouse(tmp_path / "bad", [("exits_to_housing_share", "national", "DK", "2024", "", 1.5, 3, 2, "ok")])
    result = shares_within_0_1(duckdb=bad)
    assert not result.passed and result.metadata["shares_outside_0_1"].value == 1


def test_bed_nights_out_of_balance_fails(tmp_path):
    rows = [("bed_nights", "national", "DK", "2024", "", 10, None, None, "ok"),
            ("bed_nights", "municipality", "101", "2024", "", 6, None, None, "ok"),
            ("bed_nights", "municipality", "147", "2024", "", 3, None, None, "ok")]
    assert not national_nights_equal_sum_of_municipalities(duckdb=warehouse(tmp_path, rows)).passed


def test_more_persons_nationally_than_in_municipalities_fails(tmp_path):
    rows = [("persons_in_shelter", "national", "DK", "2024", "", 10, None, None, "ok"),
            ("persons_in_shelter", "municipality", "101", "2024", "", 6, None, None, "ok")]
    assert not national_persons_at_most_sum_of_municipalities(duckdb=warehouse(tmp_path, rows)).passed


def test_missing_indicator_fails(tmp_path):
    result = every_indicator_every_period(duckdb=warehouse(tmp_path, [
        ("persons_in_shelter", "national", "DK", "2024", "", 10, None, None, "ok")]))
    assert not result.passed
    assert ["bed_nights", "2024"] in result.metadata["examples"].value


def test_published_small_cell_fails(tmp_path):
    rows = [("exits", "municipality", "101", "2024", "", 3, None, None, "ok")]
    assert not no_small_cells(duckdb=warehouse(tmp_path, rows, table="indicators_published")).passed


def test_unbalanced_delivery_fails(tmp_path):
    path = tmp_path / "d.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("""create table deliveries as select 'a.csv' as source_file, 10 as rows_read, 8 as rows_valid,
                        1 as rows_quarantined""")
    result = rows_accounted_for(duckdb=Warehouse(database=str(path)))
    assert not result.passed and result.metadata["files_out_of_balance"].value == 1


def test_occupancy_counts_each_stay_by_its_latest_row_in_every_quarter_it_meets():
    """The occupancy suite by hand: S001 (2 beds) in 2024-Q1 has 91 + 5 + 12 nights of 182, in Q2
    91 (the open stay; the stay whose later row closed it on 1 April has none); S002 (1 bed) has two
    stays through Q1, 200 %, which the rule flags with its shelter and quarter."""
    from assets.validate import LATEST_STAGED_STAYS
    from checks.gx_suites import SUITES, failures_table, run_suite

    suite = next(s for s in SUITES if s.name == "occupancy_plausibility")
    with duckdb.connect() as conn:
        conn.execute("create table shelters as select * from (values ('S001', 2), ('S002', 1)) t(shelter_id, beds)")
        conn.execute("""create table staging_shelter_stays as select provider, stay_id, 'f.csv' as source_file, line,
                               period_start::date as period_start, period_end::date as period_end,
                               entry_date::date as entry_date, exit_date::date as exit_date,
                               null::varchar as exit_destination
                        from (values
            ('S001', 'A', 2, '2024-01-01', '2024-03-31', '2024-01-01', null),
            ('S001', 'A', 2, '2024-04-01', '2024-06-30', '2024-01-01', '2024-04-01'),
            ('S001', 'B', 3, '2024-01-01', '2024-03-31', '2024-02-15', '2024-02-20'),
            ('S001', 'C', 4, '2024-01-01', '2024-03-31', '2024-03-20', null),
            ('S001', 'C', 3, '2024-04-01', '2024-06-30', '2024-03-20', null),
            ('S002', 'D', 2, '2024-01-01', '2024-03-31', '2024-01-01', '2024-04-01'),
            ('S002', 'E', 3, '2024-01-01', '2024-03-31', '2024-01-01', '2024-04-01'))
            t(provider, stay_id, line, period_start, period_end, entry_date, exit_date)""")
        conn.execute(f"create table latest_staged_stays as {LATEST_STAGED_STAYS.format(only='')}")
        frame = conn.execute(suite.query).df()
    occupancy = {(row.shelter_id, str(row.quarter_start.date())): round(row.occupancy, 4) for row in frame.itertuples()}
    assert occupancy == {("S001", "2024-01-01"): round(108 / 182, 4), ("S001", "2024-04-01"): 0.5,
                         ("S002", "2024-01-01"): 2.0}
    table = failures_table(run_suite(frame, suite)["failures"])
    assert "| occupancy_over_110_percent | shelter_id S002, quarter_start 2024-01-01 | occupancy 2 | 1 |" in table
