"""Every indicator of indicators.md on a hand-built world, the expected figures worked out by hand.

The world (deliveries 2021-01-01 .. 2024-12-31, so 2023 has the 730 days of history it needs):
  A  101 born 2000  S1 2023-01-10..01-20 own_housing (prior prison, plan 01-15);
                    S1 2023-08-01..08-02 family_friends (prior own_housing)
  F  101 born 1970  S1 2023-02-01..03-01 own_housing (prior street, plan 03-05: 32 days, too late)
  I  101 born 1975  S1 2023-04-01..05-01 own_housing (prior hospital_treatment)
  H  101 born 1975  S1 2023-12-30..2024-01-02 street                       (crosses the year)
  C  751 born 1960  S2 2023-10-01..open (prior hospital_treatment)         (open at the cutoff)
  B  101 born 1980  S1 2024-03-01..03-05 other_shelter, S2 2024-03-06..04-10 street  (a transfer)
  G  147 born 1985  S1 2024-02-28..03-01 supported_housing (prior own_housing)       (leap day)
  D  147 born 1990  S1 2024-05-05..05-05 unknown                            (zero nights)
  E  101 born 1950  S1 2024-06-01..06-11 deceased                           (not an exit)
  J  101 born 1980  S1 2024-09-01..09-03 street;  J 147: S1 2024-10-01..10-02 street  (two municipalities)
Cases: A CTI 101 2023-01-05..10-05 housed 01-20; F ICM 101 from 2023-03-20 housed 03-25;
       I ICM 101 from 2023-06-15 housed 06-20; G OTHER_SUPPORT 147 from 2024-03-01.
Count 2024: 101 street 18-24 M 3, 101 shelter 30-39 F 10, 751 street unknown M 5, 147 family_friends 25-29 X 2.
S1 (101) has 10 beds, S2 (751) 5; population 101: 10,000, 147: 5,000, 751: 20,000.
"""

from __future__ import annotations

from datetime import date as d
from pathlib import Path

import pytest

from tests.indicator_world import World, figure, value


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(data_start=2021, cutoff=d(2024, 12, 31))
    w.stay("A", 101, d(2023, 1, 10), d(2023, 1, 20), "own_housing", prior="prison", plan=d(2023, 1, 15), born=2000)
    w.stay("A", 101, d(2023, 8, 1), d(2023, 8, 2), "family_friends", prior="own_housing", born=2000)
    w.stay("F", 101, d(2023, 2, 1), d(2023, 3, 1), "own_housing", plan=d(2023, 3, 5), born=1970)
    w.stay("I", 101, d(2023, 4, 1), d(2023, 5, 1), "own_housing", prior="hospital_treatment", born=1975)
    w.stay("H", 101, d(2023, 12, 30), d(2024, 1, 2), "street", born=1975)
    w.stay("C", 751, d(2023, 10, 1), None, None, shelter="S2", prior="hospital_treatment", born=1960)
    w.stay("B", 101, d(2024, 3, 1), d(2024, 3, 5), "other_shelter")
    w.stay("B", 101, d(2024, 3, 6), d(2024, 4, 10), "street", shelter="S2", prior="other_shelter")
    w.stay("G", 147, d(2024, 2, 28), d(2024, 3, 1), "supported_housing", prior="own_housing", born=1985)
    w.stay("D", 147, d(2024, 5, 5), d(2024, 5, 5), "unknown", prior="unknown", born=1990)
    w.stay("E", 101, d(2024, 6, 1), d(2024, 6, 11), "deceased", prior="family_friends", born=1950)
    w.stay("J", 101, d(2024, 9, 1), d(2024, 9, 3), "street")
    w.stay("J", 147, d(2024, 10, 1), d(2024, 10, 2), "street")
    w.case("A", 101, "CTI", d(2023, 1, 5), d(2023, 10, 5), d(2023, 1, 20), "completed")
    w.case("F", 101, "ICM", d(2023, 3, 20), None, d(2023, 3, 25))
    w.case("I", 101, "ICM", d(2023, 6, 15), None, d(2023, 6, 20))
    w.case("G", 147, "OTHER_SUPPORT", d(2024, 3, 1))
    w.count(101, "street", "18-24", "M", 3)
    w.count(101, "shelter", "30-39", "F", 10)
    w.count(751, "street", "unknown", "M", 5)
    w.count(147, "family_friends", "25-29", "X", 2)
    return w.build(tmp_path_factory.mktemp("world"))


