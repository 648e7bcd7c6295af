"""Resources, configured in one place from `Settings`: the warehouse, the landing and published folders."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines import writer_lock
from pipelines.settings import Settings


class Warehouse(DuckDBResource):
    """dagster-duckdb's resource, closing its connection even when a step fails.

    The upstream `get_connection` closes only on success, so a failed step left the file open and
    the next connection (the CLI summary, a re-run) was refused (engineering notes §2).

    With `home`, a run holds the warehouse's writer lock from its first step to its end
    (`pipelines/writer_lock.py`): a second run, however started, stops before it writes anything.
    """

    home: str = ""
    _took_lock: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if self.home:
            try:
                self._took_lock = writer_lock.acquire(Path(self.home), context.run_id or "")
            except writer_lock.WarehouseBusy as busy:
                raise dg.Failure(description=f"Not started: {busy}.") from None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._took_lock:
            writer_lock.release(Path(self.home))

    @contextmanager
    def get_connection(self):
        with super().get_connection() as conn:
            try:
                yield conn
            finally:
                conn.close()


# Who answers for the warehouse's tables (shown in the Dagster UI next to each asset).
OWNERS = ["team:hfmon-data"]


def column_exists(conn, table: str, column: str) -> bool:
    return conn.execute("select count(*) from duckdb_columns() where table_name = ? and column_name = ? "
                        "and database_name = current_database()", [table, column]).fetchall()[0][0] > 0


def table_exists(conn, table: str, views: bool = False) -> bool:
    """Whether the warehouse (or this connection's temporary tables) holds a table (or, with `views`,
    a view) of that name."""
    also_views = " union all select view_name from duckdb_views() where not internal" if views else ""
    return conn.execute(f"select count(*) from (select table_name from duckdb_tables(){also_views}) where table_name = ?",
                        [table]).fetchall()[0][0] > 0


def table_metadata(conn, table: str) -> dict:
    """What the Dagster UI shows of a warehouse table: its name, row count and column schema."""
    columns = conn.execute("select column_name, data_type, is_nullable from information_schema.columns "
                           "where table_name = ? and table_schema = 'main' order by ordinal_position",
                           [table]).fetchall()
    rows = conn.execute(f"select count(*) from {table}").fetchall()[0][0]
    return {"dagster/table_name": f"warehouse.main.{table}", "dagster/row_count": rows,
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(name, kind.lower(), constraints=dg.TableColumnConstraints(nullable=nullable == "YES"))
                for name, kind, nullable in columns])}


class LandingFolder(dg.ConfigurableResource):
    """The landing folder of deliveries. The pipeline only reads it."""

    path: str

    def root(self) -> Path:
        root = Path(self.path)
        if not root.is_dir():
            raise dg.Failure(description=f"Landing folder not found: {root}. Pass --data DIR or set HFMON_DATA_DIR.")
        return root


class HomeFolder(dg.ConfigurableResource):
    """The home folder: the warehouse and what the pipeline remembers between runs."""

    path: str

    def root(self) -> Path:
        root = Path(self.path)
        root.mkdir(parents=True, exist_ok=True)
        return root


class PublishedFolder(HomeFolder):
    """Where published output goes: only disclosure-controlled figures are written here."""


def build_resources(settings: Settings) -> dict:
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": Warehouse(database=str(settings.warehouse), home=str(settings.home_dir), connection_config={
            # Bounded memory as data grows: DuckDB spills to the home folder beyond this
            # (default 80% of RAM would let a 100x run take the machine).
            "memory_limit": settings.duckdb_memory_limit,
            "temp_directory": str(settings.home_dir / "duckdb-spill"),
            # Delivered rows are numbered by their line from the order a scan stores them in.
            "preserve_insertion_order": True,
        }),
        "landing": LandingFolder(path=str(settings.data_dir)),
        "home": HomeFolder(path=str(settings.home_dir)),
        "published": PublishedFolder(path=str(settings.published_dir)),
    }
