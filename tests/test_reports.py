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
    csv = (out / "municipality" / "101.csv").read_text()
    assert csv.startswith("indicator,level,area_code") and not re.search(r"[0-9a-f]{64}", csv)
    assert all(line.split(",")[2] == "101" for line in csv.splitlines()[1:])


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
    assert "107/107 pages" in result.stderr and index.exists()   # index, mission, national, 5 + 98 areas, data quality
    missing = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--home", str(tmp_path)],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "run `hfmon run` first" in missing.stderr and "Traceback" not in missing.stderr
