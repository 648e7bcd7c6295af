"""Operations: the schedules on a real Dagster instance, late
deliveries, and a snapshot of the definitions (asset keys, checks, jobs, schedules, sensors)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.definitions import build_definitions
from pipelines.settings import Settings
from tests.conftest import run_pipeline

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def test_schedules_run_after_the_delivery_deadline(tmp_path):
    defs = build_definitions(Settings.resolve(tmp_path, tmp_path / "home"))
    quarterly = defs.resolve_schedule_def("quarterly_after_delivery_deadline")
    monthly = defs.resolve_schedule_def("monthly_refresh")
    assert quarterly.cron_schedule == "0 6 2 2,5,8,11 *" and monthly.cron_schedule == "0 6 15 * *"
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=datetime(2026, 11, 2, 6))
        requests = list(quarterly.evaluate_tick(context).run_requests)
        assert len(requests) == 1 and quarterly.job_name == monthly.job_name == "hfmon_job"


def test_a_missing_quarter_is_reported_late(small_landing, tmp_path):
    landing = shutil.copytree(small_landing, tmp_path / "landing")
    gone = landing / "shelter_stays" / "S001_2023-Q2.csv"
    assert gone.exists()
    gone.unlink()
    settings, result = run_pipeline(landing, tmp_path / "home")
    assert result.success
    late = [e for e in result.get_asset_check_evaluations() if e.check_name == "no_late_deliveries"]
    assert len(late) == 1 and not late[0].passed and late[0].severity == dg.AssetCheckSeverity.WARN
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        assert ("S001", "2023-Q2") in conn.execute(
            "select provider, period from missing_deliveries where dataset = 'shelter_stays'").fetchall()
    assert "Manglende leverancer" in (settings.published_dir / "data-quality.html").read_text()


def definitions_snapshot(tmp_path) -> dict:
    defs = build_definitions(Settings.resolve(tmp_path, tmp_path / "home"))
    graph = defs.resolve_asset_graph()
    return {"assets": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
            "checks": sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys),
            "jobs": sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__")),
            "schedules": sorted(s.name for s in defs.schedules or []),
            "sensors": sorted(s.name for s in defs.sensors or [])}


def test_definitions_match_the_snapshot(tmp_path):
    """Refresh after an intended change: HFMON_UPDATE_SNAPSHOT=1 pytest tests/test_operations.py"""
    current = definitions_snapshot(tmp_path)
    if os.environ.get("HFMON_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())
