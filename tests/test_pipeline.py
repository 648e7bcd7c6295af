"""A real materialisation of every asset on a small generated landing folder, checked against
figures computed independently here with pandas straight from the CSV files."""

from __future__ import annotations

import hashlib
import re

import dagster as dg
import pandas as pd
import pytest

from assets.delivery_files import period_bounds


@pytest.fixture(scope="module")
def delivered_stays(small_landing) -> pd.DataFrame:
    frames = []
    for path in sorted((small_landing / "shelter_stays").glob("*.csv")):
        shelter, period = re.match(r"(S\d+)_(\d{4}-Q\d)\.csv", path.name).groups()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames.append(frame.assign(shelter=shelter, period=period, file=path.name, line=range(2, len(frame) + 2)))
    return pd.concat(frames, ignore_index=True)


def expected_persons_in_shelter(stays: pd.DataFrame, landing) -> pd.DataFrame:
    """persons_in_shelter by hand: latest period wins, then distinct persons active in each year."""
    latest = stays.sort_values("period").drop_duplicates(["shelter", "stay_id"], keep="last")
    entry = pd.to_datetime(latest["entry_date"])
    exit_ = pd.to_datetime(latest["exit_date"].replace("", None))
    regions = pd.read_csv(landing / "reference" / "municipalities.csv").set_index("municipality_code")["region_code"]
    rows = []
    for year in (2022, 2023, 2024):
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        active = latest[(entry <= end) & (exit_.isna() | (exit_ >= start))]
        muni = active["municipality_code"].astype(int)
        rows.append(("national", "DK", str(year), active["person_key"].nunique()))
        for code, n in active.groupby(muni.map(regions))["person_key"].nunique().items():
            rows.append(("region", str(code), str(year), n))
        for code, n in active.groupby(muni)["person_key"].nunique().items():
            rows.append(("municipality", str(code), str(year), n))
    return pd.DataFrame(rows, columns=["level", "area_code", "period", "expected"])


def test_every_step_succeeded_and_checks_passed(small_run):
    _, result = small_run
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    assert names >= {"rows_accounted_for", "no_small_cells", "gx_shelter_stays_structure", "gx_interventions_codes",
                     "gx_homeless_count_plausibility", "every_indicator_every_period"}
    assert all(e.passed for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR)


def test_persons_in_shelter_matches_independent_computation(warehouse, delivered_stays, small_landing):
    expected = expected_persons_in_shelter(delivered_stays, small_landing)
    got = warehouse.execute("""
        select level, area_code, period, value from indicators
        where indicator = 'persons_in_shelter' and length(period) = 4""").df()
    merged = expected.merge(got, on=["level", "area_code", "period"], how="outer")
    # Areas with nobody in shelter are published as 0, not left out.
    merged["expected"] = merged["expected"].fillna(0)
    assert merged["value"].notna().all()
    assert (merged["value"] == merged["expected"]).all(), merged[merged["value"] != merged["expected"]]
    assert len(got) == 3 * (1 + 5 + 98)
    national = got[got["level"] == "national"]["value"]
    assert national.min() > 100  # a real figure, not a degenerate fixture