def test_persons_in_shelter(world):
    # 2023: A, F, I, H in 101; C in 751. 2024: B, E, H, J in 101; D, G, J in 147; C in 751.
    assert value(world, "persons_in_shelter", "2023") == 4
    assert value(world, "persons_in_shelter", "2023", "751") == 1
    assert value(world, "persons_in_shelter", "2023", "147") == 0           # published as 0, not left out
    assert value(world, "persons_in_shelter", "2024") == 4
    assert value(world, "persons_in_shelter", "2024", "147") == 3
    # J counts in 101 and in 147, but once in the region (B, E, H, J, D, G = 6) and once in DK (7).
    assert value(world, "persons_in_shelter", "2024", "1084") == 6
    assert value(world, "persons_in_shelter", "2024", "DK") == 7
    # 2023-Q4: H (from 12-30) and C; 2024-Q1: B, H (exit 01-02) in 101, G in 147.
    assert value(world, "persons_in_shelter", "2023-Q4") == 1
    assert value(world, "persons_in_shelter", "2024-Q1") == 2
    assert value(world, "persons_in_shelter", "2024-Q1", "147") == 1


def test_persons_in_shelter_per_10k(world):
    # 4 persons / 10,000 inhabitants × 10,000 = 4; DK 2024: 7 / 35,000 × 10,000 = 2.
    assert figure(world, "persons_in_shelter_per_10k", "2023")[:3] == (4, 4, 10_000)
    assert value(world, "persons_in_shelter_per_10k", "2024", "DK") == pytest.approx(2.0)


def test_new_episodes_by_prior_situation(world):
    # 2023 in 101: A (prison), A again (own_housing), F (street), I (hospital), H (street) = 5.
    assert value(world, "new_episodes", "2023") == 5
    assert value(world, "new_episodes", "2023", breakdown="prior_situation=street") == 2
    assert value(world, "new_episodes", "2023", breakdown="prior_situation=prison") == 1
    # A category seen elsewhere (D's "unknown" in 2024) is filled with 0 where it does not occur.
    assert value(world, "new_episodes", "2023", breakdown="prior_situation=unknown") == 0
    # B's transfer (S1 -> S2 the next day) is one episode, so 2024 in 101: B, E, J = 3.
    assert value(world, "new_episodes", "2024") == 3


def test_bed_nights(world):
    # 2023, 101: A 10 (01-10..01-19) + A 1 + F 28 (February) + I 30 (April) + H 2 (12-30, 12-31) = 71.
    assert value(world, "bed_nights", "2023") == 71
    # 2023, 751: C from 10-01 to 12-31 = 31 + 30 + 31 = 92.
    assert value(world, "bed_nights", "2023", "751") == 92
    # 2024, 101: B 4 + 35 (03-06..04-09) + E 10 + H 1 (01-01) + J 2 = 52; 751: C all 366 nights (leap
    # year, open stay to the cutoff inclusive); 147: G 2 (02-28, 02-29) + D 0 + J 1 = 3.
    assert value(world, "bed_nights", "2024") == 52
    assert value(world, "bed_nights", "2024", "751") == 366
    assert value(world, "bed_nights", "2024", "147") == 3
    assert value(world, "bed_nights", "2024", "DK") == 52 + 366 + 3
    assert value(world, "bed_nights", "2024-Q1", "147") == 2


def test_occupancy_rate_by_shelter_location(world):
    # S1 (in 101) 2024: B 4 + E 10 + G 2 + H 1 + J 2 + J 1 = 20 nights of 10 beds × 366.
    assert figure(world, "occupancy_rate", "2024")[:3] == (pytest.approx(20 / 3660), 20, 3660)
    # S2 (in 751): B 35 + C 366 = 401 of 5 × 366.
    assert value(world, "occupancy_rate", "2024", "751") == pytest.approx(401 / 1830)
    # 147 has no shelter: nothing to divide by.
    assert figure(world, "occupancy_rate", "2024", "147")[3] == "no_data"
    assert value(world, "occupancy_rate", "2024", "DK") == pytest.approx(421 / 5490)


