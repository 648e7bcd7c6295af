"""The Dagster definitions load, and hold the assets, checks and job the pipeline promises."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.settings import Settings


def test_definitions_load_with_every_asset_and_check(tmp_path):
    defs = build_definitions(Settings.resolve(tmp_path / "landing", tmp_path / "home"))
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert keys >= {"delivery_files", "raw_shelter_stays", "raw_interventions", "raw_homeless_count",
                    "municipalities", "population", "shelters", "quarantine", "shelter_stays", "interventions",
                    "homeless_count", "staging_shelter_stays", "staging_interventions", "staging_homeless_count",
                    "deliveries", "stays_current", "data_window", "periods", "areas",
                    "indicators", "indicators_published", "indicators_csv", "report_pages"}
    checks = {key.name for key in graph.asset_check_keys}
    assert checks >= {"rows_accounted_for", "no_small_cells"}
    assert defs.resolve_job_def("hfmon_job") is not None
    groups = {graph.get(dg.AssetKey(k)).group_name for k in ("delivery_files", "quarantine", "shelter_stays",
                                                              "stays_current", "indicators", "report_pages")}
    assert groups == {"ingest", "validate", "core", "model", "indicators", "publish"}


def test_every_asset_is_documented(tmp_path):
    defs = build_definitions(Settings.resolve(tmp_path / "landing", tmp_path / "home"))
    for asset in defs.resolve_asset_graph().asset_nodes:
        assert asset.description and len(asset.description) > 20, asset.key
