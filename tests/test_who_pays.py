"""Who pays (indicators.md): shelter costs, the state refund and the cap change in kroner, on a
hand-built world whose amounts are worked out by hand.

Rates: S1 1,000 (2023) 1,100 (2024) 1,200 (2025) 1,300 (2026) kr. a night; S2 2,000, 2,100, 2,200 and
no rate for 2026. Housing First: ICM 5,475 kr. a month in 2025 (= 180 kr. a day); no ACT cost for 2025.
  A  101  S1 2024-10-01..12-01 (61 nights, numbers 1-61), S2 2024-12-01..2025-03-01 (numbers 62-151):
          the cap is crossed in S2 after the year boundary: night 120 is 2025-01-28, so 01-29..02-28
          (31 nights) are beyond it. ICM case 2025-01-01..03-31 (90 days).
  B  147  S1 2025-12-22..open (data to 2026-06-30): nights 91-100 are 2026-03-22..03-31, refunded
          under the 120 cap; from 04-01 the cap is 90, so every night is beyond it and nights 101-120
          (04-01..04-20) are the cap change's shift. ACT case 2025-06-01..06-30 (no ACT cost in 2025).
  C  751  S2 2023-06-01..2024-02-01: 122 nights before 2023-10-01 are refunded and do not count
          towards the cap; the refund year starts 2023-10-01, night 121 is 2024-01-29 (3 nights beyond).
  D  751  S2 2026-02-01..02-11: 10 nights at a shelter without a 2026 rate.
"""

from __future__ import annotations

from datetime import date as d

import pytest

from tests.indicator_world import World, figure, value

RATES = [("S1", 2023, 1000), ("S1", 2024, 1100), ("S1", 2025, 1200), ("S1", 2026, 1300),
         ("S2", 2023, 2000), ("S2", 2024, 2100), ("S2", 2025, 2200)]


def who_pays_world(rates=RATES) -> World:
    w = World(data_start=2023, cutoff=d(2026, 6, 30), rates=list(rates),
              hf_costs=[("ICM", 2025, 5475), ("CTI", 2025, 6000)])
    w.stay("A", 101, d(2024, 10, 1), d(2024, 12, 1), "other_shelter")
    w.stay("A", 101, d(2024, 12, 1), d(2025, 3, 1), "own_housing", shelter="S2", prior="other_shelter")
    w.case("A", 101, "ICM", d(2025, 1, 1), d(2025, 3, 31), d(2025, 3, 1), "completed")
    w.stay("B", 147, d(2025, 12, 22), None)
    w.case("B", 147, "ACT", d(2025, 6, 1), d(2025, 6, 30), None, "dropped_out")
    w.stay("C", 751, d(2023, 6, 1), d(2024, 2, 1), "street", shelter="S2")
    w.stay("D", 751, d(2026, 2, 1), d(2026, 2, 11), "street", shelter="S2")
    return w


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return who_pays_world().build(tmp_path_factory.mktemp("who_pays"))


def test_costs_across_two_shelters_a_year_boundary_and_the_cap(world):
    # 2024-Q4: S1 61 nights x 1,100 + S2 31 nights (December) x 2,100, all within the cap.
    assert value(world, "shelter_cost_dkk", "2024-Q4") == 61 * 1100 + 31 * 2100
    assert value(world, "state_refund_dkk", "2024-Q4") == (61 * 1100 + 31 * 2100) / 2
    assert value(world, "cost_beyond_refund_cap_dkk", "2024-Q4") == 0
    # 2025-Q1: 59 nights in S2 at the 2025 rate; 31 of them beyond the cap.
    assert value(world, "shelter_cost_dkk", "2025-Q1") == 59 * 2200
    assert value(world, "cost_beyond_refund_cap_dkk", "2025-Q1") == 31 * 2200
    assert value(world, "state_refund_dkk", "2025-Q1") == 28 * 2200 / 2
    assert value(world, "municipal_net_cost_dkk", "2025-Q1") == 59 * 2200 - 28 * 2200 / 2
    assert value(world, "net_cost_per_person_in_shelter_dkk", "2025-Q1") == 59 * 2200 - 28 * 2200 / 2
    assert value(world, "shelter_cost_dkk", "2025") == 59 * 2200
    # The persons behind each amount (its denominator, for disclosure control).
    assert figure(world, "shelter_cost_dkk", "2025-Q1")[2] == 1
    assert figure(world, "state_refund_dkk", "2025-Q1", "147")[2] == 0