def test_out_of_area_bed_nights_share(world):
    # 101's citizens 2024: 35 of 52 nights at S2 in Aarhus; 147's: all 3 at S1 in København.
    assert value(world, "out_of_area_bed_nights_share", "2024") == pytest.approx(35 / 52)
    assert value(world, "out_of_area_bed_nights_share", "2024", "147") == 1.0
    assert value(world, "out_of_area_bed_nights_share", "2024", "751") == 0.0
    assert world.execute("select count(*) from indicators where indicator = 'out_of_area_bed_nights_share' "
                         "and level <> 'municipality'").fetchall()[0][0] == 0


def test_exits_by_destination(world):
    # 2023, 101: A own_housing, A family_friends, F own_housing, I own_housing.
    assert value(world, "exits", "2023") == 4
    assert value(world, "exits", "2023", breakdown="destination=own_housing") == 3
    # 2024: B and H and J street in 101; D unknown, G supported_housing, J street in 147; E died (no exit).
    assert value(world, "exits", "2024") == 3
    assert value(world, "exits", "2024", "147") == 3
    assert value(world, "exits", "2024", "DK") == 6
    assert value(world, "exits", "2024", "147", breakdown="destination=own_housing") == 0
    assert world.execute("select count(*) from indicators where breakdown = 'destination=deceased'").fetchall()[0][0] == 0


def test_exit_shares(world):
    assert figure(world, "exits_to_housing_share", "2023")[:3] == (0.75, 3, 4)
    assert figure(world, "exits_to_housing_share", "2024", "147")[:3] == (pytest.approx(1 / 3), 1, 3)
    assert figure(world, "exits_unknown_destination_share", "2024", "147")[:3] == (pytest.approx(1 / 3), 1, 3)
    assert value(world, "exits_unknown_destination_share", "2024", "DK") == pytest.approx(1 / 6)


def test_median_episode_days(world):
    # 2023, 101: lengths 10, 1, 28, 30 -> middle two 10 and 28 -> 19.
    assert figure(world, "median_episode_days", "2023")[0::2] == (19, 4)
    # 2024, DK: B 40 (03-01..04-10, transfer merged), H 3, J 2, D 0, G 2, J 1 -> 0 1 2 2 3 40 -> 2.
    assert value(world, "median_episode_days", "2024", "DK") == 2
    # 2024, 101: 40, 3, 2 -> 3; 147: 0, 2, 1 -> 1 (a stay of zero nights has length 0).
    assert value(world, "median_episode_days", "2024") == 3
    assert value(world, "median_episode_days", "2024", "147") == 1


def test_median_days_to_housing(world):
    # 2023, 101: A 10, F 28, I 30 -> 28; 2024, 147: G 2 (supported_housing is a housing destination).
    assert value(world, "median_days_to_housing", "2023") == 28
    assert value(world, "median_days_to_housing", "2024", "147") == 2
    assert figure(world, "median_days_to_housing", "2024")[3] == "no_data"


def test_episodes_over_90_days_share(world):
    assert figure(world, "episodes_over_90_days_share", "2024", "DK")[:3] == (0, 0, 6)


def test_ongoing_over_90_days(world):
    # C entered 2023-10-01; on 2023-12-31 that is 91 days (> 90): counted. On 2024-03-31, 182 days.
    assert value(world, "ongoing_over_90_days", "2023", "751") == 1
    assert value(world, "ongoing_over_90_days", "2023-Q4", "751") == 1
    assert value(world, "ongoing_over_90_days", "2023-Q3", "751") == 0     # not yet entered
    assert value(world, "ongoing_over_90_days", "2024-Q1") == 0            # B: 30 days on 03-31


def test_returns_after_housing(world):
    # First exits to housing in 2023 (101): A 01-20, F 03-01, I 05-01. A is back 08-01: 193 days later,
    # so not within 182 days but within 365. 2023 + 730 days passes the cutoff: insufficient_follow_up.
    assert figure(world, "returns_within_6m_share", "2023")[:4] == (0, 0, 3, "ok")
    assert figure(world, "returns_within_12m_share", "2023")[:4] == (pytest.approx(1 / 3), 1, 3, "ok")
    assert figure(world, "returns_within_24m_share", "2023") == (None, None, None, "insufficient_follow_up")
    # 2024-12-31 + 182 days and 2024-09-30 + 182 days are after the cutoff; 2024-06-30 + 182 = 12-29
    # is not, so 2024-Q2 is judged, and having no exit to housing it is no_data.
    assert figure(world, "returns_within_6m_share", "2024")[3] == "insufficient_follow_up"
    assert figure(world, "returns_within_6m_share", "2024-Q3")[3] == "insufficient_follow_up"
    assert figure(world, "returns_within_6m_share", "2024-Q2") == (None, 0, 0, "no_data")


