"""The Dagster definitions: every asset, check, job and resource, assembled in one place.

`hfmon run`, `dagster dev` (`make ui`) and the tests all load `build_definitions`, so they
materialise the same assets with the same settings.
"""

from __future__ import annotations

import logging
import warnings

import dagster as dg

from assets import indicators, ingest, mission, model, publish, reference, validate
from checks import accounting, disclosure, gx_checks, indicator_invariants, volume
from pipelines.jobs import everything_job
from pipelines.progress import step_progress
from pipelines.resources import build_resources
from pipelines.schedules import monthly_refresh, quarterly_after_deadline
from pipelines.sensors import landing_folder_sensor
from pipelines.settings import Settings, quiet_libraries

quiet_libraries()
# Code references are a beta API: one warning per asset would bury hfmon's own output.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
# A run with nothing new skips every step after delivery_files, their blocking checks with them;
# Dagster's executor then warns once per skipped check that nothing gates the (also skipped) steps.
logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)

ASSET_MODULES = [reference, ingest, validate, model, indicators, mission, publish]
CHECK_MODULES = [accounting, disclosure, gx_checks, indicator_invariants, volume]


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    settings = settings or Settings.resolve()
    return dg.Definitions(
        # Code references: the UI links each asset to the function (or factory) that builds it.
        assets=dg.with_source_code_references(dg.load_assets_from_modules(ASSET_MODULES)),
        asset_checks=dg.load_asset_checks_from_modules(CHECK_MODULES),
        jobs=[everything_job],
        schedules=[quarterly_after_deadline, monthly_refresh],
        sensors=[landing_folder_sensor],
        resources=build_resources(settings),
        loggers={"console": dg.colored_console_logger, "step_progress": step_progress},
        # One process, one DuckDB writer: the multiprocess default is slower on 2 cores and
        # risks file-lock errors (engineering notes §0.5).
        executor=dg.in_process_executor,
    )


defs = build_definitions()
