"""Disclosure control on hand-built figures, with the expected suppression worked out by hand."""

from __future__ import annotations

import duckdb
import pytest

from assets.indicators import apply_disclosure_control


def disclosed(rows, municipalities=((101, 1084), (147, 1084), (151, 1084), (751, 1082))):
    """A warehouse holding `rows` as `indicators`, after the pipeline's disclosure control."""
    conn = duckdb.connect()
    conn.execute("create table municipalities (municipality_code integer, region_code integer)")
    conn.executemany("insert into municipalities values (?, ?)", list(municipalities))
    conn.execute("""create table indicators (indicator varchar, level varchar, area_code varchar, period varchar,
                    breakdown varchar, value double, numerator double, denominator double, status varchar,
                    cutoff date)""")
    conn.executemany("insert into indicators values (?, ?, ?, ?, ?, ?, ?, ?, 'ok', date '2024-12-31')", rows)
    apply_disclosure_control(conn)
    return conn


def publish(rows, **kwargs):
    return {(r[0], r[1], r[2]): (r[3], r[4], r[5], r[6]) for r in disclosed(rows, **kwargs).execute(
        "select level, area_code, breakdown, value, numerator, denominator, suppression from indicators_published"
    ).fetchall()}


def publish_all(rows) -> dict:
    """(indicator, level, area) -> (value, suppression)."""
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in disclosed(rows).execute(
        "select indicator, level, area_code, value, suppression from indicators_published").fetchall()}


def test_counts_one_to_four_are_suppressed_zero_is_published():
    out = publish([("exits", "municipality", "101", "2024", "", v, None, None) for v in [0]] +
                  [("exits", "municipality", "147", "2024", "", 4, None, None),
                   ("exits", "municipality", "151", "2024", "", 5, None, None),
                   ("exits", "region", "1084", "2024", "", 9, None, None)])
    assert out[("municipality", "101", "")] == (0, None, None, "")
    assert out[("municipality", "147", "")][3] == "primary" and out[("municipality", "147", "")][0] is None
    # 147 is the only suppressed municipality of region 1084 (total 9 published): 9 - 0 - 5 = 4 would
    # give it away, so the smallest non-zero other part (151 = 5) is suppressed as well, not the zero.
    assert out[("municipality", "151", "")] == (None, None, None, "secondary")
    assert out[("municipality", "101", "")][3] == ""


def test_shares_with_small_numerator_or_denominator_lose_all_three_numbers():
    out = publish([("exits_to_housing_share", "municipality", "101", "2024", "", 0.5, 2, 4),
                   ("exits_to_housing_share", "municipality", "147", "2024", "", 3 / 30, 3, 30),
                   ("exits_to_housing_share", "municipality", "151", "2024", "", 10 / 30, 10, 30)])
    assert out[("municipality", "101", "")] == (None, None, None, "primary")
    assert out[("municipality", "147", "")] == (None, None, None, "primary")
    assert out[("municipality", "151", "")] == (pytest.approx(1 / 3), 10, 30, "")


def test_secondary_suppression_within_a_breakdown():
    # Exits from one municipality by destination: 40 = 20 + 12 + 6 + 2. Only "street" (2) is small;
    # the smallest other part (prison = 6) is suppressed too. The total stays published.
    rows = [("exits", "municipality", "101", "2024", "", 40, None, None)] + [
        ("exits", "municipality", "101", "2024", f"destination={d}", v, None, None)
        for d, v in [("own_housing", 20), ("unknown", 12), ("prison", 6), ("street", 2)]]
    out = publish(rows, municipalities=((101, 1084),))
    assert out[("municipality", "101", "destination=street")][3] == "primary"
    assert out[("municipality", "101", "destination=prison")][3] == "secondary"
    assert out[("municipality", "101", "destination=unknown")] == (12, None, None, "")
    assert out[("municipality", "101", "")] == (40, None, None, "")