def test_first_time_persons_and_share(world):
    # Data start 2021-01-01 is exactly 730 days before 2023-01-01: enough history for 2023, not 2022.
    assert figure(world, "first_time_persons", "2022") == (None, None, None, "insufficient_history")
    assert value(world, "first_time_persons", "2023") == 4                 # A, F, I, H
    # In 2023-Q3, A's start (08-01) follows A's stay in January: not first-time.
    assert value(world, "first_time_persons", "2023-Q3") == 0
    assert figure(world, "first_time_share", "2023-Q3")[:3] == (0, 0, 1)
    # J starts in 101 (09-01, first time) and again in 147 (10-01, not first time): 147 has D, G of
    # D, G, J; nationally J counts once, as first-time: B, D, E, G, J = 5 of 5.
    assert figure(world, "first_time_share", "2024", "147")[:3] == (pytest.approx(2 / 3), 2, 3)
    assert figure(world, "first_time_share", "2024", "DK")[:3] == (1, 5, 5)


def test_youth_persons_share(world):
    # 2023, 101: A is 2023 - 2000 = 23 (youth) of A, F, I, H.
    assert figure(world, "youth_persons_share", "2023")[:3] == (0.25, 1, 4)
    assert value(world, "youth_persons_share", "2024") == 0


def test_action_plan_within_30_days_share(world):
    # 2023, 101: episodes A (plan day 5: yes), A again (none), F (day 32: no), I (none), H (none) -> 1/5.
    assert figure(world, "action_plan_within_30_days_share", "2023")[:3] == (0.2, 1, 5)
    # Episodes of 2024-Q4 cannot all have had 30 days before the cutoff.
    assert figure(world, "action_plan_within_30_days_share", "2024-Q4")[3] == "insufficient_follow_up"


def test_refund_cap_from_2023_10_01(world):
    # C: refund year 2023-10-01 .. 2024-09-29 (365 days). Night 121 is 2024-01-29; beyond the cap
    # through 2024-09-29: 3 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 29 = 245 nights. The next year starts
    # 2024-09-30 and has 93 nights to the cutoff: none beyond 120.
    assert value(world, "nights_beyond_refund_cap", "2024", "751") == 245
    assert value(world, "nights_beyond_refund_cap", "2024-Q1", "751") == 3 + 29 + 31
    assert value(world, "nights_beyond_refund_cap", "2024-Q4", "751") == 0
    assert value(world, "nights_beyond_refund_cap", "2024", "DK") == 245
    assert value(world, "persons_beyond_refund_cap", "2024", "751") == 1
    assert value(world, "persons_beyond_refund_cap", "2024-Q4", "751") == 0
    assert figure(world, "nights_beyond_refund_cap_share", "2024", "751")[:3] == (pytest.approx(245 / 366), 245, 366)
    # 2023: bed nights counted from 10-01 only (C 92 + H 2); 2023-Q3 ends before the rule: no_data.
    assert figure(world, "nights_beyond_refund_cap_share", "2023", "DK")[:4] == (0, 0, 94, "ok")
    assert figure(world, "nights_beyond_refund_cap_share", "2023-Q3", "DK")[3] == "no_data"


def test_housing_first_persons_and_methods(world):
    # 2023, 101: A (CTI), F and I (ICM); G's OTHER_SUPPORT is not Housing First.
    assert value(world, "hf_persons", "2023") == 3
    assert value(world, "hf_persons", "2023", breakdown="method=ICM") == 2
    assert value(world, "hf_persons", "2024", "147") == 0
    assert value(world, "hf_persons", "2024") == 2                         # F and I, still open


def test_housing_first_coverage_of_housing_exits(world):
    # A left 01-20 with CTI active; F left 03-01, ICM started 03-20 (19 days); I left 05-01, ICM
    # started 06-15 (45 days: too late) -> 2/3.
    assert figure(world, "hf_coverage_of_housing_exits", "2023")[:3] == (pytest.approx(2 / 3), 2, 3)
    assert figure(world, "hf_coverage_of_housing_exits", "2024-Q4")[3] == "insufficient_follow_up"


def test_housing_first_retention(world):
    # Housed 2023 with CTI/ICM: A (back in shelter 08-01, within 365 days), F, I (not back) -> 2/3.
    assert figure(world, "hf_housing_retention_12m", "2023")[:3] == (pytest.approx(2 / 3), 2, 3)
    assert figure(world, "hf_housing_retention_12m", "2024")[3] == "insufficient_follow_up"


