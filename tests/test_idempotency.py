"""Re-running on the same landing folder changes nothing."""

from __future__ import annotations

from tests.conftest import fingerprint, run_pipeline

TABLES = ["deliveries", "quarantine", "shelter_stays", "stays_current", "indicators", "indicators_published"]


def test_second_run_on_same_input_changes_no_table(small_landing, tmp_path):
    settings, first = run_pipeline(small_landing, tmp_path / "home")
    assert first.success
    before = fingerprint(settings.warehouse, TABLES)
    csv_before = (settings.published_dir / "indicators.csv").read_bytes()
    _, second = run_pipeline(small_landing, tmp_path / "home")
    assert second.success
    assert fingerprint(settings.warehouse, TABLES) == before
    assert (settings.published_dir / "indicators.csv").read_bytes() == csv_before