def test_two_small_parts_need_no_secondary_suppression():
    rows = [("exits", "municipality", "101", "2024", "", 30, None, None)] + [
        ("exits", "municipality", "101", "2024", f"destination={d}", v, None, None)
        for d, v in [("own_housing", 25), ("prison", 3), ("street", 2)]]
    out = publish(rows, municipalities=((101, 1084),))
    assert out[("municipality", "101", "destination=own_housing")] == (25, None, None, "")


def test_parts_without_a_total_are_not_a_group():
    # monthly_flow's flows do not add up to a published total: one small flow stays the only one.
    rows = [("monthly_flow", "municipality", "101", "2024-01", f"flow={f}", v, None, None)
            for f, v in [("inflow_new", 3), ("active_end", 40), ("outflow_other", 12)]]
    out = publish(rows, municipalities=((101, 1084),))
    assert out[("municipality", "101", "flow=inflow_new")][3] == "primary"
    assert out[("municipality", "101", "flow=outflow_other")] == (12, None, None, "")


def kroner_rows(area, level, cost, refund, beyond, persons, beyond_persons, in_shelter):
    net = cost - refund
    return [("shelter_cost_dkk", level, area, "2024", "", cost, None, persons),
            ("state_refund_dkk", level, area, "2024", "", refund, None, persons),
            ("municipal_net_cost_dkk", level, area, "2024", "", net, None, persons),
            ("cost_beyond_refund_cap_dkk", level, area, "2024", "", beyond, None, beyond_persons),
            ("net_cost_per_person_in_shelter_dkk", level, area, "2024", "", net / in_shelter, net, in_shelter),
            ("persons_in_shelter", level, area, "2024", "", in_shelter, None, None)]


def test_kroner_are_hidden_by_the_persons_behind_them_and_with_what_gives_them_away():
    # 101: 3 persons beyond the cap. Its cost beyond the cap is hidden (primary), and since
    # refund = (cost - beyond) / 2 and net = cost - refund, refund, net and net per person go too;
    # the gross cost stays (alone it gives none of them).
    rows = (kroner_rows("101", "municipality", 1_000_000, 400_000, 200_000, 40, 3, 40)
            + kroner_rows("147", "municipality", 500_000, 250_000, 0, 20, 0, 20)
            + kroner_rows("151", "municipality", 2_000_000, 800_000, 400_000, 60, 10, 60)
            + kroner_rows("1084", "region", 3_500_000, 1_450_000, 600_000, 120, 13, 120))
    out = publish_all(rows)
    assert out[("cost_beyond_refund_cap_dkk", "municipality", "101")] == (None, "primary")
    for indicator in ("state_refund_dkk", "municipal_net_cost_dkk", "net_cost_per_person_in_shelter_dkk"):
        assert out[(indicator, "municipality", "101")] == (None, "secondary"), indicator
    assert out[("shelter_cost_dkk", "municipality", "101")] == (1_000_000, "")
    # Amounts add up: the region's 600.000 beyond the cap less 147's 0 would give 101's, so 151's is
    # hidden too (the smallest non-zero other part), and with it 151's refund and net cost.
    assert out[("cost_beyond_refund_cap_dkk", "municipality", "151")] == (None, "secondary")
    assert out[("municipal_net_cost_dkk", "municipality", "151")] == (None, "secondary")
    assert out[("cost_beyond_refund_cap_dkk", "municipality", "147")] == (0, "")


def test_a_rate_per_10k_is_hidden_where_its_count_is():
    # 147's persons (3) are hidden, 151's (6) by secondary suppression; the per-10k rate publishes
    # its count as numerator, so it follows both.
    rows = [("persons_in_shelter", "municipality", "101", "2024", "", 40, None, None),
            ("persons_in_shelter", "municipality", "147", "2024", "", 3, None, None),
            ("persons_in_shelter", "municipality", "151", "2024", "", 6, None, None),
            ("persons_in_shelter", "region", "1084", "2024", "", 49, None, None),
            ("persons_in_shelter_per_10k", "municipality", "151", "2024", "", 6.0, 6, 10_000)]
    out = publish_all(rows)
    assert out[("persons_in_shelter", "municipality", "151")] == (None, "secondary")
    assert out[("persons_in_shelter_per_10k", "municipality", "151")] == (None, "secondary")
