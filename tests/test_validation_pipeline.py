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


CPRS = ("2307851234", "0808998888", "0101901234", "1502871234", "3112851234")


def no_trace_of(cprs, done: subprocess.CompletedProcess, home: Path) -> None:
    """No CPR number, with or without its hyphen, in the output, the warehouse, the Dagster storage
    or the published folder."""
    forms = [form for cpr in cprs for form in (cpr, f"{cpr[:6]}-{cpr[6:]}")]
    for text in (done.stdout, done.stderr):
        assert not [form for form in forms if form in text]
    found = [(p.name, form) for p in home.rglob("*") if p.is_file()
             for form in forms if form.encode() in p.read_bytes()]
    assert found == []


def test_a_cpr_number_leaves_no_trace(small_landing, tmp_path):
    """In a row, glued to letters in a trailing-delimiter file, in a header name and in a file name."""
    root = copy_landing(small_landing, tmp_path / "landing")
    template = sorted((root / "shelter_stays").glob("*.csv"))[0].read_text().splitlines()
    in_row, glued, in_header, in_name = CPRS[:4]
    row = template[1].split(",")
    row[0] = f"{in_row[:6]}-{in_row[6:]}"
    folder = root / "shelter_stays"
    (folder / "S001_2024-Q4.csv").write_text("\n".join([template[0], template[1], ",".join(row)]) + "\n")
    row[0] = f"cpr{glued}"
    (folder / "S002_2024-Q4.csv").write_text("\n".join(line + "," for line in [template[0], template[1], ",".join(row)]) + "\n")
    (folder / "S003_2024-Q4.csv").write_text("\n".join([template[0] + f",{in_header}", template[1] + ",x"]) + "\n")
    (folder / f"S{in_name}_2024-Q4.csv").write_text("\n".join(template[:2]) + "\n")
    home = tmp_path / "home"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(root), "--home", str(home)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "refused: 4" in done.stdout
    no_trace_of(CPRS, done, home)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        refused = dict(conn.execute("""select source_file, refusal_reason from deliveries
                                       where status = 'refused' and rows_valid = 0""").fetchall())
    assert "line 3, column stay_id" in refused["shelter_stays/S001_2024-Q4.csv"]
    assert "line 3, column stay_id" in refused["shelter_stays/S002_2024-Q4.csv"]
    assert "line 1, column 11" in refused["shelter_stays/S003_2024-Q4.csv"]
    assert refused["shelter_stays/S##########_2024-Q4.csv"].startswith("cpr_number: the file name")


def test_a_cpr_number_in_a_reference_file_stops_the_run_without_trace(small_landing, tmp_path):
    root = copy_landing(small_landing, tmp_path / "landing")
    targets = root / "reference" / "targets.csv"
    lines = targets.read_text().splitlines()
    targets.write_text("\n".join([*lines[:2], lines[2].replace(lines[2].split(",")[-1], f"ring {CPRS[4]}")]) + "\n")
    home = tmp_path / "home"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(root), "--home", str(home)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "targets.csv:3:description cpr_number" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    no_trace_of(CPRS[4:], done, home)


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
        # The correction changed published figures: each change is kept, old -> new, with the delivery.
        revised = conn.execute("""select count(*), bool_and(changed_deliveries like ?) from revisions
                                  where run_id = (select run_id from publications order by published_at desc limit 1)""",
                               [f"%{name}%"]).fetchall()[0]
    assert revised[0] > 0 and revised[1]
    assert "Ændrede tal" in (settings_.published_dir / "revisioner.html").read_text()
    # The same content again under another name is a repeat, not a new delivery.
    shutil.copy(target, target.with_name(target.name.replace(".csv", "_kopi.csv")))
    _, third = run_pipeline(root, home)
    with duckdb.connect(str(settings_.warehouse), read_only=True) as conn:
        assert conn.execute("select status from deliveries where source_file like '%_kopi.csv'").fetchall() == [
            ("unchanged",)]
    before = fingerprint(settings_.warehouse, ("deliveries", "quarantine", "shelter_stays", "stays_current",
                                               "indicators", "revisions"))
    _, fourth = run_pipeline(root, home)
    assert third.success and fourth.success
    assert fingerprint(settings_.warehouse, ("deliveries", "quarantine", "shelter_stays", "stays_current",
                                             "indicators", "revisions")) == before    # nothing new to revise


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


def test_staging_keeps_the_rows_quarantine_typed_and_types_them_again_when_alone(small_landing, tmp_path):
    """Each row is parsed once: staging is the typed table `quarantine` left, less its quarantined
    rows. Staging materialised on its own (that table gone) parses the text again, to the same rows."""
    root = copy_landing(small_landing, tmp_path / "landing")
    target = sorted((root / "shelter_stays").glob("*.csv"))[3]
    header, first, *rest = target.read_text().splitlines()
    broken = first.split(",")
    broken[header.split(",").index("entry_date")] = "2024-13-01"
    target.write_text("\n".join([header, ",".join(broken), *rest]) + "\n")
    settings_, run = run_pipeline(root, tmp_path / "home")
    assert run.success
    name = f"shelter_stays/{target.name}"
    with duckdb.connect(str(settings_.warehouse), read_only=True) as conn:
        assert conn.execute("select line, rule from quarantine where source_file = ?", [name]).fetchall() == [
            (2, "type_date")]
        assert conn.execute("select count(*) from duckdb_tables() where table_name like 'typed_%'").fetchall() == [(0,)]
        assert conn.execute("select count(*), count(*) filter (where line = 2) from shelter_stays where source_file = ?",
                            [name]).fetchall() == [(len(rest), 0)]
        columns = [c for c, in conn.execute("select column_name from duckdb_columns() where table_name = 'shelter_stays' "
                                            "order by column_index").fetchall()]
    assert not [c for c in columns if c.endswith("_given")]
    core = fingerprint(settings_.warehouse, ("shelter_stays",))["shelter_stays"]
    with dg.DagsterInstance.ephemeral() as instance:
        alone = build_definitions(settings_).resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey("staging_shelter_stays")],
            run_config={"loggers": {"step_progress": {}}}, raise_on_error=False)
    assert alone.success
    assert fingerprint(settings_.warehouse, ("staging_shelter_stays",))["staging_shelter_stays"] == core
