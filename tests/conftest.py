"""Shared fixtures: a small generated landing folder, and one real pipeline run over it."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.settings import Settings, prepare_offline_environment
from pipelines.synthetic import generate

SMALL = dict(persons=400, seed=7, start=2022, end=2024, cutoff="2024-12-31")


@pytest.fixture(autouse=True)
def live_dagster_instance():
    """Each test inside a live instance's context. Loading definitions reads the current instance's
    state storage from a context variable; without this, a test that evaluates a sensor or schedule
    could leave it pointing at a disposed instance for the tests after it."""
    with dg.DagsterInstance.ephemeral():
        yield


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("landing")
    generate(out, **SMALL)
    return out


def run_pipeline(data, home):
    """Materialise every asset with Dagster, as `hfmon run` does, against a real DuckDB file."""
    settings = Settings.resolve(data, home)
    prepare_offline_environment(settings)
    with dg.DagsterInstance.ephemeral() as instance:
        job = build_definitions(settings).resolve_job_def("hfmon_job")
        result = job.execute_in_process(instance=instance, raise_on_error=False,
                                        run_config={"loggers": {"step_progress": {}}})
    return settings, result


@pytest.fixture(scope="session")
def small_run(small_landing, tmp_path_factory):
    settings, result = run_pipeline(small_landing, tmp_path_factory.mktemp("home"))
    assert result.success, [e.step_failure_data.error for e in result.get_step_failure_events()]
    return settings, result


@pytest.fixture()
def warehouse(small_run):
    settings, _ = small_run
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        yield conn


# The run id is lineage: it names the run, so it differs between runs by design.
RUN_SPECIFIC = {"indicators": "exclude (run_id)"}


def fingerprint(warehouse, tables=("deliveries", "quarantine", "shelter_stays", "stays_current", "indicators")):
    """Row count and a content hash per table: equal fingerprints mean unchanged tables."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {t: conn.execute(f"select count(*), sum(hash(columns(*))) "
                                f"from (select * {RUN_SPECIFIC.get(t, '')} from {t})").fetchall() for t in tables}