def test_monthly_flow(world):
    # January 2023, 101: A enters for the first time and leaves to housing; nobody in on 01-31.
    assert value(world, "monthly_flow", "2023-01", breakdown="flow=inflow_new") == 1
    assert value(world, "monthly_flow", "2023-01", breakdown="flow=outflow_housing") == 1
    assert value(world, "monthly_flow", "2023-01", breakdown="flow=active_end") == 0
    # August 2023: A returns (stay in January, within 730 days) and leaves to family.
    assert value(world, "monthly_flow", "2023-08", breakdown="flow=inflow_returning") == 1
    assert value(world, "monthly_flow", "2023-08", breakdown="flow=outflow_other") == 1
    # 2023-12-31: H (leaves 2024-01-02) in 101 and C in 751 are in shelter.
    assert value(world, "monthly_flow", "2023-12", breakdown="flow=active_end") == 1
    assert value(world, "monthly_flow", "2023-12", "751", breakdown="flow=active_end") == 1
    # June 2024: E enters and dies: an inflow, but not an outflow (deceased is not an exit).
    assert value(world, "monthly_flow", "2024-06", breakdown="flow=outflow_other") == 0
    # 2022-05 has less than 730 days of history for telling new from returning.
    assert figure(world, "monthly_flow", "2022-05", breakdown="flow=inflow_new")[3] == "insufficient_history"
    assert figure(world, "monthly_flow", "2022-05", breakdown="flow=active_end")[3] == "ok"
    assert world.execute("select count(*) from indicators where indicator = 'monthly_flow' and "
                         "(breakdown = '' or length(period) <> 7)").fetchall()[0][0] == 0


def test_national_count(world):
    # 2024: 101 = 3 + 10, 147 = 2, 751 = 5; region 1084 = 15; DK = 20.
    assert value(world, "homeless_count", "2024") == 13
    assert value(world, "homeless_count", "2024", "1084") == 15
    assert value(world, "homeless_count", "2024", "DK") == 20
    assert value(world, "homeless_count", "2024", breakdown="situation=street") == 3
    assert value(world, "homeless_count", "2024", "DK", breakdown="age_group=unknown") == 5
    assert value(world, "homeless_count_per_10k", "2024", "DK") == pytest.approx(20 / 35_000 * 10_000)
    # Youth: 3 aged 18-24 of 15 with a known age group (5 unknown left out).
    assert figure(world, "homeless_count_youth_share", "2024", "DK")[:3] == (0.2, 3, 15)
    assert world.execute("select count(*) from indicators where indicator like 'homeless_count%' "
                         "and period <> '2024'").fetchall()[0][0] == 0


@pytest.fixture(scope="module")
def cap_world(tmp_path_factory):
    """The cap change on 2026-04-01 and the refund year restarting (data to 2026-06-30)."""
    w = World(data_start=2023, cutoff=d(2026, 6, 30))
    w.stay("K", 101, d(2025, 12, 1), None)          # in shelter from 2025-12-01 onwards
    w.stay("L", 101, d(2026, 3, 1), None)           # in shelter from 2026-03-01 onwards
    w.stay("M", 147, d(2023, 10, 1), d(2023, 10, 11), "street")
    w.stay("M", 147, d(2024, 10, 5), d(2025, 6, 1), "street")
    return w.build(tmp_path_factory.mktemp("cap_world"))


def test_refund_cap_falls_to_90_on_2026_04_01(cap_world):
    # K: refund year from 2025-12-01. On 2026-03-31 K's night is number 31 + 31 + 28 + 31 = 121 > 120:
    # one night beyond in Q1. From 04-01 the cap is 90 and K is past it: all 30 + 31 + 30 = 91 nights.
    # L: refund year from 2026-03-01; night 91 (> 90) is 05-30, so 05-30 .. 06-30 = 32 nights.
    assert value(cap_world, "nights_beyond_refund_cap", "2026-Q1") == 1
    assert value(cap_world, "nights_beyond_refund_cap", "2026-Q2") == 91 + 32
    assert value(cap_world, "persons_beyond_refund_cap", "2026-Q1") == 1
    assert value(cap_world, "persons_beyond_refund_cap", "2026-Q2") == 2