def test_the_cap_change_on_2026_04_01(world):
    # B: nights 1-10 in 2025-12, 11-100 in 2026-Q1 (all refunded: 91-100 fall before 04-01).
    assert value(world, "state_refund_dkk", "2025-Q4", "147") == 10 * 1200 / 2
    assert value(world, "state_refund_dkk", "2026-Q1", "147") == 90 * 1300 / 2
    assert value(world, "cost_beyond_refund_cap_dkk", "2026-Q1", "147") == 0
    # From 04-01 every night of B's is beyond the 90 cap; 101-120 (04-01..04-20) were refunded before.
    assert value(world, "shelter_cost_dkk", "2026-Q2", "147") == 91 * 1300
    assert value(world, "state_refund_dkk", "2026-Q2", "147") == 0
    assert value(world, "cost_beyond_refund_cap_dkk", "2026-Q2", "147") == 91 * 1300
    assert value(world, "municipal_net_cost_dkk", "2026-Q2", "147") == 91 * 1300
    assert value(world, "cap_change_cost_shift_dkk", "2026-Q2", "147") == 20 * 1300 / 2
    assert figure(world, "cap_change_cost_shift_dkk", "2026-Q1", "147")[3] == "no_data"
    assert figure(world, "cap_change_cost_shift_dkk", "2025", "DK")[3] == "no_data"


def test_nights_before_the_cap_are_refunded_and_do_not_count_towards_it(world):
    # C: 2023-Q3 92 nights, all refunded although the stay began 06-01 (no cap before 2023-10-01).
    assert value(world, "state_refund_dkk", "2023-Q3", "751") == 92 * 2000 / 2
    assert value(world, "cost_beyond_refund_cap_dkk", "2023-Q3", "751") == 0
    assert figure(world, "cost_beyond_refund_cap_dkk", "2023-Q3", "751")[3] == "ok"
    # 2024-Q1: 31 nights, 3 beyond (night 121 of the refund year that began 2023-10-01 is 01-29).
    assert value(world, "cost_beyond_refund_cap_dkk", "2024-Q1", "751") == 3 * 2100
    assert value(world, "state_refund_dkk", "2024-Q1", "751") == 28 * 2100 / 2


def test_a_missing_rate_makes_its_areas_no_data_and_is_listed(world):
    # D's nights at S2 in 2026 have no rate: Aarhus, its region and Denmark are no_data for 2026-Q1.
    for area in ("751", "1082", "DK"):
        assert figure(world, "shelter_cost_dkk", "2026-Q1", area)[0] is None
        assert figure(world, "shelter_cost_dkk", "2026-Q1", area)[3] == "no_data"
        assert figure(world, "municipal_net_cost_dkk", "2026-Q1", area)[3] == "no_data"
    # ... but not the areas it is not in, nor 2026-Q2 (D had no night then).
    assert figure(world, "shelter_cost_dkk", "2026-Q1", "147")[3] == "ok"
    assert figure(world, "shelter_cost_dkk", "2026-Q2", "DK") == (91 * 1300, None, 1, "ok")
    assert world.execute("select kind, item, year from missing_rates").fetchall() == [
        ("method", "ACT", 2025), ("shelter", "S2", 2026)]


def test_housing_first_cost_by_method(world):
    # A's ICM case: 90 days x 5,475 x 12 / 365 = 90 x 180 kr.
    assert value(world, "hf_cost_dkk", "2025-Q1", breakdown="method=ICM") == pytest.approx(16_200)
    assert value(world, "hf_cost_dkk", "2025-Q1") == pytest.approx(16_200)
    # B's ACT case has no 2025 cost: Frederiksberg's 2025 total and ACT are no_data, DK's ICM is not.
    assert figure(world, "hf_cost_dkk", "2025", "147")[3] == "no_data"
    assert figure(world, "hf_cost_dkk", "2025", "147", breakdown="method=ACT")[3] == "no_data"
    assert figure(world, "hf_cost_dkk", "2025", "DK")[3] == "no_data"
    assert value(world, "hf_cost_dkk", "2025", "DK", breakdown="method=ICM") == pytest.approx(16_200)
    assert figure(world, "hf_cost_dkk", "2025-Q1", "147") == (0, None, 0, "ok")


def test_without_rate_files_every_kroner_figure_is_no_data(tmp_path):
    conn = who_pays_world(rates=[]).build(tmp_path)
    statuses = conn.execute("""select distinct status from indicators
                               where indicator in ('shelter_cost_dkk', 'state_refund_dkk', 'municipal_net_cost_dkk',
                                                   'cost_beyond_refund_cap_dkk', 'cap_change_cost_shift_dkk')""").fetchall()
    assert statuses == [("no_data",)]
    assert value(conn, "bed_nights", "2025-Q1") == 59          # the rest is computed as before


def test_checks_hold_and_can_fail(tmp_path):
    import duckdb

    from checks.indicator_invariants import (national_kroner_equal_sum_of_municipalities,
                                             state_refund_at_most_half_the_cost)
    from pipelines.resources import Warehouse

    who_pays_world().build(tmp_path).close()
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    assert state_refund_at_most_half_the_cost(duckdb=warehouse).passed
    assert national_kroner_equal_sum_of_municipalities(duckdb=warehouse).passed
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute("""update indicators set value = value + 1 where indicator = 'state_refund_dkk'
                        and level = 'municipality' and area_code = '101' and period = '2024-Q4'""")
    assert not national_kroner_equal_sum_of_municipalities(duckdb=warehouse).passed
    assert not state_refund_at_most_half_the_cost(duckdb=warehouse).passed
