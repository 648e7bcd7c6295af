"""Checks on the computed figures: they must hold whatever the data (indicators.md).

Blocking: a failure stops disclosure control and publishing, so no wrong figure leaves.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.indicator_units import read_units
from assets.indicators import INDICATOR_SQL_DIR, indicators

# The indicator ids of shared/spec/indicators.md, and the periods each is computed for.
SPEC_INDICATORS = {
    "persons_in_shelter": "year quarter", "persons_in_shelter_per_10k": "year quarter",
    "new_episodes": "year quarter", "bed_nights": "year quarter", "occupancy_rate": "year quarter",
    "out_of_area_bed_nights_share": "year quarter", "median_episode_days": "year quarter",
    "episodes_over_90_days_share": "year quarter", "ongoing_over_90_days": "year quarter",
    "nights_beyond_refund_cap": "year quarter", "nights_beyond_refund_cap_share": "year quarter",
    "persons_beyond_refund_cap": "year quarter", "action_plan_within_30_days_share": "year quarter",
    "exits": "year quarter", "exits_to_housing_share": "year quarter",
    "exits_unknown_destination_share": "year quarter", "median_days_to_housing": "year quarter",
    "returns_within_6m_share": "year quarter", "returns_within_12m_share": "year quarter",
    "returns_within_24m_share": "year quarter", "first_time_persons": "year quarter",
    "first_time_share": "year quarter", "youth_persons_share": "year quarter", "monthly_flow": "month",
    "hf_persons": "year quarter", "hf_coverage_of_housing_exits": "year quarter",
    "hf_housing_retention_12m": "year quarter", "homeless_count": "count_years",
    "homeless_count_per_10k": "count_years", "homeless_count_youth_share": "count_years",
    "shelter_cost_dkk": "year quarter", "state_refund_dkk": "year quarter", "municipal_net_cost_dkk": "year quarter",
    "cost_beyond_refund_cap_dkk": "year quarter", "cap_change_cost_shift_dkk": "year quarter",
    "hf_cost_dkk": "year quarter", "net_cost_per_person_in_shelter_dkk": "year quarter",
}
# Kroner amounts add up (unlike persons): national = Σ municipalities (indicators.md, "Who pays").
KRONER_AMOUNTS = ("shelter_cost_dkk", "state_refund_dkk", "municipal_net_cost_dkk", "cost_beyond_refund_cap_dkk",
                  "cap_change_cost_shift_dkk", "hf_cost_dkk")


def share_indicators() -> list[str]:
    return sorted(u.indicator for u in read_units(INDICATOR_SQL_DIR)
                  if u.aggregate == "share" or u.indicator.endswith("_share"))


def result(failures: list, what: str, severity=dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=not failures, severity=severity,
                               metadata={what: len(failures), "examples": dg.MetadataValue.json(
                                   [list(map(str, row)) for row in failures[:10]])})


@dg.asset_check(asset=indicators, blocking=True, description="Every share lies between 0 and 1.")
def shares_within_0_1(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""select indicator, level, area_code, period, breakdown, value from indicators
                              where indicator in (select unnest(?)) and (value < 0 or value > 1)""",
                           [share_indicators()]).fetchall()
    return result(bad, "shares_outside_0_1")


@dg.asset_check(asset=indicators, blocking=True,
                description="National bed nights (and nights beyond the refund cap) equal the sum over municipalities.")
def national_nights_equal_sum_of_municipalities(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""
            select indicator, period, sum(value) filter (where level = 'national') as national,
                   sum(value) filter (where level = 'municipality') as municipalities
            from indicators where indicator in ('bed_nights', 'nights_beyond_refund_cap') and breakdown = ''
            group by indicator, period
            having national is distinct from municipalities
        """).fetchall()
    return result(bad, "periods_out_of_balance")


@dg.asset_check(asset=indicators, blocking=True,
                description="National persons in shelter are no more than the sum over municipalities "
                            "(a person in two municipalities counts once nationally).")
def national_persons_at_most_sum_of_municipalities(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""
            select period, sum(value) filter (where level = 'national') as national,
                   sum(value) filter (where level = 'municipality') as municipalities
            from indicators where indicator = 'persons_in_shelter' and breakdown = ''
            group by period having national > municipalities
        """).fetchall()
    return result(bad, "periods_with_too_many_persons")


