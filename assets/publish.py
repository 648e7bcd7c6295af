"""Publish: what leaves the warehouse, all of it read from `indicators_published`."""


import dagster as dg
from dagster import AssetExecutionContext
from dagster_duckdb import DuckDBResource

from assets.indicators import PUBLISHED_FRESHNESS, SQL_DIR, indicators_published
from assets.mission import peer_comparison, target_progress
from assets.model import data_window
from assets.validate import deliveries
from pipelines.resources import OWNERS, PublishedFolder
from reports.downloads import write_csv
from reports.overview import national_overview_png
from reports.published import Published
from reports.site import build_site


@dg.asset(group_name="publish", kinds={"csv"}, deps=[indicators_published], owners=OWNERS,
          freshness_policy=PUBLISHED_FRESHNESS)
def indicators_csv(duckdb: DuckDBResource, published: PublishedFolder) -> dg.MaterializeResult:
    """published/indicators.csv: `indicators_published`, whole numbers written without decimals."""
    path = published.root() / "indicators.csv"
    with duckdb.get_connection() as conn:
        write_csv(conn, """select indicator, level, area_code, period, breakdown,
                                  regexp_replace(value::varchar, '\\.0$', '') as value,
                                  regexp_replace(numerator::varchar, '\\.0$', '') as numerator,
                                  regexp_replace(denominator::varchar, '\\.0$', '') as denominator,
                                  status, suppression, cutoff
                           from indicators_published""", path, options="header, delimiter ','")
        rows = conn.execute("select count(*) from indicators_published").fetchall()[0][0]
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "path": dg.MetadataValue.path(str(path))})


@dg.asset(group_name="publish", kinds={"duckdb"}, deps=[indicators_published, deliveries])
def revisions(context: AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Published figures that changed since the previous publication (old -> new), with the
    deliveries that were new or corrected since then; kept across runs."""
    with duckdb.get_connection() as conn:
        statements = [s for s in (SQL_DIR / "revisions.sql").read_text().split(";") if s.strip()]
        for statement in statements:
            conn.execute(statement.replace("$run_id", "?"), [context.run_id] if "$run_id" in statement else [])
        changed = conn.execute("select count(*) from revisions where run_id = ?", [context.run_id]).fetchall()[0][0]
        total = conn.execute("select count(*) from revisions").fetchall()[0][0]
    return dg.MaterializeResult(metadata={"figures_revised_now": changed, "dagster/row_count": total})


@dg.asset(group_name="publish", kinds={"html"}, deps=[indicators_published, data_window, deliveries,
                                                    "missing_deliveries", "missing_rates", target_progress, peer_comparison,
                                                    revisions], owners=OWNERS, freshness_policy=PUBLISHED_FRESHNESS)
def report_pages(context: AssetExecutionContext, duckdb: DuckDBResource,
                 published: PublishedFolder) -> dg.MaterializeResult:
    """The HTML reports in Danish (index, national, 5 regions, 98 municipalities, data quality), each
    self-contained with a CSV of its figures; built from published figures only."""
    def log(done: int, total: int, page: str) -> None:
        if done % 20 == 0 or done == total:
            context.log.info(f"{done}/{total} pages ({page})")

    with duckdb.get_connection() as conn:
        figures = Published(conn)   # read and formatted once, for the pages and the overview
        pages = build_site(conn, published.root(), log, figures)
    overview = national_overview_png(figures)
    return dg.MaterializeResult(metadata={
        "pages": len(pages), "index": dg.MetadataValue.path(str(published.root() / "index.html")),
        "largest_page_bytes": max(p.stat().st_size for p in pages),
        "national_overview": dg.MetadataValue.md(overview)})


@dg.asset(group_name="publish", kinds={"duckdb"}, deps=[indicators_published, indicators_csv, report_pages])
def run_lineage(context: AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Which delivery contents (sha256) each run used, and the cutoff it computed to. The last step:
    it records the run as completed with its inputs, so a run on the same inputs has nothing to do."""
    with duckdb.get_connection() as conn:
        # completed_runs and run_inputs are written by delivery_files, the run's first step over the deliveries.
        conn.execute("insert into completed_runs select ?, inputs, now() from run_inputs", [context.run_id])
        conn.execute("""create table if not exists run_lineage (run_id varchar, recorded_at timestamp, cutoff date,
                        source_file varchar, dataset varchar, sha256 varchar)""")
        conn.execute("delete from run_lineage where run_id = ?", [context.run_id])
        conn.execute("""insert into run_lineage
                        select ?, now(), (select cutoff from data_window), source_file, dataset, sha256
                        from deliveries where status = 'loaded'""", [context.run_id])
        used = conn.execute("select count(*) from run_lineage where run_id = ?", [context.run_id]).fetchall()[0][0]
    return dg.MaterializeResult(metadata={"deliveries_used": used})
