"""Re-running on the same landing folder changes nothing."""

from __future__ import annotations

import duckdb

from tests.conftest import run_pipeline

TABLES = ["deliveries", "quarantine", "shelter_stays", "stays_current", "indicators", "indicators_published"]


def fingerprint(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return {t: conn.execute(f"select count(*), sum(hash(columns(*))) from (select * from {t})").fetchall()
                for t in TABLES}


def test_second_run_on_same_input_changes_no_table(small_landing, tmp_path):
    settings, first = run_pipeline(small_landing, tmp_path / "home")
    assert first.success
    before = fingerprint(settings.warehouse)
    csv_before = (settings.published_dir / "indicators.csv").read_bytes()
    _, second = run_pipeline(small_landing, tmp_path / "home")
    assert second.success
    assert fingerprint(settings.warehouse) == before
    assert (settings.published_dir / "indicators.csv").read_bytes() == csv_before
