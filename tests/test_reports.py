"""The reports in a real browser (Debian's headless Chromium, driven by Playwright, offline):
no console errors, every chart drawn, suppressed figures shown as "<5", screenshots kept."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

CHROMIUM = shutil.which("chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PAGES = ["index.html", "national.html", "region/1084.html", "municipality/101.html", "municipality/147.html",
         "data-quality.html", "mission.html"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is needed for the report tests: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_offline_without_errors(small_run, browser, page_name, tmp_path):
    settings, _ = small_run
    path = settings.published_dir / page_name
    html = path.read_text()
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    charts = html.count('class="chart"')
    if charts:
        page.wait_for_function(f"document.querySelectorAll('.chart svg').length >= {charts}", timeout=20_000)
    page.screenshot(path=str(tmp_path / (page_name.replace("/", "_") + ".png")), full_page=True)
    assert errors == [] and requests == []
    assert page.locator(".chart svg").count() == charts
    assert page.locator("h1").inner_text()
    assert len(html.encode()) < 2_000_000
    page.close()


def test_suppressed_figures_show_as_less_than_five(small_run, browser):
    settings, _ = small_run
    html = (settings.published_dir / "municipality" / "147.html").read_text()
    assert "&lt;5" in html or "<5" in html
    page = browser.new_page()
    page.goto((settings.published_dir / "municipality" / "147.html").as_uri())
    page.locator("details").first.evaluate("d => d.open = true")
    assert page.get_by_text("<5").count() > 0
    page.close()


def test_reads_on_a_phone(small_run, browser, tmp_path):
    settings, _ = small_run
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto((settings.published_dir / "municipality" / "101.html").as_uri())
    page.wait_for_function("document.querySelectorAll('.chart svg').length > 0", timeout=20_000)
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_every_page_and_its_csv_exist(small_run):
    settings, _ = small_run
    out = settings.published_dir
    assert len(list((out / "municipality").glob("*.html"))) == 98
    assert len(list((out / "region").glob("*.html"))) == 5
    assert (out / "national.html").exists() and (out / "data-quality.html").exists()
    raw = (out / "municipality" / "101.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                            # UTF-8 with BOM: Danish Excel reads æøå
    csv = raw.decode("utf-8-sig")
    header, *rows = csv.splitlines()
    assert header.startswith("Nøgletal;Id;Periode;Opdeling;Værdi") and "Data til og med" in header
    assert not re.search(r"[0-9a-f]{64}", csv)
    assert all(row.split(";")[9] == "101" for row in rows)
    assert any(re.fullmatch(r"\d+,\d+", row.split(";")[4]) for row in rows)   # decimal commas


def test_the_chart_library_is_shipped_once_and_pages_use_danish_formats(small_run):
    settings, _ = small_run
    out = settings.published_dir
    assert (out / "vega.js").read_text().count("window.vegaEmbed=") == 1
    html = (out / "national.html").read_text()
    assert '<script src="vega.js"></script>' in html and "window.vegaEmbed=" not in html
    assert '<script src="../vega.js"></script>' in (out / "municipality" / "101.html").read_text()
    quality = (out / "data-quality.html").read_text()
    assert "vega" not in quality.lower()                      # a page without a chart loads no chart library
    site = sum(p.stat().st_size for p in out.rglob("*.html")) + (out / "vega.js").stat().st_size
    assert site < 20_000_000
    assert '"decimal": ","' in html and '"thousands": "."' in html
    assert re.search(r"\d+\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}", html)


def test_hfmon_report_rerenders_from_the_warehouse(small_run, tmp_path):
    settings, _ = small_run
    index = settings.published_dir / "index.html"
    index.unlink()
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--home", str(settings.home_dir)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    # index, mission, national, 5 regions, 98 municipalities, data quality, data dictionary, revisions
    assert "109/109 pages" in result.stderr and index.exists()
    missing = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--home", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "run `hfmon run` first" in missing.stderr and "Traceback" not in missing.stderr


def open_page(browser, path, width=1366):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    charts = path.read_text().count('class="chart"')
    if charts:
        page.wait_for_function(f"document.querySelectorAll('.chart svg').length >= {charts}", timeout=30_000)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page, errors


GREY_STUBS = """id => Array.from(document.querySelectorAll('#' + id + ' g.mark-rect path'))
    .filter(p => p.getAttribute('fill') === '#9e9e9e').map(p => p.getBBox()).map(b => [b.width, b.height])"""


def test_no_hidden_figure_is_drawn_as_zero(small_run, browser):
    """Every figure hidden by disclosure control in a bar chart is a grey stub of visible size."""
    settings, _ = small_run
    checked = 0
    for name in ("municipality/147.html", "municipality/101.html", "region/1084.html"):
        page, errors = open_page(browser, settings.published_dir / name)
        specs = page.evaluate("charts")
        for chart_id, spec in specs.items():
            rows = spec.get("data", {}).get("values")
            if not isinstance(rows, list) or not rows or "drawn" not in rows[0]:
                continue
            hidden = [r for r in rows if r.get("hidden")]
            stubs = page.evaluate(GREY_STUBS, chart_id)
            assert len(stubs) == len(hidden), (name, chart_id)
            assert all(min(w, h) > 1 for w, h in stubs), (name, chart_id, stubs)
            assert all(r["value"] is None for r in hidden)
            checked += len(hidden)
        assert errors == []
        page.close()
    assert checked > 0                                     # the small world has hidden figures to draw


def test_every_published_indicator_is_on_a_page(small_run, warehouse):
    settings, _ = small_run
    text = "".join(p.read_text() for p in settings.published_dir.rglob("*.html"))
    published = {i for (i,) in warehouse.execute("select distinct indicator from indicators_published").fetchall()}
    assert sorted(i for i in published if f"<code>{i}</code>" not in text) == []


def test_no_english_rule_or_dataset_name_outside_code(small_run, browser):
    from checks.contract import DELIVERED

    settings, _ = small_run
    page, _ = open_page(browser, settings.published_dir / "data-quality.html")
    page.evaluate("document.querySelectorAll('code').forEach(c => c.remove())")
    visible = page.locator("body").inner_text()
    english = {r.name for d in DELIVERED for r in d.rules} | {d.name for d in DELIVERED} | {
        "type_date", "type_int", "csv_structure", "overlapping_stay", "cpr_number", "file_name", "period_label"}
    assert sorted(word for word in english if word in visible) == []
    page.close()


def test_map_and_sortable_table_of_98_municipalities(small_run, browser):
    settings, _ = small_run
    page, errors = open_page(browser, settings.published_dir / "national.html")
    assert page.locator("table.sortable tbody tr").count() == 98
    assert page.locator("#chart-kort svg path").count() >= 98
    heading = page.locator("table.sortable th").nth(3)
    heading.click()
    values = page.evaluate("""Array.from(document.querySelectorAll('table.sortable tbody tr'))
        .map(r => r.cells[3].dataset.v).filter(v => v !== '').map(Number)""")
    assert values == sorted(values, reverse=True) and len(values) > 20
    page.select_option("select", index=1)                 # colour the map by the exits-to-housing share
    page.wait_for_timeout(300)
    assert errors == []
    page.close()


def test_refund_cap_per_quarter_from_the_cap_with_the_change_marked(small_run, browser):
    settings, _ = small_run
    page, _ = open_page(browser, settings.published_dir / "national.html")
    spec = page.evaluate("charts")["chart-refusion"]
    periods = [r["period_label"] for r in spec["data"]["values"]]
    assert periods[0] == "4. kvt. 2023" and all("kvt." in p for p in periods)
    page.close()


def test_the_cap_change_is_marked_where_the_data_reaches_it():
    import pandas as pd

    from reports import charts

    quarters = ["1. kvt. 2026", "2. kvt. 2026"]
    data = pd.DataFrame({"period_label": quarters, "order": [0, 1], "group": "Nætter", "value": [10.0, None],
                         "hidden": ["", "<5"]})
    spec = charts.grouped_bars(data, "t", "d", "Nætter", marker=("2. kvt. 2026", "90 nætter fra 1. april 2026"))
    rules = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert rules and rules[0]["data"]["values"][0] == {"period_label": "2. kvt. 2026",
                                                       "note": "90 nætter fra 1. april 2026"}
    assert [r["hidden"] for r in spec["data"]["values"]] == ["", "<5"]


def test_on_a_phone_every_wide_table_has_a_visible_scroll_cue(small_run, browser):
    settings, _ = small_run
    for name in ("municipality/101.html", "national.html", "data-quality.html"):
        page, _ = open_page(browser, settings.published_dir / name, width=390)
        page.evaluate("markWideTables()")                    # fold-outs were opened after the page loaded
        hidden_columns_without_cue = page.evaluate("""Array.from(document.querySelectorAll('.scroll'))
            .filter(s => s.offsetParent !== null && s.scrollWidth > s.clientWidth + 2)
            .filter(s => { const cue = s.nextElementSibling;
                           return !cue || !cue.classList.contains('scrollcue') || cue.offsetParent === null; })
            .map(s => s.closest('section').id)""")
        assert hidden_columns_without_cue == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        small = page.evaluate("""Array.from(document.querySelectorAll('.chart svg text'))
            .filter(t => parseFloat(getComputedStyle(t).fontSize) < 12).map(t => t.textContent)""")
        assert small == [], name
        page.close()


def test_printed_to_a4_the_charts_fit_and_fold_outs_print_open(small_run, browser, tmp_path):
    settings, _ = small_run
    page, _ = open_page(browser, settings.published_dir / "municipality" / "101.html", width=720)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("Array.from(document.querySelectorAll('details')).every(d => d.open)")
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    page.wait_for_timeout(500)
    too_wide = page.evaluate("""Array.from(document.querySelectorAll('.chart svg'))
        .filter(s => s.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1).length""")
    assert too_wide == 0
    pdf = page.pdf(path=str(tmp_path / "101.pdf"), format="A4")
    assert pdf[:4] == b"%PDF"
    page.close()


def test_a_long_chart_title_is_drawn_in_lines_a_phone_shows_whole():
    """At 390 px a title line longer than TITLE_LINE characters was cut off ('… pr. kvarta')."""
    from reports.charts import TITLE_LINE, title_lines

    assert title_lines("Forløb over 90 dage: faktisk og mål") == ["Forløb over 90 dage: faktisk og mål"]
    assert title_lines("Personer på herberg pr. 10.000 indbyggere, pr. kvartal") == [
        "Personer på herberg pr. 10.000 indbyggere,", "pr. kvartal"]
    long = "Nætter ud over refusionsgrænsen pr. 10.000 indbyggere, 2025 (de 25 højeste)"
    assert " ".join(title_lines(long)) == long and all(len(line) <= TITLE_LINE for line in title_lines(long))


LEGEND_AND_HEADINGS = """id => [
    Array.from(document.querySelectorAll('#chart-' + id + ' .role-legend-label text')).map(t => t.textContent),
    Array.from(document.querySelectorAll('#' + id + ' thead th')).map(t => t.textContent)]"""


def test_a_chart_table_has_the_legend_order_and_no_stray_column(small_run, browser):
    """The table under a chart is read against the chart: its columns are the legend's series in the
    legend's order (the area first, then its region and Denmark), and no pandas index column (an
    empty column headed "series") precedes them."""
    settings, _ = small_run
    page, errors = open_page(browser, settings.published_dir / "municipality" / "101.html")
    assert page.locator("tbody th").count() == 0
    for section in ("udvikling", "maanedlig", "hf-metoder"):
        legend, headings = page.evaluate(LEGEND_AND_HEADINGS, section)
        assert len(legend) >= 3 and headings[1:] == legend, section
    assert page.evaluate(LEGEND_AND_HEADINGS, "udvikling")[0] == ["København", "Region Hovedstaden", "Hele landet"]
    assert errors == []
    page.close()
