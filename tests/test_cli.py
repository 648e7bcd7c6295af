"""`hfmon` as a person uses it: clear messages and exit codes, no tracebacks, offline set-up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import SMALL

HFMON = [sys.executable, "-m", "pipelines.cli"]


def hfmon(*args, cwd=None, env=None):
    return subprocess.run([*HFMON, *args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, **(env or {})})


def test_run_without_landing_folder_says_what_to_do(tmp_path):
    result = hfmon("run", "--data", str(tmp_path / "missing"), "--home", str(tmp_path / "home"))
    assert result.returncode == 2
    assert "landing folder not found" in result.stderr and "--data" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_run_with_missing_reference_file_fails_clearly(tmp_path, small_landing):
    landing = tmp_path / "landing"
    subprocess.run(["cp", "-r", str(small_landing), str(landing)], check=True)
    (landing / "reference" / "shelters.csv").unlink()
    result = hfmon("run", "--data", str(landing), "--home", str(tmp_path / "home"))
    assert result.returncode == 1
    assert "Reference file missing" in result.stderr and "shelters.csv" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_generate_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "shelter_stays").mkdir()
    result = hfmon("generate", "--out", str(tmp_path), "--persons", "50")
    assert result.returncode == 2 and "already holds shelter_stays/" in result.stderr


def test_run_end_to_end_from_the_command_line(tmp_path):
    landing, home = tmp_path / "landing", tmp_path / "home"
    made = hfmon("generate", "--out", str(landing), "--persons", "200", "--start", "2023", "--end", "2024")
    assert made.returncode == 0, made.stderr
    result = hfmon("run", "--data", str(landing), "--home", str(home))
    assert result.returncode == 0, result.stderr
    assert "rows read:" in result.stdout and "quarantined: 0" in result.stdout
    assert "validated: every row" in result.stdout
    assert re.search(r"model computed for: every person of [\d,]+\n", result.stdout), result.stdout
    assert "indicators computed for: every period\n" in result.stdout
    assert "checks failed: 0" in result.stdout
    assert str(home / "published" / "index.html") in result.stdout
    assert "ok     report_pages" in result.stderr          # progress, one line per step
    # Offline: Dagster's instance has telemetry switched off, and the run is in its history.
    assert "enabled: false" in (home / "dagster" / "dagster.yaml").read_text()
    assert not (home / "dagster" / "logs" / "event.log").exists()
    assert any((home / "dagster").rglob("*.db"))
    # A one-row correction: only that file is validated again, and the model computed again only for
    # the persons with a row of that row's stay (usually its one person).
    corrected = sorted((landing / "shelter_stays").glob("*.csv"))[0]
    lines = corrected.read_text().splitlines()
    corrected.write_text("\n".join([*lines[:-1], lines[-1].replace(",M", ",F") if ",M" in lines[-1] else
                                    lines[-1].replace(",F", ",M")]) + "\n")
    again = hfmon("run", "--data", str(landing), "--home", str(home))
    assert again.returncode == 0, again.stderr
    assert re.search(r"validated: new or changed files only, 1 of [\d,]+ \(the other files' problems and rows are kept",
                     again.stdout), again.stdout
    assert re.search(r"model computed for: changed persons only, [1-4] of [\d,]+ \(the other persons' tables are kept",
                     again.stdout), again.stdout
    assert re.search(r"indicators computed for: the periods a change since 202\d-\d\d-\d\d can reach", again.stdout) \
        or "indicators computed for: no period (nothing changed)" in again.stdout, again.stdout


def test_defaults_come_from_the_environment(tmp_path, small_landing):
    result = hfmon("run", cwd=tmp_path, env={"HFMON_DATA_DIR": str(small_landing), "HFMON_HOME": str(tmp_path / "h")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "h" / "warehouse.duckdb").exists()
    with duckdb.connect(str(tmp_path / "h" / "warehouse.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from indicators").fetchall()[0][0] > 0