def test_refund_year_restarts_at_the_next_shelter_night(cap_world):
    # M: year 1 = 2023-10-01 .. 2024-09-29 (10 nights). Year 2 starts at M's next night, 2024-10-05
    # (not on 2024-09-30), so night 121 is 2025-02-02: beyond 02-02 .. 03-31 = 27 + 31 = 58 nights in
    # 2025-Q1 and 04-01 .. 05-31 = 61 in Q2 (cap still 120 in 2025).
    assert value(cap_world, "nights_beyond_refund_cap", "2025-Q1", "147") == 58
    assert value(cap_world, "nights_beyond_refund_cap", "2025-Q2", "147") == 61
    assert value(cap_world, "nights_beyond_refund_cap", "2024-Q4", "147") == 0
    years = cap_world.execute("select year_start::varchar from refund_years order by person_no, year_no").fetchall()
    assert ("2024-10-05",) in years and ("2023-10-01",) in years


def test_every_indicator_unit_is_tested_here_and_named_in_the_spec_check():
    from pathlib import Path

    from assets.indicator_units import read_units
    from assets.indicators import INDICATOR_SQL_DIR
    from checks.indicator_invariants import SPEC_INDICATORS

    units = {u.indicator for u in read_units(INDICATOR_SQL_DIR)}
    assert units == set(SPEC_INDICATORS)
    source = Path(__file__).read_text() + (Path(__file__).parent / "test_who_pays.py").read_text()
    assert [u for u in sorted(units) if f'"{u}"' not in source] == []


def repeated_units(conn, unit) -> int:
    """Facts rows of `unit` beyond the first per (period, breakdown, unit)."""
    from assets.indicator_units import AREA_MEMBERS

    facts = unit.facts.rstrip().rstrip(";")
    key = "period, level, area_code, breakdown, unit" if unit.per_area else "period, breakdown, unit"
    return conn.execute(f"""with indicator_periods as ({unit.periods_sql()}), area_members as ({AREA_MEMBERS}),
                            facts as ({facts})
                            select count(*) - count(distinct ({key})) from facts""").fetchall()[0][0]


def test_units_counted_once_per_period_are_never_repeated(world, warehouse):
    """`units: once per period` makes a file's units counted by rows, not de-duplicated: hold every
    such file to it on the hand-built world and on a generated national-shaped run."""
    from assets.indicator_units import read_units
    from assets.indicators import INDICATOR_SQL_DIR

    units = read_units(INDICATOR_SQL_DIR)
    once = [u for u in units if u.units_once]
    assert {"exits", "new_episodes", "episodes_over_90_days_share", "returns_within_12m_share"} <= {u.indicator for u in once}
    for conn in (world, warehouse):
        assert {u.indicator: repeated_units(conn, u) for u in once} == {u.indicator: 0 for u in once}
    # The check can fail: persons in shelter repeat across the stays of a period (counted the
    # literal way, by distinct, in tests/distinct_counts/).
    persons = next(u for u in read_units(DISTINCT_COUNTS) if u.indicator == "persons_in_shelter")
    assert not persons.units_once and repeated_units(warehouse, persons) > 0


# The files `units: month masks` replaced: the spec read literally, persons counted by distinct.
DISTINCT_COUNTS = Path(__file__).parent / "distinct_counts"


def test_month_masks_count_what_distinct_counts_count(world, warehouse):
    """Persons counted by month masks (person_months) are the persons a distinct count finds: every
    row of each mask file equals the row of its literal reading, on the hand-built world and on a
    generated national-shaped run."""
    from assets.indicator_units import read_units
    from assets.indicators import INDICATOR_COLUMNS, INDICATOR_SQL_DIR

    masked = {u.indicator for u in read_units(INDICATOR_SQL_DIR) if u.month_masks}
    literal = read_units(DISTINCT_COUNTS)
    assert {u.indicator for u in literal} == masked == {
        "persons_in_shelter", "persons_beyond_refund_cap", "youth_persons_share", "first_time_persons",
        "first_time_share", "monthly_flow", "hf_persons"}
    for conn in (world, warehouse):
        for unit in literal:
            stored = f"select {INDICATOR_COLUMNS} from indicators where indicator = '{unit.indicator}'"
            expected = f"select {INDICATOR_COLUMNS} from ({unit.sql()})"
            differing = conn.execute(f"select count(*) from (({expected} except all {stored}) union all "
                                     f"({stored} except all {expected}))").fetchall()[0][0]
            rows = conn.execute(f"select count(*) from ({stored}) where value > 0").fetchall()[0][0]
            assert (unit.indicator, differing) == (unit.indicator, 0)
            assert rows > 0, unit.indicator


