"""Who pays on the pages (issue 17): what the charts draw, the amounts in Danish, the ranking and
map by cost per inhabitant, and a run whose landing folder lacks the rate files."""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from tests.conftest import run_pipeline
from tests.test_reports import browser, open_page  # noqa: F401  (browser is a fixture)

AREA_PAGES = [("national.html", "national", "DK"), ("region/1084.html", "region", "1084"),
              ("municipality/101.html", "municipality", "101")]


def drawn_parts(page, chart_id: str) -> list[dict]:
    return page.evaluate("charts")[chart_id]["data"]["values"]


@pytest.mark.parametrize("name, level, code", AREA_PAGES)
def test_every_area_page_says_who_pays_and_the_bars_add_up_to_the_cost(small_run, warehouse, browser,  # noqa: F811
                                                                       name, level, code):
    settings, _ = small_run
    page, errors = open_page(browser, settings.published_dir / name)
    parts = drawn_parts(page, "chart-hvem-betaler")
    quarters = sorted({p["order"] for p in parts})
    # Three parts a quarter, or one grey stub where a part is hidden (its marks would overlap).
    per_quarter = {q: sum(p["order"] == q for p in parts) for q in quarters}
    stubbed = {p["order"] for p in parts if p["hidden"]}
    assert all(n == (1 if q in stubbed else 3) for q, n in per_quarter.items())
    assert parts[0]["period_label"] == "4. kvt. 2023"
    costs = dict(warehouse.execute("""select period, value from indicators_published where indicator = 'shelter_cost_dkk'
                                      and level = ? and area_code = ? and period like '%Q%' and period >= '2023-Q4'
                                      and value is not null""", [level, code]).fetchall())
    labels = {f"{p[-1]}. kvt. {p[:4]}": v for p, v in costs.items()}
    scale = 1e6 if "Mio" in page.evaluate("charts")["chart-hvem-betaler"]["layer"][0]["encoding"]["y"]["title"] else 1e3
    drawn = {}
    for p in parts:
        if p["hidden"] == "":
            drawn[p["period_label"]] = drawn.get(p["period_label"], 0) + p["value"] * scale
    shown = {label: total for label, total in drawn.items() if label in labels}
    assert shown and all(total == pytest.approx(labels[label], rel=1e-9) for label, total in shown.items())
    # Every part of every quarter is a bar on the page (a stub when hidden), none left out.
    bars = page.locator("#chart-hvem-betaler g.mark-rect path").count()
    assert bars == len(parts)
    table = page.locator("#hvem-betaler table").inner_text()
    assert re.search(r"\d+,\d\u00a0mio\.\u00a0kr\.|\d+\.\d{3}\u00a0kr\.", table)
    assert page.locator("#hf-udgift .chart svg").count() == 1
    assert errors == []
    page.close()


def test_municipalities_are_ranked_and_mapped_by_cost_beyond_the_cap_per_inhabitant(small_run, warehouse, browser):  # noqa: F811
    settings, _ = small_run
    page, errors = open_page(browser, settings.published_dir / "national.html")
    spec = page.evaluate("charts")["chart-refusion-rangering"]
    assert "pr. indbygger" in " ".join(spec["title"]["text"])
    rows = [r for r in spec["data"]["values"] if r["value"] is not None]
    top = rows[0]
    year = settings and warehouse.execute("""select max(period) from indicators_published
                                             where indicator = 'persons_in_shelter' and length(period) = 4""").fetchall()[0][0]
    cost, inhabitants = warehouse.execute("""
        select i.value, p.population from indicators_published i
        join area_population p on p.level = i.level and p.area_code = i.area_code and p.year = ?
        join municipalities m on m.municipality_code::varchar = i.area_code
        where i.indicator = 'cost_beyond_refund_cap_dkk' and i.level = 'municipality' and i.period = ? and m.name = ?
    """, [int(year), year, top["category"]]).fetchall()[0]
    assert top["value"] == pytest.approx(cost / inhabitants)
    assert max(r["value"] for r in rows) == top["value"]
    options = page.locator("select option").all_inner_texts()
    assert "Udgift ud over refusionsgrænsen pr. indbygger (kr.)" in options
    page.select_option("select", label="Udgift ud over refusionsgrænsen pr. indbygger (kr.)")
    page.wait_for_timeout(300)
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def run_without_shelter_rates(small_landing, tmp_path_factory):
    """The landing folder without shelter_rates.csv, and without ACT's cost for 2024."""
    landing = tmp_path_factory.mktemp("no_rates") / "landing"
    shutil.copytree(small_landing, landing)
    (landing / "reference" / "shelter_rates.csv").unlink()
    costs = landing / "reference" / "hf_unit_costs.csv"
    costs.write_text("".join(line for line in costs.read_text().splitlines(keepends=True) if not line.startswith("ACT,2024")))
    settings, result = run_pipeline(landing, tmp_path_factory.mktemp("no_rates_home"))
    assert result.success, [e.step_failure_data.error for e in result.get_step_failure_events()]
    return settings


def test_without_the_rate_file_the_run_completes_and_the_pages_say_why(run_without_shelter_rates, browser):  # noqa: F811
    settings = run_without_shelter_rates
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        statuses = conn.execute("""select distinct status from indicators_published
                                   where indicator in ('shelter_cost_dkk', 'municipal_net_cost_dkk',
                                                       'net_cost_per_person_in_shelter_dkk')""").fetchall()
        act = conn.execute("""select status from indicators_published where indicator = 'hf_cost_dkk' and level = 'national'
                              and period = '2024' and breakdown = 'method=ACT'""").fetchall()
        icm = conn.execute("""select status from indicators_published where indicator = 'hf_cost_dkk' and level = 'national'
                              and period = '2024' and breakdown = 'method=ICM'""").fetchall()
    assert statuses == [("no_data",)] and act == [("no_data",)] and icm == [("ok",)]
    page, errors = open_page(browser, settings.published_dir / "municipality" / "101.html")
    text = page.locator("#hvem-betaler").inner_text()
    assert "takster er ikke leveret" in text
    assert "mio. kr." not in page.locator("#hvem-betaler table").inner_text()
    assert "ACT (2024)" in page.locator("#hf-udgift").inner_text()
    page.close()
    page, errors = open_page(browser, settings.published_dir / "national.html")
    assert "Nætter ud over refusionsgrænsen pr. 10.000" in " ".join(
        page.evaluate("charts")["chart-refusion-rangering"]["title"]["text"])
    page.close()
    page, _ = open_page(browser, settings.published_dir / "data-quality.html")
    quality = page.locator("#takster").inner_text()
    assert "reference/shelter_rates.csv er ikke leveret" in quality and "ACT" in quality and "2024" in quality
    assert "Herberg\t" not in quality                      # the absent file is said once, not per shelter
    page.close()
    assert errors == []
