"""Reference tables: municipalities, population and shelters from the landing folder's
reference/ files, typed, and the optional rates (shelter_rates, hf_unit_costs: empty tables when the
files are absent, and the kroner figures are then no_data). The run stops with a message naming file,
line, column and rule if a file is missing or breaks the data contract: every figure depends on them.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.delivery_files import inspect, scan_names, sniff, special_file, text_scan
from checks.contract import REFERENCE, Dataset, quote_identifier, sql_text
from checks.cpr import CPR_MACRO, cpr_column
from pipelines.resources import LandingFolder

SQL_TYPES = {"int": "integer", "number": "double", "kroner": "decimal(18, 2)", "date": "date"}
MAX_LISTED = 50       # problems listed in the UI; `hfmon validate` lists them all
CPR_MESSAGE = ("a value that looks like a CPR number: the file is not used and nothing from it is kept or shown; "
               "remove it and run again")


def load_reference(conn, dataset: Dataset, path) -> int:
    """Reference table <dataset> from its file, typed; a dg.Failure names what is wrong."""
    if not path.exists() and not path.is_symlink() and dataset.optional_file:
        columns = ", ".join(f"null::{SQL_TYPES.get(c.kind, 'varchar')} as {quote_identifier(c.name)}"
                            for c in dataset.columns)
        conn.execute(f"create or replace table {dataset.name} as select {columns} limit 0")
        return 0
    problems = reference_problems(conn, dataset, path)
    if problems:
        listed = "; ".join(f"{path.name}:{line}:{column} {rule}" for line, column, rule, _ in problems[:5])
        table = "\n".join(["| where | rule | what to fix |", "|---|---|---|"] + [
            f"| reference/{path.name}:{line}:{column} | {rule} | {message} |"
            for line, column, rule, message in problems[:MAX_LISTED]])
        raise dg.Failure(description=f"Reference data is invalid: {listed}. Correct the file and run again.",
                         metadata={"problems": len(problems), "problems_listed": dg.MetadataValue.md(table)})
    conn.execute(f"create or replace table {dataset.name} as select {dataset.typed_columns()} from source")
    conn.execute("drop table source")
    return conn.execute(f"select count(*) from {dataset.name}").fetchall()[0][0]


def reference_problems(conn, dataset: Dataset, path) -> list[tuple[int, str, str, str]]:
    """Every (line, column, rule, message) a reference file breaks: column rules first, then row
    rules on the typed rows. Leaves the file's rows in the temp table `source`."""
    if not path.exists() and not path.is_symlink():
        raise dg.Failure(description=f"Reference file missing: {path}. Every landing folder needs "
                                     f"reference/{dataset.name}.csv (see the data contract).")
    if problem := special_file(path, path.parent.parent):
        raise dg.Failure(description=f"{path}:1: {problem}")
    content = inspect(path)
    if content.problem:
        raise dg.Failure(description=f"{path}:1: {content.problem}")
    dialect = sniff(path, content.utf8)
    if isinstance(dialect, str):
        raise dg.Failure(description=f"{path}: {dialect}")
    if column := cpr_column(dialect.header):
        return [(1, str(column), "cpr_number", CPR_MESSAGE)]
    missing = [c.name for c in dataset.columns if c.required and c.name not in dialect.header]
    if missing:
        raise dg.Failure(description=f"{path}:1: reference file lacks column(s) {', '.join(missing)}.")
    absent = ", ".join(f"null::varchar as {quote_identifier(c.name)}" for c in dataset.columns
                       if c.name not in dialect.header)
    conn.execute(f"""create or replace temp table source as
        select *, {absent + ',' if absent else ''} ordinality + 1 as line
        from {text_scan([str(path)], dialect.encoding, dialect.delimiter, dialect.header, numbered=True)}""")
    # The CPR guard reads every value of every column (names and descriptions are published).
    conn.execute(CPR_MACRO)
    found = " union all ".join(
        f"select line, {sql_text(name)} as column_name from source where looks_like_cpr({quote_identifier(name)})"
        for name in scan_names(dialect.header))
    cpr = conn.execute(f"select line, column_name from ({found}) order by line limit 1").fetchall()
    if cpr:
        return [(cpr[0][0], cpr[0][1], "cpr_number", CPR_MESSAGE)]
    conn.execute(f"create or replace temp table typed as select line, {dataset.typed_columns(given=True)} from source")
    problems = conn.execute(f"""select line, column_name, rule, message
                                from ({dataset.column_problems("typed", "line")}) order by line, column_name""").fetchall()
    if problems or not dataset.rules:
        return problems
    return conn.execute(dataset.rule_problems("typed", "line") + " order by 1, 2").fetchall()


def reference_asset(dataset: Dataset) -> dg.AssetsDefinition:
    # Population and shelters name municipalities, rates name shelters: checked against the loaded table.
    deps = [] if dataset.name == "municipalities" else ["shelters"] if dataset.name == "shelter_rates" \
        else ["municipalities"]

    @dg.asset(name=dataset.name, group_name="reference", kinds={"duckdb"}, deps=deps,
              description=f"Reference table reference/{dataset.name}.csv, typed; the run stops if it is "
                          "missing or breaks the contract.")
    def _reference(duckdb: DuckDBResource, landing: LandingFolder) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            rows = load_reference(conn, dataset, landing.root() / "reference" / f"{dataset.name}.csv")
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _reference


reference_tables = [reference_asset(dataset) for dataset in REFERENCE]
municipalities_table, population_table, shelters_table, shelter_rates_table, hf_unit_costs_table = reference_tables
