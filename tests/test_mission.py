"""Mission targets and peer groups: progress and status on hand-built published figures (real
DuckDB, the asset's own SQL), a refused targets file, and the mission in the real pipeline."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from assets.mission import MISSION_SQL
from tests.conftest import run_pipeline

REPO = MISSION_SQL.parents[2]

TARGET_COLUMNS = ("target_id, indicator, level, area_code, breakdown, target, target_kind, direction, "
                  "baseline_period, deadline, owner, description")


@pytest.fixture()
def figures():
    """Years 2022-2025, DK and two municipalities, and the published figures each case needs."""
    conn = duckdb.connect()
    conn.execute("""create table areas as select * from (values ('national', 'DK'), ('municipality', '101'),
                    ('municipality', '147')) t(level, area_code)""")
    conn.execute("""create table periods as select y::varchar as period, 'year' as period_type,
                    make_date(y, 1, 1) as period_start, make_date(y, 12, 31) as period_end
                    from range(2022, 2026) t(y)""")
    conn.execute("""create table indicators_published (indicator varchar, level varchar, area_code varchar,
                    period varchar, breakdown varchar, value double, status varchar, suppression varchar)""")
    conn.execute("""create table targets (target_id varchar, indicator varchar, level varchar, area_code varchar,
                    breakdown varchar, target double, target_kind varchar, direction varchar,
                    baseline_period varchar, deadline date, owner varchar, description varchar)""")
    yield conn
    conn.close()


def publish(conn, indicator, area, values: dict, level="national", statuses: dict | None = None):
    for period, value in values.items():
        status = (statuses or {}).get(period, "ok")
        conn.execute("insert into indicators_published values (?, ?, ?, ?, '', ?, ?, ?)",
                     [indicator, level, area, period, value, status, "primary" if value is None and status == "ok" else ""])


def target(conn, target_id, indicator, value, kind="value", direction="at_least", level="national", area="DK",
           baseline="2022", deadline="2026-12-31"):
    conn.execute(f"insert into targets ({TARGET_COLUMNS}) values (?, ?, ?, ?, null, ?, ?, ?, ?, ?, 'owner', 'mål')",
                 [target_id, indicator, level, area, value, kind, direction, baseline, deadline])


def progress(conn) -> pd.DataFrame:
    conn.execute((MISSION_SQL / "target_progress.sql").read_text())
    return conn.execute("select * from target_progress").df().set_index(["target_id", "area_code"])


def test_reached_on_track_off_track_and_suppressed(figures):
    publish(figures, "exits_to_housing_share", "DK", {"2022": 0.30, "2023": 0.40, "2024": 0.55})
    target(figures, "reached", "exits_to_housing_share", 0.5)
    # Halve 100 by the end of 2026: at the end of 2024 the path stands at 100 - 50 * 731/1461 = 74.98.
    publish(figures, "nights_beyond_refund_cap", "DK", {"2022": 100.0, "2024": 70.0})
    target(figures, "on_track", "nights_beyond_refund_cap", -0.5, kind="change", direction="at_most")
    publish(figures, "bed_nights", "DK", {"2022": 100.0, "2024": 80.0})
    target(figures, "off_track", "bed_nights", -0.5, kind="change", direction="at_most")
    publish(figures, "ongoing_over_90_days", "DK", {"2022": 10.0, "2024": None})
    target(figures, "latest_hidden", "ongoing_over_90_days", 0, direction="at_most")
    publish(figures, "persons_in_shelter", "DK", {"2022": None, "2024": 9.0})
    target(figures, "baseline_hidden", "persons_in_shelter", -0.5, kind="change", direction="at_most")
    result = progress(figures)
    status = result["status"].droplevel(1).to_dict()
    assert status == {"reached": "reached", "on_track": "on_track", "off_track": "off_track",
                      "latest_hidden": "no_data", "baseline_hidden": "no_data"}
    on_track = result.loc[("on_track", "DK")]
    assert on_track["target_value"] == 50 and on_track["latest_period"] == "2024"
    assert on_track["path_value"] == pytest.approx(100 - 50 * 731 / 1461)
    assert result.loc[("baseline_hidden", "DK")]["target_value"] != result.loc[("baseline_hidden", "DK")]["target_value"]


def test_status_agrees_with_the_rounded_figures_shown(figures):
    # 49,96 % is shown as «50,0 %» next to a target of 50 %: reached, not "behind" by 0,04 points.
    publish(figures, "exits_to_housing_share", "DK", {"2022": 0.30, "2024": 0.49996})
    target(figures, "rounded", "exits_to_housing_share", 0.5)
    # 49,94 % is shown as «49,9 %»: not reached.
    publish(figures, "first_time_share", "DK", {"2022": 0.60, "2024": 0.4994})
    target(figures, "below", "first_time_share", 0.5, direction="at_least", deadline="2024-12-31")
    status = progress(figures)["status"].droplevel(1).to_dict()
    assert status == {"rounded": "reached", "below": "off_track"}


def test_every_municipality_and_not_yet_measurable_periods(figures):
    publish(figures, "action_plan_within_30_days_share", "101", {"2022": 0.5, "2024": 0.95, "2025": None},
            level="municipality", statuses={"2025": "insufficient_follow_up"})
    publish(figures, "action_plan_within_30_days_share", "147", {"2022": 0.5, "2024": 0.6}, level="municipality")
    target(figures, "T4", "action_plan_within_30_days_share", 0.9, level="municipality", area="*")
    result = progress(figures)
    # 2025 cannot be measured yet, so 2024 is the latest; 147 at 0.6 is below the path (0.70).
    assert result.loc[("T4", "101")]["latest_period"] == "2024"
    assert result["status"].to_dict() == {("T4", "101"): "reached", ("T4", "147"): "off_track"}


def test_invalid_targets_file_is_refused_with_file_line_column_and_rule(small_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    path = landing / "reference" / "targets.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("at_least", "more_or_less")
    path.write_text("\n".join(lines) + "\n")
    settings, result = run_pipeline(landing, tmp_path / "home")
    assert not result.success
    failures = {e.step_key: e.step_failure_data.user_failure_data.description
                for e in result.get_step_failure_events() if e.step_failure_data.user_failure_data}
    assert "targets.csv:3:direction code" in failures["targets"]
    assert not (settings.published_dir / "mission.html").exists()


def test_unknown_indicator_and_area_are_named(small_landing, tmp_path):
    import dagster as dg
    from assets.reference import load_reference
    from checks.contract import TARGETS
    conn = duckdb.connect()
    conn.execute("create table municipalities as select 101 as municipality_code, 1084 as region_code")
    conn.execute("create temp table known_indicators as select 'bed_nights' as indicator")
    path = tmp_path / "targets.csv"
    path.write_text(f"{TARGET_COLUMNS.replace(', ', ',')}\n"
                    "T1,bed_nights,municipality,999,,-0.5,change,at_most,2023,2027-12-31,KL,x\n"
                    "T2,no_such_indicator,national,DK,,1,value,at_most,2023,2027-12-31,KL,x\n")
    with pytest.raises(dg.Failure) as refused:
        load_reference(conn, TARGETS, path)
    assert "targets.csv:2:area_code unknown_area" in refused.value.description
    assert "targets.csv:3:indicator unknown_indicator" in refused.value.description


def test_mission_in_the_pipeline(small_run, warehouse):
    settings, _ = small_run
    statuses = warehouse.execute("select status, count(*) from target_progress group by all").fetchall()
    assert sum(n for _, n in statuses) == 5 + 98 + 5 + 1   # 5 national, every municipality, every region, 101
    html = (settings.published_dir / "mission.html").read_text()
    for target_id in ("T1", "T2", "T3", "T4", "T5", "T6", "T7"):
        assert f"{target_id}: " in html
    index = (settings.published_dir / "index.html").read_text()
    assert index.index("mission.html") < index.index("national.html")
    assert "Fælles mål" in (settings.published_dir / "municipality" / "101.html").read_text()


def test_peer_groups_and_peer_median(small_run, warehouse):
    groups = dict(warehouse.execute("select peer_group, count(*) from peer_groups group by all").fetchall())
    assert groups["capital"] == 2 and groups["large_cities"] == 3 and groups["capital_suburbs"] == 15
    assert sum(groups.values()) == 98
    peer = warehouse.execute("""
        select c.peer_median, c.period, c.municipality_code from peer_comparison c
        where c.peer_group = 'rural' and c.indicator = 'persons_in_shelter_per_10k'
        order by c.municipality_code limit 1""").fetchall()[0]
    values = warehouse.execute("""
        select p.value from indicators_published p join peer_groups g on g.municipality_code = p.area_code::integer
        where p.level = 'municipality' and p.indicator = 'persons_in_shelter_per_10k' and p.breakdown = ''
          and p.period = ? and g.peer_group = 'rural' and p.value is not null and g.municipality_code <> ?""",
                               [peer[1], peer[2]]).fetchall()
    assert peer[0] == pytest.approx(pd.Series([v for (v,) in values]).median())
    # A municipality is not its own peer: København's peer median is Frederiksberg's figure.
    capital = warehouse.execute("""select c.peers, c.peer_median, p.value from peer_comparison c
        join indicators_published p on p.indicator = c.indicator and p.period = c.period and p.level = 'municipality'
         and p.area_code = '147' and p.breakdown = ''
        where c.municipality_code = 101 and c.indicator = 'persons_in_shelter_per_10k'""").fetchall()[0]
    assert capital[0] == 1 and capital[1] == capital[2]
    settings, _ = small_run
    page = (settings.published_dir / "municipality" / "250.html").read_text()
    assert "Sammenlignet med kommuner som" in page and "median" in page


def test_hfmon_validate_checks_a_targets_file(tmp_path):
    import subprocess
    import sys
    reference = tmp_path / "reference"
    reference.mkdir()
    good = (REPO / "sample_data" / "reference" / "targets.csv").read_text()
    (reference / "targets.csv").write_text(good.replace(",*,,0.9,value,at_least,2023,", ",*,,0.9,value,at_least,2023x,"))
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(reference / "targets.csv")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "targets.csv:5:baseline_period period_format" in result.stdout
