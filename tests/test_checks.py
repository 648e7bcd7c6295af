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
