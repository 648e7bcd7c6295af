"""`hfmon generate`: deterministic for a seed, calibrated to the published Danish figures,
linear in --persons, and the committed sample_data/ is exactly what it writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.synthetic import generate
from pipelines.synthetic.geography import MUNICIPALITIES_CSV

REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARGS = dict(persons=7000, seed=2026, start=2021, end=2026, cutoff="2026-09-30", faults=True)  # make sample-data


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.csv*"))}


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    """The sample data's settings without the faulty deliveries (read naively below)."""
    out = tmp_path_factory.mktemp("national")
    generate(out, **{**SAMPLE_ARGS, "faults": False})
    return out


def yearly(folder: Path) -> pd.DataFrame:
    """Persons, stays, one-night stays and whole-year persons per complete year (latest delivery wins)."""
    con = duckdb.connect()
    return con.execute(f"""
        with raw as (select *, filename from read_csv('{folder}/shelter_stays/*.csv', all_varchar = true,
                                                      filename = true)),
        stays as (select person_key, entry_date::date as e, nullif(exit_date, '')::date as x
                  from raw qualify row_number() over (partition by stay_id order by filename desc) = 1),
        years as (select range::int as y from range(2021, 2026)),
        active as (select y, s.* from stays s join years on e <= make_date(y, 12, 31)
                   and coalesce(x, date '9999-12-31') >= make_date(y, 1, 1)),
        nights as (select y, person_key, sum(least(coalesce(x, date '2026-10-01'), make_date(y + 1, 1, 1))
                                             - greatest(e, make_date(y, 1, 1))) as n
                   from active group by all)
        select y, (select count(distinct person_key) from active a where a.y = years.y) as persons,
               (select count(*) from active a where a.y = years.y) as stays,
               (select avg((x - e = 1)::int) from stays where year(e) = years.y) as one_night_share,
               (select avg((n >= 365)::int) from nights where nights.y = years.y) as whole_year_share
        from years order by y
    """).df()


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    small = dict(persons=150, start=2023, end=2024)
    generate(tmp_path / "a", seed=1, **small)
    generate(tmp_path / "b", seed=1, **small)
    generate(tmp_path / "c", seed=2, **small)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert digests(tmp_path / "a") != digests(tmp_path / "c")


def test_committed_sample_data_is_what_the_generator_writes(tmp_path):
    generate(tmp_path, **SAMPLE_ARGS)
    assert digests(REPO / "sample_data") == digests(tmp_path)
    names = {p.name for p in (tmp_path / "shelter_stays").iterdir()}
    assert any(n.endswith("_rettet.csv") for n in names) and any(n.endswith(".csv.gz") for n in names)


def test_calibrated_to_danish_shelter_statistics(national):
    figures = yearly(national)
    for row in figures.itertuples():
        assert 6300 <= row.persons <= 7700, row          # about 7,000 persons a year (+-10%)
        assert 12_500 <= row.stays <= 15_000, row        # 13,000-15,000 stays a year
        assert 0.20 <= row.one_night_share <= 0.32, row  # 20-30% of stays are one night
        assert 0.04 <= row.whole_year_share <= 0.08, row  # about 6% stay the whole year
    shelters = pd.read_csv(national / "reference" / "shelters.csv")
    assert 70 <= len(shelters) <= 80
    beds = shelters.groupby("municipality_code")["beds"].sum().sort_values(ascending=False)
    assert set(beds.index[:4]) == {101, 751, 461, 851}   # most beds in the four large cities


def test_national_count_matches_published_totals(national):
    for year, total in ((2022, 5789), (2024, 5989)):
        count = pd.read_csv(national / "homeless_count" / f"count_{year}.csv")
        assert count["persons"].sum() == total
        share = count.loc[count["municipality_code"] == 101, "persons"].sum() / total
        assert 0.20 <= share <= 0.26                     # København about 23%


def test_persons_scales_linearly(tmp_path):
    generate(tmp_path / "tenth", persons=700, seed=3, start=2021, end=2025)
    persons = yearly(tmp_path / "tenth")["persons"]
    assert persons.between(630, 770).all(), persons.tolist()
    count = pd.read_csv(tmp_path / "tenth" / "homeless_count" / "count_2024.csv")
    assert count["persons"].sum() == round(5989 / 10)


def test_housing_first_cases_follow_leavers(national):
    cases = duckdb.connect().execute(f"""
        select method, count(*) as n, avg((end_date = '')::int) as open_share
        from read_csv('{national}/interventions/*_2025.csv', all_varchar = true) group by all
    """).df().set_index("method")
    assert set(cases.index) == {"CTI", "ICM", "ACT", "OTHER_SUPPORT"}
    assert cases.loc["CTI", "n"] > cases.loc["ACT", "n"]
    files = list((national / "interventions").glob("*.csv"))
    assert len({f.name.split("_")[0] for f in files}) == 98   # every municipality delivers


def test_bundled_municipalities_match_shared_reference():
    shared = REPO.parent / "shared" / "reference" / "municipalities.csv"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert MUNICIPALITIES_CSV.read_bytes() == shared.read_bytes()