def attribution_world() -> World:
    """Issue 15's cases, where a person's area within a period was ambiguous (data 2021 .. 2025):
      P  101 S1 2024-02-01..12-10 other_shelter, then 751 S2 2024-12-10..2025-03-01 street (a transfer
         across period ends: a later stay must not move past periods)
      Q  101 S1 2024-01-02..06-30 other_shelter, then 147 S1 2024-06-30..08-01 street (transfer on the
         period's last day: the night of 06-30 is spent in 147's stay)
      R  751 S2 2024-01-01..01-13 own_housing; 101 S1 2024-08-01..08-05 own_housing; 101 S1 2024-09-01..09-03
         street (housed from two municipalities in one year; CTI case in 101 from 2024-08-20)
      T  101 S1 2024-03-01..03-05 street (first ever), 147 S1 2024-03-20..03-25 street (returning, same month)
      V  751 S2 2022-06-01..2023-12-01 street (in shelter before and after the refund cap began)
    """
    w = World(data_start=2021, cutoff=d(2025, 12, 31))
    w.stay("P", 101, d(2024, 2, 1), d(2024, 12, 10), "other_shelter")
    w.stay("P", 751, d(2024, 12, 10), d(2025, 3, 1), "street", shelter="S2", prior="other_shelter")
    w.stay("Q", 101, d(2024, 1, 2), d(2024, 6, 30), "other_shelter")
    w.stay("Q", 147, d(2024, 6, 30), d(2024, 8, 1), "street", prior="other_shelter")
    w.stay("R", 751, d(2024, 1, 1), d(2024, 1, 13), "own_housing", shelter="S2")
    w.stay("R", 101, d(2024, 8, 1), d(2024, 8, 5), "own_housing", prior="own_housing")
    w.stay("R", 101, d(2024, 9, 1), d(2024, 9, 3), "street", prior="own_housing")
    w.case("R", 101, "CTI", d(2024, 8, 20))
    w.stay("T", 101, d(2024, 3, 1), d(2024, 3, 5), "street")
    w.stay("T", 147, d(2024, 3, 20), d(2024, 3, 25), "street")
    w.stay("V", 751, d(2022, 6, 1), d(2023, 12, 1), "street", shelter="S2")
    return w


@pytest.fixture(scope="module")
def attributed(tmp_path_factory):
    return attribution_world().build(tmp_path_factory.mktemp("attribution_world"))


def test_ongoing_over_90_days_belongs_to_the_stay_on_the_last_day(attributed):
    # 2024-Q3 ends 09-30: P (from 02-01, 242 days) sleeps in 101's stay; the transfer to 751 in December
    # does not move the quarter. 2024 ends 12-31: P is in 751's stay.
    assert value(attributed, "ongoing_over_90_days", "2024-Q3") == 1
    assert value(attributed, "ongoing_over_90_days", "2024-Q3", "751") == 0
    assert value(attributed, "ongoing_over_90_days", "2024", "751") == 1
    assert value(attributed, "ongoing_over_90_days", "2024", "101") == 0
    # 2024-Q2 ends 06-30: P in 101; Q (from 01-02, 180 days) transfers that day and sleeps in 147's stay.
    assert value(attributed, "ongoing_over_90_days", "2024-Q2") == 1
    assert value(attributed, "ongoing_over_90_days", "2024-Q2", "147") == 1
    assert value(attributed, "ongoing_over_90_days", "2024-Q2", "1084") == 2
    assert value(attributed, "ongoing_over_90_days", "2024-Q2", "DK") == 2


def test_returns_judge_the_first_housing_exit_among_each_areas_exits(attributed):
    # R housed from 751 on 01-13 and from 101 on 08-05 (2024). DK and 751: d = 01-13, next entry 08-01
    # is 201 days later (not within 182, within 365). 101: d = 08-05, back 09-01 (27 days).
    assert figure(attributed, "returns_within_6m_share", "2024", "DK")[:4] == (0, 0, 1, "ok")
    assert figure(attributed, "returns_within_6m_share", "2024", "751")[:3] == (0, 0, 1)
    assert figure(attributed, "returns_within_6m_share", "2024", "101")[:3] == (1, 1, 1)
    assert figure(attributed, "returns_within_6m_share", "2024", "1084")[:3] == (1, 1, 1)
    assert figure(attributed, "returns_within_12m_share", "2024", "DK")[:3] == (1, 1, 1)


