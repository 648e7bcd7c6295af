"""Validation over real pipeline runs: nothing lost, CPR numbers leave no trace, resubmissions
supersede, re-runs change nothing, and a failed blocking check never replaces good core data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.definitions import build_definitions
from pipelines.settings import Settings, prepare_offline_environment
from pipelines.validate_files import validate_files
from tests.conftest import fingerprint, run_pipeline
from tests.test_validation_corpus import STAYS, deliver, landing

MUTATIONS = [("entry_date", "2024-13-01", "type_date"), ("person_key", "xyz", "person_key_format"),
             ("exit_destination", "hotel", "code"), ("municipality_code", "999", "unknown_municipality"),
             ("birth_year", "2020", "birth_year_range"), ("exit_date", "2024-01-01", "exit_before_entry"),
             ("sex", "", "required"), ("prior_situation", "sofa", "code")]
ROW = st.tuples(st.one_of(st.none(), st.integers(0, len(MUTATIONS) - 1)), st.integers(1, 60), st.integers(0, 25),
                st.booleans())


def make_row(n: int, mutation, start_day: int, length: int, is_open: bool) -> str:
    entry = f"2024-{1 + (start_day - 1) // 28:02d}-{1 + (start_day - 1) % 28:02d}"
    exit_day = start_day + length
    closed = not is_open and exit_day <= 84
    values = {"stay_id": f"S001-{n}", "person_key": f"{n:064x}", "municipality_code": "101", "entry_date": entry,
              "exit_date": f"2024-{1 + (exit_day - 1) // 28:02d}-{1 + (exit_day - 1) % 28:02d}" if closed else "",
              "exit_destination": "own_housing" if closed else "", "prior_situation": "street",
              "action_plan_date": "", "birth_year": "1980", "sex": "F"}
    if mutation is not None:
        column, bad, _ = MUTATIONS[mutation]
        if column in ("exit_date", "exit_destination"):      # these need a closed stay with good dates
            values.update(entry_date="2024-01-10", exit_date="2024-01-20", exit_destination="own_housing")
        values[column] = bad
    return ",".join(values[c] for c in STAYS.split(","))


@settings(max_examples=30, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=40))
def test_every_row_is_valid_or_quarantined_exactly_once(tmp_path_factory, rows):
    root = landing(tmp_path_factory.mktemp("prop"))
    lines = [make_row(n, *row) for n, row in enumerate(rows)]
    path = deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS, *lines])
    report = validate_files([path])
    problems = report.problems
    bad_lines = {p.line for p in problems if not p.warning}
    expected = {n + 2 for n, row in enumerate(rows) if row[0] is not None}
    assert bad_lines == expected
    for n, row in enumerate(rows):
        if row[0] is not None:
            assert MUTATIONS[row[0]][2] in {p.rule for p in problems if p.line == n + 2}
    # Nothing lost: every line read, and read = valid + quarantined, with the counts the oracle expects.
    assert report.accounts == {str(path): (len(lines), len(lines) - len(expected), len(expected))}


def copy_landing(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_a_cpr_number_leaves_no_trace(small_landing, tmp_path):
    root = copy_landing(small_landing, tmp_path / "landing")
    template = sorted((root / "shelter_stays").glob("*.csv"))[0].read_text().splitlines()
    cpr = "2307851234"
    row = template[1].split(",")
    row[0] = f"{cpr[:6]}-{cpr[6:]}"
    (root / "shelter_stays" / "S001_2024-Q4.csv").write_text("\n".join([template[0], template[1], ",".join(row)]) + "\n")
    home = tmp_path / "home"
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(root), "--home", str(home)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "refused: 1" in result.stdout
    for text in (result.stdout, result.stderr):
        assert cpr not in text and cpr[:6] + "-" + cpr[6:] not in text
    found = [p for p in home.rglob("*") if p.is_file() and (cpr.encode() in p.read_bytes()
                                                           or (cpr[:6] + "-" + cpr[6:]).encode() in p.read_bytes())]
    assert found == []
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        status, reason, valid = conn.execute("""select status, refusal_reason, rows_valid from deliveries
                                                where source_file = 'shelter_stays/S001_2024-Q4.csv'""").fetchall()[0]
        assert status == "refused" and valid == 0
        assert "line 3, column stay_id" in reason


def test_resubmissions_supersede_and_reruns_change_nothing(small_landing, tmp_path):
    root = copy_landing(small_landing, tmp_path / "landing")
    home = tmp_path / "home"
    settings_, first = run_pipeline(root, home)
    assert first.success
    target = max((root / "shelter_stays").glob("*.csv"), key=lambda p: p.stat().st_size)
    name = f"shelter_stays/{target.name}"
    lines = target.read_text().splitlines()
    lines = lines[:-1]                                   # the corrected file drops its last row
    target.write_text("\n".join(lines) + "\n")
    _, second = run_pipeline(root, home)
    assert second.success
    with duckdb.connect(str(settings_.warehouse), read_only=True) as conn:
        statuses = sorted(r[0] for r in conn.execute("select status from deliveries where source_file = ?",
                                                     [name]).fetchall())
        assert statuses == ["loaded", "superseded"]
        assert conn.execute("select count(*) from shelter_stays where source_file = ?",
                            [name]).fetchall()[0][0] == len(lines) - 1
    # The same content again under another name is a repeat, not a new delivery.
    shutil.copy(target, target.with_name(target.name.replace(".csv", "_kopi.csv")))
    _, third = run_pipeline(root, home)
    with duckdb.connect(str(settings_.warehouse), read_only=True) as conn:
        assert conn.execute("select status from deliveries where source_file like '%_kopi.csv'").fetchall() == [
            ("unchanged",)]
    before = fingerprint(settings_.warehouse)
    _, fourth = run_pipeline(root, home)
    assert third.success and fourth.success
    assert fingerprint(settings_.warehouse) == before


def test_a_failed_blocking_check_leaves_the_last_good_core_tables(small_landing, tmp_path):
    root = copy_landing(small_landing, tmp_path / "landing")
    settings_, first = run_pipeline(root, tmp_path / "home")
    assert first.success
    good = fingerprint(settings_.warehouse, ("shelter_stays",))
    for path in sorted((root / "shelter_stays").glob("*.csv"))[:5]:
        path.write_text("\n".join(path.read_text().splitlines()[:1]) + "\n")   # five files lose their rows

    @dg.asset_check(asset="staging_shelter_stays", blocking=True)
    def staging_looks_wrong() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR)

    settings_ = Settings.resolve(root, tmp_path / "home")
    prepare_offline_environment(settings_)
    defs = dg.Definitions.merge(build_definitions(settings_), dg.Definitions(asset_checks=[staging_looks_wrong]))
    with dg.DagsterInstance.ephemeral() as instance:
        second = defs.resolve_job_def("hfmon_job").execute_in_process(
            instance=instance, raise_on_error=False, run_config={"loggers": {"step_progress": {}}})
    assert not second.success
    assert fingerprint(settings_.warehouse, ("shelter_stays",)) == good
    with duckdb.connect(str(settings_.warehouse), read_only=True) as conn:
        staged, core = conn.execute("select (select count(*) from staging_shelter_stays), "
                                    "(select count(*) from shelter_stays)").fetchall()[0]
    assert staged < core
