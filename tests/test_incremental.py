"""Incremental runs (issue 19): a run reads only contents that are new or changed, a run with
nothing new recomputes nothing, and the figures equal those of a full run from scratch."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks.incremental import differences
from tests.conftest import fingerprint, run_pipeline


def files_read_now(result) -> int:
    return sum(e.materialization.metadata["files_read_now"].value for e in result.get_asset_materialization_events()
               if e.asset_key.path[0].startswith("raw_"))


def test_nothing_new_recomputes_nothing(small_run, tmp_path):
    settings, _ = small_run
    home = shutil.copytree(settings.home_dir, tmp_path / "home", ignore=shutil.ignore_patterns("warehouse.lock"))
    before = fingerprint(home / "warehouse.duckdb", ("deliveries", "quarantine", "shelter_stays", "indicators",
                                                     "revisions"))
    _, again = run_pipeline(settings.data_dir, home)
    assert again.success
    written = {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()}
    assert not written & {"delivery_files", "raw_shelter_stays", "quarantine", "indicators", "report_pages"}
    assert fingerprint(home / "warehouse.duckdb", ("deliveries", "quarantine", "shelter_stays", "indicators",
                                                   "revisions")) == before


def test_a_new_quarter_and_a_correction_give_the_figures_of_a_full_run(small_landing, tmp_path):
    landing = shutil.copytree(small_landing, tmp_path / "landing")
    held_back = tmp_path / "held_back"
    held_back.mkdir()
    quarter = sorted((landing / "shelter_stays").glob("*_2024-Q4.csv"))
    assert quarter
    for path in quarter:
        path.rename(held_back / path.name)
    # No exit to prison before the quarter: its exits bring a breakdown new to the kept figures.
    for path in (landing / "shelter_stays").glob("*.csv"):
        header, rows = rows_of(path)
        destination = header.index("exit_destination")
        write_rows(path, header, [[*row[:destination], "street" if row[destination] == "prison" else row[destination],
                                   *row[destination + 1:]] for row in rows])
    assert any(row[destination] == "prison" for path in held_back.iterdir() for row in rows_of(path)[1])
    incremental, first = run_pipeline(landing, tmp_path / "incremental")
    assert first.success
    for path in held_back.iterdir():                               # the quarter's deliveries arrive
        path.rename(landing / "shelter_stays" / path.name)
    corrected = landing / "shelter_stays" / "S001_2023-Q2.csv"      # and a one-row correction
    lines = corrected.read_text().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    row[header.index("exit_destination")] = "unknown" if row[header.index("exit_destination")] != "unknown" \
        else "own_housing"
    corrected.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    # Dates filled in by a later correction, long before the quarter: an action plan within 30 days
    # of a closed stay's entry, and a Housing First case's housing date. Each moves figures from its
    # own date (the action plan share of the entry's periods, housing retention of the housed period).
    stays_of: dict[str, set[str]] = {}
    for path in (landing / "shelter_stays").glob("*.csv"):
        stay_header, stay_rows = rows_of(path)
        for r in stay_rows:
            stays_of.setdefault(r[stay_header.index("person_key")], set()).add(r[stay_header.index("stay_id")])
    fill_in_later_date(landing / "shelter_stays" / "S001_2022-Q2.csv", "entry_date", "action_plan_date", days=5,
                       chosen=lambda h, r: "" < r[h.index("exit_date")] <= "2022-06-30"   # an episode of its own
                       and len(stays_of[r[h.index("person_key")]]) == 1)
    fill_in_later_date(landing / "interventions" / "101_2022.csv", "start_date", "housed_date", days=20,
                       chosen=lambda h, r: r[h.index("start_date")] >= "2022-01-01")

    _, second = run_pipeline(landing, tmp_path / "incremental")
    assert second.success, [e.step_failure_data.error for e in second.get_step_failure_events()]
    assert files_read_now(second) == len(quarter) + 3                # only what is new or changed is read
    assert "(every period for " in said(second, "indicators", "computed_for")   # exits to prison, at least
    scratch, full = run_pipeline(landing, tmp_path / "scratch")
    assert full.success and files_read_now(full) > 10 * files_read_now(second)
    assert differences(incremental.warehouse, scratch.warehouse) == {}


def fill_in_later_date(path: Path, start: str, filled: str, days: int, chosen=lambda header, row: True) -> None:
    """The first `chosen` row whose `filled` date is empty gets `start` + `days`; if none is empty,
    the first chosen row's date is removed."""
    header, rows = rows_of(path)
    candidates = [r for r in rows if chosen(header, r)]
    row = next((r for r in candidates if not r[header.index(filled)]), candidates[0])
    row[header.index(filled)] = "" if row[header.index(filled)] else \
        str(date.fromisoformat(row[header.index(start)]) + timedelta(days=days))
    write_rows(path, header, rows)


