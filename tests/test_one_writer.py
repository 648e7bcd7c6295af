"""One writer per warehouse (issue 19): two runs started at once, in the local and the production
profile, and a run from the UI, sensor or a schedule (a Dagster run) while `hfmon run` writes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import run_pipeline
from tests.test_postgres_profile import postgres_url  # noqa: F401  (a fixture)

BUSY = "another run is writing"


def start_run(landing, home, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--data", str(landing), "--home", str(home)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def two_runs_at_once(landing, home, env) -> list[tuple[int, str]]:
    first = start_run(landing, home, env)
    while not (home / "warehouse.lock").exists() or not (home / "warehouse.lock").read_text():
        time.sleep(0.1)                                          # the first holds the lock
    second = start_run(landing, home, env)
    return [(p.wait(timeout=600), p.stdout.read() + p.stderr.read()) for p in (first, second)]


def whole(home) -> int:
    """The warehouse opens and holds every published figure; published/ has its pages."""
    assert (home / "published" / "national.html").exists() and (home / "published" / "indicators.csv").exists()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute("select count(*) from indicators_published").fetchall()[0][0]


def local_runs(home) -> list[str]:
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    with dg.DagsterInstance.get() as instance:
        return [r.status.value for r in instance.get_runs()]


def assert_second_refused(outcomes):
    (first_code, first_out), (second_code, second_out) = outcomes
    assert first_code == 0, first_out
    assert second_code == 2 and BUSY in second_out and "wait for it to finish" in second_out, second_out
    assert "Traceback" not in second_out and second_out.count("\n") <= 2


def test_two_hfmon_runs_at_once_locally(small_landing, tmp_path, monkeypatch):
    home = tmp_path / "home"
    env = {**os.environ, "HFMON_PROFILE": "local"}
    assert_second_refused(two_runs_at_once(small_landing, home, env))
    assert whole(home) > 0
    monkeypatch.setenv("DAGSTER_HOME", str(home / "dagster"))
    assert local_runs(home) == ["SUCCESS"]                         # the refused one recorded no run


def test_two_hfmon_runs_at_once_in_production(small_landing, tmp_path, postgres_url):  # noqa: F811
    import psycopg2

    home = tmp_path / "home"
    env = {**os.environ, "HFMON_PROFILE": "production", "HFMON_POSTGRES_URL": postgres_url}
    assert_second_refused(two_runs_at_once(small_landing, home, env))
    assert whole(home) > 0
    with psycopg2.connect(postgres_url.replace("+psycopg2", "")) as conn, conn.cursor() as cursor:
        cursor.execute("select status from runs")
        assert [row[0] for row in cursor.fetchall()] == ["SUCCESS"]


def test_a_dagster_run_while_the_warehouse_is_written_stops_before_writing(small_landing, tmp_path):
    """A run from the UI, the sensor or a schedule (the same job, in Dagster) while `hfmon run`
    holds the warehouse: it fails at once, says whom to wait for, and writes nothing."""
    home = tmp_path / "home"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from pipelines import writer_lock; writer_lock.acquire(Path(sys.argv[1]), 'run-a'); "
                               "print('held', flush=True); time.sleep(60)", str(home)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        _, result = run_pipeline(small_landing, home)
    finally:
        holder.kill()
    assert not result.success
    failure = result.get_run_failure_event() if hasattr(result, "get_run_failure_event") else None
    messages = " ".join(str(e.message) + " " + str(getattr(e.event_specific_data, "error", "") or "")
                        for e in result.all_events)
    assert BUSY in messages and "run id run-a" in messages, messages[-2000:]
    assert not (home / "warehouse.duckdb").exists()                 # nothing was written
    assert failure is None or failure.is_failure


@pytest.mark.parametrize("profile", ["local", "production"])
def test_every_profile_queues_runs_one_at_a_time_and_hides_the_community_pop_up(profile):
    from pipelines.settings import PROFILES

    config = PROFILES[profile]
    assert "QueuedRunCoordinator" in config and "max_concurrent_runs: 1" in config
    assert "nux:\n  enabled: false" in config and "telemetry:\n  enabled: false" in config