def test_quarters_are_computed_for_complete_quarters_only(warehouse):
    periods = [r[0] for r in warehouse.execute(
        "select distinct period from indicators where indicator = 'persons_in_shelter' order by 1").fetchall()]
    assert periods == ["2022", "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023", "2023-Q1", "2023-Q2",
                       "2023-Q3", "2023-Q4", "2024", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def test_latest_delivery_wins(warehouse, delivered_stays):
    # A stay open at one quarter's end and closed in the next: the later file's exit must win.
    closed_later = delivered_stays[(delivered_stays["exit_date"] == "")].merge(
        delivered_stays[delivered_stays["exit_date"] != ""], on=["shelter", "stay_id"], suffixes=("_open", "_closed"))
    closed_later = closed_later[closed_later["period_closed"] > closed_later["period_open"]]
    assert len(closed_later) > 10
    sample = closed_later.head(20)
    for _, row in sample.iterrows():
        exit_date, reported_in = warehouse.execute(
            "select exit_date::varchar, reported_in from stays_current where shelter_id = ? and stay_id = ?",
            [row["shelter"], row["stay_id"]]).fetchall()[0]
        assert exit_date == row["exit_date_closed"]
        assert reported_in >= row["period_closed"]
    total = warehouse.execute("select count(*), count(distinct (shelter_id, stay_id)) from stays_current").fetchall()[0]
    assert total[0] == total[1] == delivered_stays[["shelter", "stay_id"]].drop_duplicates().shape[0]


def test_provenance_file_line_and_hash(warehouse, delivered_stays, small_landing):
    rows = warehouse.execute("""select source_file, line, stay_id, person_key from raw_shelter_stays
                                using sample 50 rows (reservoir, 3)""").fetchall()
    for source_file, line, stay_id, person_key in rows:
        text = (small_landing / source_file).read_text().splitlines()[line - 1]
        assert text.startswith(f"{stay_id},{person_key},")
    files = warehouse.execute("select source_file, sha256 from deliveries").fetchall()
    assert len(files) == sum(1 for p in small_landing.glob("*/*.csv") if p.parent.name != "reference")
    for source_file, sha in files[:30]:
        assert sha == hashlib.sha256((small_landing / source_file).read_bytes()).hexdigest()


def test_deliveries_table_has_the_interface_columns_and_balances(warehouse, delivered_stays):
    columns = [r[0] for r in warehouse.execute("describe deliveries").fetchall()]
    assert columns[:9] == ["source_file", "dataset", "provider", "period", "sha256", "rows_read", "rows_valid",
                           "rows_quarantined", "status"]
    stays_read = warehouse.execute(
        "select sum(rows_read) from deliveries where dataset = 'shelter_stays'").fetchall()[0][0]
    assert stays_read == len(delivered_stays)
    assert warehouse.execute("select count(*) from deliveries where rows_read <> rows_valid + rows_quarantined"
                             ).fetchall()[0][0] == 0


def test_published_csv_has_no_small_cells_and_no_person_level_values(small_run, warehouse):
    settings, _ = small_run
    published = pd.read_csv(settings.published_dir / "indicators.csv", dtype={"area_code": str})
    counts = published[published["numerator"].isna() & published["denominator"].isna()]["value"].dropna()
    assert not counts.between(1, 4).any()
    assert (published["suppression"].fillna("") != "").any(), "a small fixture has small cells to suppress"
    text = (settings.published_dir / "indicators.csv").read_text()
    assert not re.search(r"[0-9a-f]{64}", text)
    keys = {r[0] for r in warehouse.execute("select distinct person_key from shelter_stays limit 20").fetchall()}
    html = (settings.published_dir / "index.html").read_text()
    assert not any(key in html or key in text for key in keys)


def test_report_is_self_contained_and_danish(small_run):
    settings, _ = small_run
    html = (settings.published_dir / "index.html").read_text()
    assert '<html lang="da">' in html
    scripts = re.findall(r"<script[^>]+src=\"([^\"]+)\"", html)
    assert scripts == ["vega.js"], "the only script loaded is the chart library shipped beside the pages"
    assert (settings.published_dir / "vega.js").exists()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing loaded from elsewhere"
    assert "cdn.jsdelivr" not in html and "cdn.jsdelivr" not in (settings.published_dir / "vega.js").read_text()
    assert len(html.encode()) < 2_000_000
    assert "Personer på herberg" in html


def test_period_bounds():
    assert [str(d) for d in period_bounds("2024")] == ["2024-01-01", "2024-12-31"]
    assert [str(d) for d in period_bounds("2024-Q1")] == ["2024-01-01", "2024-03-31"]
    assert [str(d) for d in period_bounds("2024-Q4")] == ["2024-10-01", "2024-12-31"]
    assert [str(d) for d in period_bounds("2024-02")] == ["2024-02-01", "2024-02-29"]
    assert [str(d) for d in period_bounds("2023-12")] == ["2023-12-01", "2023-12-31"]


def test_lineage_run_and_cutoff(small_run, warehouse):
    _, result = small_run
    run_ids = warehouse.execute("select distinct run_id, cutoff::varchar from indicators").fetchall()
    assert run_ids == [(result.run_id, "2024-12-31")]
    used = warehouse.execute("select count(*), count(distinct sha256) from run_lineage where run_id = ?",
                             [result.run_id]).fetchall()[0]
    loaded = warehouse.execute("select count(*) from deliveries where status = 'loaded'").fetchall()[0][0]
    assert used[0] == loaded and used[1] > 0
