"""Operations (issue 19): volume guards that delivered data can trigger, end to end; a sensor fit for
daily use; failures a person can act on (GX rules as a table, reference problems by file:line:column);
`dg check defs`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.delivery_files import DIGEST_TAG
from checks.gx_suites import SUITES, failures_table, run_suite
from checks.volume import volume_problem
from pipelines.resources import HomeFolder, LandingFolder
from pipelines.sensors import landing_folder_sensor
from tests.conftest import fingerprint, run_pipeline

HFMON = [sys.executable, "-m", "pipelines.cli"]
CORE = ("shelter_stays", "stays_current", "indicators")


@pytest.fixture(scope="module")
def processed(small_landing, tmp_path_factory):
    """A landing folder and a home where one good run has processed it."""
    landing = shutil.copytree(small_landing, tmp_path_factory.mktemp("guarded") / "landing")
    settings, result = run_pipeline(landing, landing.parent / "home")
    assert result.success
    return landing, settings


def rerun_on(processed, tmp_path, change):
    """A copy of the processed home and landing folder, `change` applied to the landing folder,
    then `hfmon run` from the command line."""
    landing, settings = processed
    copy = shutil.copytree(landing, tmp_path / "landing")
    home = shutil.copytree(settings.home_dir, tmp_path / "home", ignore=shutil.ignore_patterns("warehouse.lock"))
    change(copy)
    before = fingerprint(home / "warehouse.duckdb", CORE)
    result = subprocess.run([*HFMON, "run", "--data", str(copy), "--home", str(home)], capture_output=True,
                            text=True, timeout=600)
    return result, before, fingerprint(home / "warehouse.duckdb", CORE)


def test_an_emptied_shelter_stays_folder_never_replaces_the_core_tables(processed, tmp_path):
    def empty(landing):
        for path in (landing / "shelter_stays").glob("*"):
            path.unlink()

    result, before, after = rerun_on(processed, tmp_path, empty)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "no_collapse_in_volume on staging_shelter_stays" in result.stdout
    assert "shelter_stays: the validated rows would fall from" in result.stdout and "to 0, a drop of 100%" in result.stdout
    assert after == before                                   # core, model and indicators as the last good run
    # The summary is this run's: it read no deliveries, so it counts none (not the last run's).
    assert "files read:" not in result.stdout and "stopped before it had read the deliveries" in result.stdout


def test_a_warehouse_open_in_another_program_is_one_line(processed, tmp_path):
    landing, settings = processed
    home = shutil.copytree(settings.home_dir, tmp_path / "home", ignore=shutil.ignore_patterns("warehouse.lock"))
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(120)", str(home / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        landing_copy = shutil.copytree(landing, tmp_path / "landing")
        first = sorted((landing_copy / "shelter_stays").glob("*.csv"))[0]
        first.write_text(first.read_text() + "\n")            # something new, so the run opens the warehouse
        result = subprocess.run([*HFMON, "run", "--data", str(landing_copy), "--home", str(home)],
                                capture_output=True, text=True, timeout=600)
    finally:
        holder.kill()
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output[-3000:]
    assert "is open in another program" in output and "close it and run again" in output


def test_a_half_copied_folder_is_stopped_with_the_counts(processed, tmp_path):
    def half(landing):
        for path in sorted((landing / "shelter_stays").glob("*.csv"))[::2]:
            path.unlink()

    result, before, after = rerun_on(processed, tmp_path, half)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "more than the 25% allowed (HFMON_MAX_VOLUME_DROP)" in result.stdout
    assert after == before
    # The copy completed (one file also touched, so the run is not 'nothing new'), the next run
    # replaces the staging tables the stopped run left and publishes the same figures.
    landing, _ = processed
    shutil.copytree(landing, tmp_path / "landing", dirs_exist_ok=True)
    first = sorted((tmp_path / "landing" / "shelter_stays").glob("*.csv"))[0]
    first.write_text(first.read_text() + "\n")
    rerun = subprocess.run([*HFMON, "run", "--data", str(tmp_path / "landing"), "--home", str(tmp_path / "home")],
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    # The stopped run's judgement was never published, so every row is judged again.
    assert "validated: every row" in rerun.stdout and "validated: every row" not in result.stdout
    model = ("stays_current", "indicators")              # (shelter_stays holds the touched file's new hash)
    assert fingerprint(tmp_path / "home" / "warehouse.duckdb", model) == {t: before[t] for t in model}


def test_volume_rule():
    assert volume_problem("shelter_stays", 0, None, 0.25) is None          # first run: nothing to compare
    assert volume_problem("shelter_stays", 80, 100, 0.25) is None
    assert "drop of 21%" in volume_problem("shelter_stays", 79, 100, 0.2)
    assert "to 0" in volume_problem("homeless_count", 0, 10, 1.0)           # empty is never let through
    assert volume_problem("shelter_stays", 120, 100, 0.0) is None


def evaluate(instance, landing: Path, home: Path, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"landing": LandingFolder(path=str(landing)),
                                                 "home": HomeFolder(path=str(home))})
    return landing_folder_sensor(context), context.cursor


def test_sensor_over_a_processed_folder_starts_nothing_and_sees_every_content_change(processed, tmp_path):
    landing, settings = processed
    landing = shutil.copytree(landing, tmp_path / "landing")
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(settings.home_dir / "landing_read.json", home)   # what the last run read
    with dg.instance_for_test() as instance:
        switched_on, cursor = evaluate(instance, landing, home, None)
        assert isinstance(switched_on, dg.SkipReason)
        assert len(cursor) < 200                                  # a digest, not a file list

        target = landing / "shelter_stays" / "S001_2023-Q2.csv"
        original = target.read_bytes()
        os.utime(target, ns=(1, 1))                               # touched, same content: nothing
        assert isinstance(evaluate(instance, landing, home, cursor)[0], dg.SkipReason)

        target.rename(target.with_name("S001_2023-Q2_rettet.csv"))  # renamed, same content: nothing
        assert isinstance(evaluate(instance, landing, home, cursor)[0], dg.SkipReason)
        target.with_name("S001_2023-Q2_rettet.csv").rename(target)

        keys = []
        for content in (original + b"\n", original):              # B -> C -> B: two runs
            target.write_bytes(content)
            request, cursor = evaluate(instance, landing, home, cursor)
            assert isinstance(request, dg.RunRequest), request
            keys.append(request.run_key)
            assert isinstance(evaluate(instance, landing, home, cursor)[0], dg.SkipReason)
        assert len(set(keys)) == 2
        replay, _ = evaluate(instance, landing, home, json.dumps({**json.loads(cursor), "runs": 1,
                                                                  "digest": "earlier"}))
        assert replay.run_key == keys[1]                          # a replayed tick never runs twice


def test_sensor_with_no_run_behind_it_starts_one(small_landing, tmp_path):
    with dg.instance_for_test() as instance:
        request, cursor = evaluate(instance, small_landing, tmp_path / "home", None)
        assert isinstance(request, dg.RunRequest) and request.tags[DIGEST_TAG] == json.loads(cursor)["digest"]


def test_a_run_records_whether_it_read_what_the_tick_saw(processed, tmp_path):
    from assets.ingest import delivery_files
    from assets.reference import municipalities_table, shelters_table
    from pipelines.resources import build_resources
    from pipelines.settings import Settings

    landing, settings = processed
    settings = Settings.resolve(landing, tmp_path / "home")
    resources = build_resources(settings)
    selection = [municipalities_table, shelters_table, delivery_files]
    tick = json.loads((processed[1].home_dir / "landing_read.json").read_text())["digest"]
    same = dg.materialize(selection, resources=resources, tags={DIGEST_TAG: tick})
    newer = shutil.copytree(landing, tmp_path / "newer")
    (newer / "shelter_stays" / "S001_2023-Q2.csv").write_text(
        (newer / "shelter_stays" / "S001_2023-Q2.csv").read_text() + "\n")
    changed = dg.materialize(selection, resources=build_resources(Settings.resolve(newer, tmp_path / "home")),
                             tags={DIGEST_TAG: tick})

    def read_what_tick_saw(result):
        [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.path == ["delivery_files"]]
        return event.materialization.metadata["read_what_the_tick_saw"].value

    assert read_what_tick_saw(same) is True and read_what_tick_saw(changed) is False


def test_failed_gx_rules_are_a_table_with_the_shelter_and_rounded_values():
    import pandas as pd

    suite = next(s for s in SUITES if s.name == "shelter_stays_plausibility")
    frame = pd.DataFrame({"shelter_id": ["S001", "S002"], "exits": [40, 50],
                          "unknown_destination_share": [0.1, 0.41234567], "median_stay_days": [30.0, 2.5]})
    outcome = run_suite(frame, suite)
    table = failures_table(outcome["failures"])
    assert "| unknown_destinations_over_25_percent | shelter_id S002 | unknown_destination_share 0.412 | 1 |" in table
    assert "| median_stay_outside_5_to_120_days | shelter_id S002 | median_stay_days 2.5 | 1 |" in table


def test_reference_problems_are_listed_by_file_line_and_column(small_landing, tmp_path):
    landing = shutil.copytree(small_landing, tmp_path / "landing")
    beds = landing / "reference" / "shelters.csv"
    lines = beds.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index("beds")] = "0"
    lines[2] = ",".join(row)
    beds.write_text("\n".join(lines) + "\n")
    _, result = run_pipeline(landing, tmp_path / "home")
    [failure] = result.get_step_failure_events()
    data = failure.step_failure_data.user_failure_data
    assert "reference/shelters.csv:3:beds | beds_range" in data.metadata["problems_listed"].value
    assert data.metadata["problems"].value == 1


def test_dg_check_defs(tmp_path):
    dg_cli = Path(sys.executable).parent / "dg"
    env = {**os.environ, "HFMON_HOME": str(tmp_path / "home"), "DAGSTER_HOME": str(tmp_path / "dagster")}
    (tmp_path / "dagster").mkdir()
    (tmp_path / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    result = subprocess.run([str(dg_cli), "check", "defs"], capture_output=True, text=True, timeout=300,
                            cwd=Path(__file__).parents[1], env=env)
    assert result.returncode == 0 and "All definitions loaded successfully" in result.stdout + result.stderr, \
        result.stdout + result.stderr


def test_core_and_indicator_assets_carry_owners_schemas_and_freshness(small_run):
    from pipelines.definitions import build_definitions

    settings, result = small_run
    graph = build_definitions(settings).resolve_asset_graph()
    nodes = {n.key.to_user_string(): n for n in graph.asset_nodes}
    for key in ("shelter_stays", "indicators", "indicators_published", "report_pages"):
        assert nodes[key].owners == ["team:hfmon-data"]
    assert nodes["indicators_published"].freshness_policy is not None
    assert {nodes[k].group_name for k in ("areas", "area_population", "peer_groups")} == {"reference"}
    materialised = {e.asset_key.to_user_string(): e.materialization.metadata
                    for e in result.get_asset_materialization_events()}
    schema = materialised["shelter_stays"]["dagster/column_schema"].value
    assert "person_key" in [c.name for c in schema.columns]
    assert materialised["indicators"]["dagster/table_name"].value == "warehouse.main.indicators"