def test_hf_coverage_counts_a_person_covered_by_any_of_the_areas_exits(attributed):
    # R's exit from 751 (01-13) has no case; the exit from 101 (08-05) has CTI from 08-20 (15 days).
    assert figure(attributed, "hf_coverage_of_housing_exits", "2024", "DK")[:3] == (1, 1, 1)
    assert figure(attributed, "hf_coverage_of_housing_exits", "2024", "101")[:3] == (1, 1, 1)
    assert figure(attributed, "hf_coverage_of_housing_exits", "2024", "751")[:3] == (0, 0, 1)


def test_monthly_inflow_counts_each_person_once_per_area(attributed):
    # March 2024: T enters 101 for the first time and 147 as returning. In 101 new, in 147 returning;
    # in the region and DK, T's first entry of the month (101) makes T new, and only new.
    flows = {area: (value(attributed, "monthly_flow", "2024-03", area, "flow=inflow_new"),
                    value(attributed, "monthly_flow", "2024-03", area, "flow=inflow_returning"))
             for area in ("101", "147", "1084", "DK")}
    assert flows == {"101": (1, 0), "147": (0, 1), "1084": (1, 0), "DK": (1, 0)}


def test_persons_beyond_refund_cap_before_the_cap_is_zero_and_ok(world):
    assert figure(world, "persons_beyond_refund_cap", "2023-Q3", "751") == (0, None, None, "ok")
    assert figure(world, "persons_beyond_refund_cap", "2022", "DK") == (0, None, None, "ok")


def test_refund_cap_share_has_no_base_before_the_cap(attributed):
    # V's nights from 2022-06-01: 2022 ends before the cap, so no base at all (never a negative one);
    # 2023's base counts V's nights from 10-01 to 11-30 only.
    assert figure(attributed, "nights_beyond_refund_cap_share", "2022", "751") == (None, 0, 0, "no_data")
    assert figure(attributed, "nights_beyond_refund_cap_share", "2023", "751") == (0, 0, 61, "ok")
    assert attributed.execute("select count(*) from indicators where denominator < 0").fetchall()[0][0] == 0


def test_inflow_check_fails_when_a_person_counts_as_new_and_returning(tmp_path):
    import duckdb

    from checks.indicator_invariants import monthly_inflow_counts_each_person_once
    from pipelines.resources import Warehouse

    attribution_world().build(tmp_path).close()
    warehouse = Warehouse(database=str(tmp_path / "warehouse.duckdb"))
    assert monthly_inflow_counts_each_person_once(duckdb=warehouse).passed
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:   # today's old rule in DK: both
        conn.execute("""update indicators set value = 1 where indicator = 'monthly_flow' and area_code = 'DK'
                        and period = '2024-03' and breakdown = 'flow=inflow_returning'""")
    result = monthly_inflow_counts_each_person_once(duckdb=warehouse)
    assert not result.passed and ["national", "DK", "2024-03", "2.0", "1"] in result.metadata["examples"].value


def test_persons_named_by_a_kroner_file_are_its_units(world, warehouse):
    """`persons: <indicator>` (or a person_months mask) takes the persons behind kroner amounts from a count: hold
    every such file to it (its own facts, counted distinct, give the same persons) on the hand-built
    world and on a generated run."""
    from dataclasses import replace

    from assets.indicator_units import read_units
    from assets.indicators import INDICATOR_SQL_DIR

    borrowing = [u for u in read_units(INDICATOR_SQL_DIR) if u.persons]
    assert [u.indicator for u in borrowing] == ["cost_beyond_refund_cap_dkk", "hf_cost_dkk", "shelter_cost_dkk"]
    for conn in (world, warehouse):
        for unit in borrowing:
            counted = replace(unit, persons="")
            differ = conn.execute(f"""
                with own as ({counted.sql()}), borrowed as ({unit.sql()})
                select count(*) from own join borrowed using (level, area_code, period, breakdown)
                where own.denominator is distinct from borrowed.denominator""").fetchall()[0][0]
            rows = conn.execute(f"select count(*), sum(denominator) from ({unit.sql()})").fetchall()[0]
            assert differ == 0 and rows[0] > 0 and rows[1] > 0, unit.indicator
