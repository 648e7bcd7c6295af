"""Hostile and careless deliveries (issue 18): whole-file refusals, special files, corrupt files,
reference values and CPR numbers outside the rows. Each names the file, line, column and rule."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.ingest import list_delivery_files
from assets.reference import load_reference, reference_problems
from checks.contract import HF_UNIT_COSTS, MUNICIPALITIES, POPULATION, SHELTER_RATES, SHELTERS
from pipelines.validate_files import load_references, validate_files
from tests.test_validation_corpus import STAY, STAYS, deliver, landing, stay

CPR = "0101901234"


def delivery_files(root: Path) -> dict[str, tuple[str, str]]:
    """source_file -> (status, refusal rule) for a landing folder, by the pipeline's own code."""
    with duckdb.connect() as conn:
        load_references(conn, [root / "shelter_stays" / "any.csv"])
        list_delivery_files(conn, root)
        rows = conn.execute("select source_file, status, refusal_reason from delivery_files").fetchall()
    return {name: (status, (reason or "").split(":")[0]) for name, status, reason in rows}


def test_a_cpr_number_in_a_file_name_is_refused_and_never_shown(tmp_path):
    path = deliver(landing(tmp_path), "shelter_stays", f"S{CPR}_2024-Q1.csv", [STAYS, STAY])
    problems = validate_files([path]).problems
    assert [(p.line, p.column, p.rule) for p in problems] == [(1, "-", "cpr_number")]
    assert CPR not in problems[0].file and problems[0].file.endswith("S##########_2024-Q1.csv")
    assert delivery_files(tmp_path) == {"shelter_stays/S##########_2024-Q1.csv": ("refused", "cpr_number")}


def test_a_refused_resubmission_leaves_the_earlier_delivery_in_force(tmp_path):
    root = landing(tmp_path)
    deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY])
    deliver(root, "shelter_stays", "S001_2024-Q1_rettet.csv", [STAYS, STAY, stay(stay_id="010190-1234")])
    assert delivery_files(root) == {"shelter_stays/S001_2024-Q1.csv": ("load", ""),
                                    "shelter_stays/S001_2024-Q1_rettet.csv": ("refused", "cpr_number")}


def test_special_files_are_refused_without_being_opened(tmp_path):
    root = landing(tmp_path)
    folder = root / "shelter_stays"
    folder.mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    outside.write_text(f"{STAYS}\n{STAY}\n")
    (folder / "S001_2024-Q1.csv").symlink_to(outside)
    (folder / "S001_2024-Q2.csv").symlink_to(folder / "gone.csv")
    os.mkfifo(folder / "S001_2024-Q3.csv")               # reading it would wait forever
    (folder / "S001_2024-Q4.csv").mkdir()
    inside = deliver(root, "shelter_stays", "S001_2023-Q4.csv", [STAYS, STAY.replace("2024", "2023")])
    (folder / "S001_2023-Q3.csv").symlink_to(inside)      # a link inside the landing folder is fine
    assert delivery_files(root) == {
        "shelter_stays/S001_2024-Q1.csv": ("refused", "not_regular_file"),
        "shelter_stays/S001_2024-Q2.csv": ("refused", "not_regular_file"),
        "shelter_stays/S001_2024-Q3.csv": ("refused", "not_regular_file"),
        "shelter_stays/S001_2024-Q4.csv": ("refused", "not_regular_file"),
        "shelter_stays/S001_2023-Q4.csv": ("load", ""),
        "shelter_stays/S001_2023-Q3.csv": ("load", "")}


def test_a_fifo_as_a_reference_file_stops_at_once_with_its_name(tmp_path):
    root = landing(tmp_path)
    os.mkfifo(root / "reference" / "targets.csv")
    with duckdb.connect() as conn, pytest.raises(dg.Failure, match=r"targets.csv:1: not_regular_file"):
        reference_problems(conn, MUNICIPALITIES, root / "reference" / "targets.csv")


