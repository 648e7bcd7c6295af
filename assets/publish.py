"""Publish: what leaves the warehouse, all of it read from `indicators_published`."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.indicators import indicators_published
from assets.model import data_window
from assets.validate import deliveries
from pipelines.resources import PublishedFolder
from reports.index_page import build_index


@dg.asset(group_name="publish", kinds={"csv"}, deps=[indicators_published])
def indicators_csv(duckdb: DuckDBResource, published: PublishedFolder) -> dg.MaterializeResult:
    """published/indicators.csv: `indicators_published`, whole numbers written without decimals."""
    path = published.root() / "indicators.csv"
    with duckdb.get_connection() as conn:
        conn.execute(f"""
            copy (select indicator, level, area_code, period, breakdown,
                         regexp_replace(value::varchar, '\\.0$', '') as value,
                         regexp_replace(numerator::varchar, '\\.0$', '') as numerator,
                         regexp_replace(denominator::varchar, '\\.0$', '') as denominator,
                         status, suppression
                  from indicators_published) to '{path}' (header, delimiter ',')
        """)
        rows = conn.execute("select count(*) from indicators_published").fetchall()[0][0]
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "path": dg.MetadataValue.path(str(path))})


@dg.asset(group_name="publish", kinds={"html"}, deps=[indicators_published, data_window, deliveries])
def report_pages(duckdb: DuckDBResource, published: PublishedFolder) -> dg.MaterializeResult:
    """The HTML reports (self-contained, Danish), built from published figures only."""
    with duckdb.get_connection() as conn:
        cutoff = conn.execute("select cutoff from data_window").fetchall()[0][0]
        used = conn.execute("select count(*) from deliveries where status = 'loaded'").fetchall()[0][0]
        index = build_index(conn, published.root(), cutoff, used)
    return dg.MaterializeResult(metadata={"pages": 1, "index": dg.MetadataValue.path(str(index)),
                                          "bytes": index.stat().st_size})
