"""Jobs: the whole pipeline as one job (ingest → validate → model → indicators → publish)."""

import dagster as dg

everything_job = dg.define_asset_job(
    name="hfmon_job",
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, validate, model, compute indicators, publish reports.",
    tags={"hfmon/duckdb-writer": "warehouse"},   # the production run queue admits one writer at a time
)