def test_a_truncated_gzip_is_refused_as_truncated(tmp_path):
    root = landing(tmp_path)
    whole = gzip.compress(("\n".join([STAYS] + [stay(stay_id=f"S001-{n}", person_key=f"{n:064x}")
                                                for n in range(2000)]) + "\n").encode())
    path = root / "shelter_stays" / "S001_2024-Q1.csv.gz"
    path.parent.mkdir()
    path.write_bytes(whole[: len(whole) * 8 // 10])
    assert [(p.line, p.column, p.rule) for p in validate_files([path]).problems] == [(1, "-", "truncated")]


def test_latin1_is_judged_on_the_whole_file(tmp_path):
    root = landing(tmp_path)
    rows = [stay(stay_id=f"S001-{n}", person_key=f"{n:064x}") for n in range(1500)]   # > 64 KiB of ASCII
    note = [f"{row},Søren ringede" if n == 1499 else f"{row}," for n, row in enumerate(rows)]
    path = deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS + ",bemærkning", *note], encoding="latin-1")
    assert path.stat().st_size > 64 * 1024
    report = validate_files([path])
    assert report.rejected == [] and report.accounts == {str(path): (1500, 1500, 0)}


REFERENCE_CASES = [
    ("population 0", POPULATION, "municipality_code,year,population\n101,2024,0\n", (2, "population", "population_range")),
    ("negative population", POPULATION, "municipality_code,year,population\n101,2024,-5\n",
     (2, "population", "population_range")),
    ("population of an unknown municipality", POPULATION, "municipality_code,year,population\n999,2024,5\n",
     (2, "municipality_code", "unknown_municipality")),
    ("population twice", POPULATION, "municipality_code,year,population\n101,2024,5\n101,2024,6\n",
     (2, "municipality_code", "duplicate_municipality_code")),
    ("population written 1.000", POPULATION, "municipality_code,year,population\n101,2024,1.000\n",
     (2, "population", "type_int")),
    ("no beds", SHELTERS, "shelter_id,name,municipality_code,beds,target_group\nS1,H,101,0,adults\n",
     (2, "beds", "beds_range")),
    ("a shelter twice", SHELTERS, "shelter_id,name,municipality_code,beds,target_group\nS1,H,101,5,adults\n"
                                  "S1,I,101,5,adults\n", (2, "shelter_id", "duplicate_shelter_id")),
    ("a municipality code twice", MUNICIPALITIES, "municipality_code,name,region_code\n101,A,1084\n101,B,1084\n",
     (2, "municipality_code", "duplicate_municipality_code")),
    ("a region that does not exist", MUNICIPALITIES, "municipality_code,name,region_code\n101,A,1086\n",
     (2, "region_code", "region_code_range")),
    ("a CPR number as a municipality name", MUNICIPALITIES, f"municipality_code,name,region_code\n101,A,1084\n"
                                                            f"147,Bo {CPR},1084\n", (3, "name", "cpr_number")),
    ("a CPR number in a header name", SHELTERS, f"shelter_id,name,municipality_code,beds,target_group,{CPR}\n",
     (1, "6", "cpr_number")),
    ("a rate of 0", SHELTER_RATES, "shelter_id;year;night_rate_dkk\nS001;2024;0,00\n", (2, "night_rate_dkk", "night_rate_range")),
    ("a rate of 20.000,00", SHELTER_RATES, "shelter_id;year;night_rate_dkk\nS001;2024;20.000,00\n",
     (2, "night_rate_dkk", "night_rate_range")),
    ("a rate in words", SHELTER_RATES, "shelter_id,year,night_rate_dkk\nS001,2024,1500 kr\n",
     (2, "night_rate_dkk", "type_kroner")),
    ("a rate written 1,234.50", SHELTER_RATES, 'shelter_id,year,night_rate_dkk\nS001,2024,"1,234.50"\n',
     (2, "night_rate_dkk", "type_kroner")),
    ("a rate for an unknown shelter", SHELTER_RATES, "shelter_id,year,night_rate_dkk\nS777,2024,1500\n",
     (2, "shelter_id", "unknown_shelter")),
    ("a shelter's rate twice a year", SHELTER_RATES, "shelter_id;year;night_rate_dkk\nS001;2024;1.500\n"
                                                     "S001;2024;1.600,50\n", (2, "shelter_id", "duplicate_shelter_id")),
    ("a method's cost twice a year", HF_UNIT_COSTS, "method,year,monthly_cost_dkk\nACT,2024,12000\nACT,2024,13000\n",
     (2, "method", "duplicate_method")),
    ("a negative monthly cost", HF_UNIT_COSTS, "method,year,monthly_cost_dkk\nCTI,2024,-6000\n",
     (2, "monthly_cost_dkk", "monthly_cost_range")),
    ("a method that is not Housing First", HF_UNIT_COSTS, "method,year,monthly_cost_dkk\nOTHER_SUPPORT,2024,3000\n",
     (2, "method", "code")),
]