def said(result, asset: str, key: str) -> str:
    return next(e.materialization.metadata[key].value for e in result.get_asset_materialization_events()
                if e.asset_key.path[0] == asset)


def judged(result) -> str:
    return said(result, "quarantine", "judged")


def changed_persons(result) -> int:
    """How many persons the model was computed for; 0 when it was computed for every person."""
    computed = said(result, "person_numbers", "computed_for")
    return 0 if computed.startswith("every person") else int(computed.split(", ")[1].split(" of")[0].replace(",", ""))


def overlaps(warehouse) -> set[tuple[str, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return set(conn.execute("select source_file, line from quarantine where rule = 'overlapping_stay'").fetchall())


def valid(warehouse, rows: set[tuple[str, int]]) -> set[tuple[str, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return rows & set(conn.execute("select source_file, line from shelter_stays").fetchall())


def rows_of(path: Path) -> tuple[list[str], list[list[str]]]:
    header, *rows = [line.split(",") for line in path.read_text().splitlines()]
    return header, rows


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n")


def open_stay(header, like: list[str], stay_id: str, entry: str) -> list[str]:
    """A stay of the same person as `like`, entered on `entry` and still open: it overlaps every later stay."""
    row = dict(zip(header, like), stay_id=stay_id, entry_date=entry, exit_date="", exit_destination="",
               action_plan_date="")
    return [row[c] for c in header]


def stay_delivered_twice(stays_folder: Path, header: list[str], persons: set[str]):
    """The last file that delivers an ended stay of one of `persons` that two or more files deliver,
    its rows and the stay's index (shelters S001, S003 and S023, which the test changes, left alone)."""
    person, stay, exit_date = (header.index(c) for c in ("person_key", "stay_id", "exit_date"))
    deliveries: dict[str, list[tuple[Path, int, str, str]]] = {}
    for path in sorted(stays_folder.glob("S*_20??-Q?.csv")):
        if path.name[:4] not in ("S001", "S003", "S023"):
            for i, row in enumerate(rows_of(path)[1]):
                deliveries.setdefault(row[stay], []).append((path, i, row[person], row[exit_date]))
    for delivered in deliveries.values():
        if len(delivered) > 1 and len({d[2] for d in delivered}) == 1 and delivered[0][2] in persons \
                and delivered[-1][3]:
            last, i, _, _ = delivered[-1]
            return last, rows_of(last)[1], i
    raise AssertionError("the sample data has no stay delivered twice by a person of the last quarter")


def test_only_changed_contents_are_judged_and_the_problems_equal_a_full_run(small_landing, tmp_path):
    """A quarter arrives, and corrections that remove an overlap (the stays it quarantined are valid
    again, in files that did not change), make a new one (quarantining stays in unchanged files),
    change a stay's person, break a column rule, withdraw a file and correct an intervention: only
    the new and changed contents are judged, and every table equals that of a full run from scratch."""
    landing = shutil.copytree(small_landing, tmp_path / "landing")
    stays_folder = landing / "shelter_stays"
    held_back = tmp_path / "held_back"
    held_back.mkdir()
    for path in sorted(stays_folder.glob("*_2024-Q4.csv")):
        path.rename(held_back / path.name)
    # An open stay delivered early makes every later stay of its person overlap it.
    early, middle = stays_folder / "S001_2022-Q2.csv", stays_folder / "S023_2023-Q1.csv"
    header, early_rows = rows_of(early)
    person = header.index("person_key")
    later = [*stays_folder.glob("*_2023-Q[34].csv"), *stays_folder.glob("*_2024-*.csv")]
    later_persons = {row[person] for path in later for row in rows_of(path)[1]}
    x = next(row for row in early_rows if row[person] in later_persons)
    write_rows(early, header, [*early_rows, open_stay(header, x, "S001-OPEN-X", "2022-04-05")])
    # A stay whose last delivery names another person D is D's; its first person A has a stay in
    # the quarter, so the model computes A again, from rows that include D's of that stay.
    quarter_persons = {row[person] for path in held_back.iterdir() for row in rows_of(path)[1]}
    moved_file, moved_rows, moved = stay_delivered_twice(stays_folder, header, quarter_persons - {x[person]})
    moved_rows[moved][person] = "cd" * 32
    write_rows(moved_file, header, moved_rows)
    incremental, first = run_pipeline(landing, tmp_path / "incremental")
    assert first.success and judged(first) == "every row"
    overlapping_x = {row for row in overlaps(incremental.warehouse) if row[0] != f"shelter_stays/{early.name}"}
    assert overlapping_x                                            # X's later stays overlap the open stay

    quarter = list(held_back.iterdir())
    for path in quarter:                                            # the quarter arrives
        path.rename(stays_folder / path.name)
    write_rows(early, header, early_rows)                           # the open stay corrected away
    _, middle_rows = rows_of(middle)
    y = next(row for row in middle_rows[3:] if row[person] in later_persons and row[person] != x[person])
    changed_person = [*middle_rows[1][:person], "ab" * 32, *middle_rows[1][person + 1:]]
    broken = [*middle_rows[2][:header.index("sex")], "X", *middle_rows[2][header.index("sex") + 1:]]
    write_rows(middle, header, [middle_rows[0], changed_person, broken, *middle_rows[3:],
                                open_stay(header, y, "S023-OPEN-Y", "2023-01-03")])
    (stays_folder / "S003_2023-Q3.csv").unlink()                    # a file withdrawn
    cases = landing / "interventions" / "101_2023.csv"
    case_header, case_rows = rows_of(cases)
    write_rows(cases, case_header, case_rows[1:])
    _, second = run_pipeline(landing, tmp_path / "incremental")
    assert second.success, [e.step_failure_data.error for e in second.get_step_failure_events()]
    assert judged(second).startswith(f"new or changed files only, {len(quarter) + 3} of ")
    assert said(first, "staging_shelter_stays", "latest_stays_taken_for") == "every stay"
    assert said(second, "staging_shelter_stays", "latest_stays_taken_for") == "the stays changed contents touch"
    # The model too: only the persons those contents (and the later cutoff) touch are computed again.
    with duckdb.connect(str(incremental.warehouse), read_only=True) as conn:
        persons = conn.execute("select count(*) from person_numbers").fetchall()[0][0]
    assert changed_persons(first) == 0 and 0 < changed_persons(second) < persons / 2
    # And the indicators only for the periods those changes can reach: at the latest from the entry
    # of Y's open stay, at the earliest from the data's start.
    assert said(first, "indicators", "computed_for") == "every period"
    since = said(second, "indicators", "computed_for")
    assert re.match(r"the periods a change since (\S+) can reach", since), since
    assert "2021-01-01" <= since.split()[5] <= "2023-01-03"

    scratch, full = run_pipeline(landing, tmp_path / "scratch")
    assert full.success and judged(full) == "every row"
    assert differences(incremental.warehouse, scratch.warehouse) == {}
    # X's later stays are valid again and Y's are quarantined, in files that did not change.
    overlapping_y = overlaps(scratch.warehouse)
    assert valid(scratch.warehouse, overlapping_x) == overlapping_x - overlapping_y != set()
    assert {f for f, _ in overlapping_y - overlapping_x} - {f"shelter_stays/{middle.name}"}


def test_a_file_is_read_again_only_when_it_changed(small_landing, tmp_path, monkeypatch):
    """Listing the deliveries reads a file to its end (sha256, lines) only when its state (inode,
    size, modification and change times) is not that of the last listing; a file changed in place,
    even to the same size, is read again and gets its new content's hash."""
    import hashlib
    import time

    import assets.ingest as ingest

    landing = shutil.copytree(small_landing, tmp_path / "landing")
    cpr_named = landing / "shelter_stays" / "S0101901234_2024-Q1.csv"      # refused by its name
    shutil.copy(sorted((landing / "shelter_stays").glob("*.csv"))[0], cpr_named)
    time.sleep(2.1)        # a file changed in the last two seconds is read whatever its state
    read = []
    describe = ingest.describe
    monkeypatch.setattr(ingest, "describe", lambda path, *rest: read.append(path.name) or describe(path, *rest))
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        conn.execute(f"create table shelters as select shelter_id from '{landing}/reference/shelters.csv'")
        conn.execute(f"create table municipalities as select municipality_code from "
                     f"'{landing}/reference/municipalities.csv'")
        ingest.list_delivery_files(conn, landing)
        first = conn.execute("select source_file, sha256, status from delivery_files order by all").fetchall()
        assert len(read) == len(first) > 20
        read.clear()
        ingest.list_delivery_files(conn, landing)
        assert read == [cpr_named.name]          # nothing read, only refused again by its name
        assert conn.execute("select count(*) from described_files where path like '%0101901234%'").fetchall() == [(0,)]
        read.clear()
        assert conn.execute("select source_file, sha256, status from delivery_files order by all").fetchall() == first
        corrected = sorted((landing / "shelter_stays").glob("*.csv"))[0]
        text = corrected.read_text()
        changed = text.replace(",M\n", ",F\n", 1) if ",M\n" in text else text.replace(",F\n", ",M\n", 1)
        assert changed != text and len(changed) == len(text)
        corrected.write_text(changed)
        ingest.list_delivery_files(conn, landing)
        assert sorted(read) == sorted([corrected.name, cpr_named.name])
        sha = conn.execute("select sha256 from delivery_files where source_file = ?",
                           [f"shelter_stays/{corrected.name}"]).fetchall()[0][0]
        assert sha == hashlib.sha256(changed.encode()).hexdigest()