@dg.asset_check(asset=indicators, blocking=True,
                description="Every indicator of the spec is present for every complete period (at the levels "
                            "it is defined for).")
def every_indicator_every_period(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    expected = [(name, kind) for name, kinds in SPEC_INDICATORS.items() for kind in kinds.split()]
    with duckdb.get_connection() as conn:
        missing = conn.execute("""
            with expected as (select unnest(?) as indicator, unnest(?) as kind),
            wanted as (
                select e.indicator, p.period from expected e join periods p on p.period_type = e.kind
                union all
                select e.indicator, c.period from expected e
                join (select distinct period from homeless_count) c on e.kind = 'count_years'
                where c.period in (select period from periods)
            )
            select w.indicator, w.period from wanted w
            anti join (select distinct indicator, period from indicators) i using (indicator, period)
            order by 1, 2
        """, [[n for n, _ in expected], [k for _, k in expected]]).fetchall()
    return result(missing, "indicator_periods_missing")


@dg.asset_check(asset=indicators, blocking=True,
                description="monthly_flow: inflow_new + inflow_returning equals the distinct persons entering "
                            "in the month, at every level and area (each person counts once, in one of the two).")
def monthly_inflow_counts_each_person_once(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""
            with entering as (
                select p.period,
                       case when grouping(m.region_code) = 1 then 'national'
                            when grouping(s.municipality_code) = 1 then 'region' else 'municipality' end as level,
                       case when grouping(m.region_code) = 1 then 'DK'
                            when grouping(s.municipality_code) = 1 then m.region_code::varchar
                            else s.municipality_code::varchar end as area_code,
                       count(distinct s.person_no) as persons
                from episode_starts s
                -- the month by equality (a range join of every start with every month was 1.2 s slower at 100x)
                join periods p on p.period_type = 'month' and p.period = strftime(s.first_entry, '%Y-%m')
                join municipalities m using (municipality_code)
                group by grouping sets ((p.period), (p.period, m.region_code), (p.period, m.region_code, s.municipality_code))
            ), inflow as (
                select level, area_code, period, sum(value) as persons
                from indicators
                where indicator = 'monthly_flow' and breakdown in ('flow=inflow_new', 'flow=inflow_returning')
                group by all having bool_and(status = 'ok')
            )
            select i.level, i.area_code, i.period, i.persons as inflow, coalesce(e.persons, 0) as entering
            from inflow i left join entering e using (level, area_code, period)
            where i.persons <> coalesce(e.persons, 0)
            order by all
        """).fetchall()
    return result(bad, "areas_and_months_out_of_balance")


@dg.asset_check(asset=indicators, blocking=True,
                description="The state refunds at most half of the cost: state_refund_dkk <= shelter_cost_dkk / 2 "
                            "in every row.")
def state_refund_at_most_half_the_cost(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""
            select r.level, r.area_code, r.period, r.value as refund, c.value as cost
            from indicators r join indicators c using (level, area_code, period, breakdown)
            where r.indicator = 'state_refund_dkk' and c.indicator = 'shelter_cost_dkk'
              and r.value > c.value / 2 + 0.005
            order by all
        """).fetchall()
    return result(bad, "rows_refunding_more_than_half")


@dg.asset_check(asset=indicators, blocking=True,
                description="Every kroner amount adds up: national equals the sum over municipalities (to the öre), "
                            "for every period and breakdown where all are computed.")
def national_kroner_equal_sum_of_municipalities(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as conn:
        bad = conn.execute("""
            select indicator, period, breakdown, sum(value) filter (where level = 'national') as national,
                   sum(value) filter (where level = 'municipality') as municipalities
            from indicators where indicator in (select unnest(?))
            group by indicator, period, breakdown
            having bool_and(status = 'ok') and abs(national - municipalities) > 0.005
            order by all
        """, [list(KRONER_AMOUNTS)]).fetchall()
    return result(bad, "periods_out_of_balance")