@pytest.mark.parametrize("name, dataset, text, expected", REFERENCE_CASES, ids=[c[0] for c in REFERENCE_CASES])
def test_reference_values_are_validated(tmp_path, name, dataset, text, expected):
    root = landing(tmp_path)
    path = root / "reference" / f"{dataset.name}.csv"
    path.write_text(text)
    with duckdb.connect() as conn:
        if dataset is not MUNICIPALITIES:
            load_reference(conn, MUNICIPALITIES, root / "reference" / "municipalities.csv")
        if dataset is SHELTER_RATES:
            load_reference(conn, SHELTERS, root / "reference" / "shelters.csv")
        problems = reference_problems(conn, dataset, path)
    assert expected in [(line, column, rule) for line, column, rule, _ in problems]
    assert all(CPR not in message for *_, message in problems)


def test_every_reference_rule_has_a_case():
    rules = {rule.name for dataset in (MUNICIPALITIES, POPULATION, SHELTERS, SHELTER_RATES, HF_UNIT_COSTS)
             for rule in dataset.rules}
    assert rules - {expected[2] for *_, expected in REFERENCE_CASES} == {"municipality_code_range", "year_range"}


@pytest.mark.parametrize("name, lines", [
    ("trailing delimiter", [STAYS + ",", STAY + ","]),
    ("a period of year 0", None),
    ("a CPR number in the header", [STAYS + f",{CPR}", STAY + ",x"]),
])
def test_hfmon_validate_never_shows_a_traceback(tmp_path, name, lines):
    root = landing(tmp_path)
    path = deliver(root, "shelter_stays", "S001_0000-Q1.csv" if lines is None else "S001_2024-Q1.csv",
                   lines or [STAYS, STAY])
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in done.stderr + done.stdout and CPR not in done.stderr + done.stdout
    assert str(path) in done.stdout or name == "trailing delimiter"
    assert done.returncode == (0 if name == "trailing delimiter" else 1)


def test_pages_are_replaced_whole_when_the_writer_is_killed(small_run, tmp_path):
    """kill -9 while `hfmon report` rewrites the pages, at several moments: every page and CSV is
    the old one or the new one, never cut off."""
    import random
    import shutil
    import signal
    import time

    settings, _ = small_run
    home = tmp_path / "home"
    shutil.copytree(settings.home_dir, home)
    published = home / "published"
    rng = random.Random(18)
    for _ in range(3):
        writer = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "report", "--home", str(home)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(2.0, 6.0))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        torn = [p.name for p in published.rglob("*.html") if not p.read_text(encoding="utf-8").rstrip().endswith("</html>")]
        torn += [p.name for p in published.rglob("*.csv") if not p.read_bytes().endswith(b"\n")]
        assert torn == []
        assert (published / "index.html").stat().st_size > 0


def test_published_csvs_cannot_hold_a_formula(tmp_path):
    from reports.downloads import write_csv

    path = tmp_path / "mission.csv"
    with duckdb.connect() as conn:
        conn.execute("""create table t as select * from (values
            ('=HYPERLINK("http://x")', '+cmd|'' /C calc''!A0', -0.5, '-3'), ('@SUM(A1)', 'plain', 2.0, '4,5'))
            as v(description, owner, target, text_number)""")
        write_csv(conn, "select * from t", path)
    lines = path.read_text().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and ",'+cmd|" in lines[1] and lines[1].endswith(",-0.5,-3")
    assert lines[2].startswith("'@SUM(A1),plain,2.0")


