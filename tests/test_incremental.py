"""Incremental runs (issue 19): a run reads only contents that are new or changed, a run with
nothing new recomputes nothing, and the figures equal those of a full run from scratch."""

from __future__ import annotations

import shutil

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

    _, second = run_pipeline(landing, tmp_path / "incremental")
    assert second.success
    assert files_read_now(second) == len(quarter) + 1                # only what is new or changed is read
    scratch, full = run_pipeline(landing, tmp_path / "scratch")
    assert full.success and files_read_now(full) > 10 * files_read_now(second)
    assert differences(incremental.warehouse, scratch.warehouse) == {}