def test_markup_in_names_and_ids_never_stops_a_chart(tmp_path):
    """A municipality name with `<!--<script>` and a section id with `=` still draw every chart."""
    import shutil

    import altair as alt
    import pandas as pd

    from reports.downloads import write_text
    from reports.page import VEGA_SCRIPT, Section, render, vega_bundle

    name = 'Bad<!--<script> "x" </script>'
    data = pd.DataFrame({"category": [name, "Aarhus"], "value": [3, 5]})
    chart = alt.Chart(data).mark_bar().encode(x="value:Q", y="category:N")
    sections = [Section(id=f"target-T={n}", heading=name, explanation="", definition="", table=data,
                        chart=chart) for n in range(2)]
    path = render(tmp_path / "page.html", name, name, sections, "fod")
    write_text(tmp_path / VEGA_SCRIPT, vega_bundle())
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is needed: `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.chart svg').length >= 2", timeout=20_000)
        assert errors == [] and page.locator(".chart svg").count() == 2
        browser.close()


def hfmon_run(root: Path, home: Path, **environment) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(root), "--home", str(home)],
                          capture_output=True, text=True, timeout=900, env={**os.environ, **environment})


def test_twenty_thousand_small_files_complete_at_the_default_memory(tmp_path):
    import shutil

    from pipelines.synthetic.geography import MUNICIPALITIES_CSV

    root = tmp_path / "landing"
    (root / "reference").mkdir(parents=True)
    (root / "shelter_stays").mkdir()
    shutil.copy(MUNICIPALITIES_CSV, root / "reference" / "municipalities.csv")
    codes = [line.split(",")[0] for line in MUNICIPALITIES_CSV.read_text().splitlines()[1:]]
    (root / "reference" / "population.csv").write_text(
        "municipality_code,year,population\n" + "".join(f"{m},{y},50000\n" for m in codes for y in range(2023, 2025)))
    (root / "reference" / "shelters.csv").write_text(
        "shelter_id,name,municipality_code,beds,target_group\n" + "".join(f"S{n:04d},H,101,10,adults\n" for n in range(1000)))
    for n in range(1000):
        for month in range(1, 21):
            year, mm = 2023 + (month - 1) // 12, (month - 1) % 12 + 1
            (root / "shelter_stays" / f"S{n:04d}_{year}-{mm:02d}.csv").write_text(
                f"{STAYS}\nS{n}-{month},{n * 100 + month:064x},101,{year}-{mm:02d}-01,{year}-{mm:02d}-03,own_housing,"
                f"street,,1980,M\n")
    environment = {k: v for k, v in os.environ.items() if k != "HFMON_DUCKDB_MEMORY"}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(root), "--home",
                           str(tmp_path / "home")], capture_output=True, text=True, timeout=900, env=environment)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "files read: 20,000" in done.stdout and "rows read: 20,000   valid: 20,000" in done.stdout


def test_out_of_memory_is_one_line_naming_the_setting(small_landing, tmp_path):
    done = hfmon_run(small_landing, tmp_path / "home", HFMON_DUCKDB_MEMORY="2MB")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "DuckDB ran out of memory at its limit (HFMON_DUCKDB_MEMORY=2MB)" in done.stderr, done.stderr[-3000:]


def test_a_full_disk_is_one_line_naming_the_cause(small_landing, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(home)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root: " + mounted.stderr.decode().strip())
    try:
        done = hfmon_run(small_landing, home)
    finally:
        subprocess.run(["umount", str(home)])
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"the disk holding {home} is full" in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("hfmon:")]) == 1


@pytest.mark.parametrize("written, amount", [("1.234,50", 1234.5), ("1234,5", 1234.5), ("1234.50", 1234.5),
                                             ("1.500", 1500), ("950", 950), ("12.345.678,90", 12345678.9)])
def test_rates_are_read_as_danish_files_write_amounts(tmp_path, written, amount):
    root = landing(tmp_path)
    (root / "reference" / "shelter_rates.csv").write_text(f"shelter_id;year;night_rate_dkk\nS001;2024;{written}\n")
    with duckdb.connect() as conn:
        load_reference(conn, MUNICIPALITIES, root / "reference" / "municipalities.csv")
        load_reference(conn, SHELTERS, root / "reference" / "shelters.csv")
        if amount < 20_000:
            load_reference(conn, SHELTER_RATES, root / "reference" / "shelter_rates.csv")
            assert conn.execute("select night_rate_dkk from shelter_rates").fetchall()[0][0] == pytest.approx(amount)
        else:
            with pytest.raises(dg.Failure, match=r"shelter_rates.csv:2:night_rate_dkk night_rate_range"):
                load_reference(conn, SHELTER_RATES, root / "reference" / "shelter_rates.csv")
