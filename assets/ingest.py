"""Ingest: the landing folder's files into DuckDB, as delivered, with provenance.

`delivery_files` lists every file with its dataset, provider, period and sha256; the `raw_*` tables
hold every row as text with the file and the line it came from (the header is line 1).
DuckDB reads each dataset's files in one scan; Python only looks at names and header lines.
"""

from __future__ import annotations

import gzip
import re
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from checks.contract import DELIVERED, REFERENCE, Dataset, quote_identifier, sql_text
from pipelines.resources import LandingFolder

FILE_COLUMNS = ["source_file", "path", "dataset", "provider", "period", "period_start", "period_end",
                "refusal_reason"]


def period_bounds(period: str) -> tuple[date, date]:
    """2024 → the year; 2024-Q3 → the quarter; 2024-07 → the month."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    if period[5] == "Q":
        first_month = 3 * (int(period[6]) - 1) + 1
        months = 3
    else:
        first_month, months = int(period[5:7]), 1
    start = date(year, first_month, 1)
    after = date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, date.fromordinal(after.toordinal() - 1)


def header_of(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace")
    return [name.strip().strip('"').lower() for name in first.rstrip("\r\n").split(",")]


def describe_file(path: Path, landing: Path, dataset: Dataset) -> dict:
    """Name, provider and period of one delivered file, or why it is refused."""
    match = re.match(dataset.file_pattern, path.name)
    record = dict.fromkeys(FILE_COLUMNS)
    record.update(source_file=path.relative_to(landing).as_posix(), path=str(path), dataset=dataset.name)
    if not match:
        record["refusal_reason"] = (f"file name does not follow the contract for {dataset.name} "
                                    f"(expected a name like {dataset.example})")
        return record
    groups = match.groups()
    provider, period = (groups if len(groups) == 2 else ("national", groups[0]))
    if dataset.name == "interventions":
        provider = str(int(provider))  # 0101 = 101
    record.update(provider=provider, period=period)
    record["period_start"], record["period_end"] = period_bounds(period)
    header = header_of(path)
    if header != dataset.column_names:
        missing = [c for c in dataset.column_names if c not in header]
        record["refusal_reason"] = (f"header must be exactly {','.join(dataset.column_names)}"
                                    + (f"; missing: {', '.join(missing)}" if missing else "; columns out of order"))
    return record


@dg.asset(group_name="ingest", kinds={"duckdb"})
def delivery_files(duckdb: DuckDBResource, landing: LandingFolder) -> dg.MaterializeResult:
    """Every delivered file: dataset, provider, period, sha256 and, if refused, why."""
    root = landing.root()
    records = [describe_file(path, root, dataset)
               for dataset in DELIVERED
               for path in sorted((root / dataset.name).glob("*"))
               if path.is_file() and not path.name.startswith(".")]
    files = pd.DataFrame(records, columns=FILE_COLUMNS)
    files["period_start"] = pd.to_datetime(files["period_start"]).astype("datetime64[s]")
    files["period_end"] = pd.to_datetime(files["period_end"]).astype("datetime64[s]")
    with duckdb.get_connection() as conn:
        conn.register("listed_files", files)
        paths = "[" + ", ".join(sql_text(p) for p in files["path"]) + "]" if len(files) else None
        hashes = (f"select filename as path, sha256(content) as sha256, size as bytes from read_blob({paths})"
                  if paths else "select null::varchar as path, null::varchar as sha256, null::bigint as bytes limit 0")
        conn.execute(f"""
            create or replace table delivery_files as
            select f.source_file, f.path, f.dataset, f.provider, f.period,
                   cast(f.period_start as date) as period_start, cast(f.period_end as date) as period_end,
                   h.sha256, h.bytes, f.refusal_reason
            from listed_files f left join ({hashes}) h using (path)
            order by f.dataset, f.source_file
        """)
        counts = conn.execute("""
            select count(*), count(*) filter (where refusal_reason is not null) from delivery_files
        """).fetchall()[0]
    return dg.MaterializeResult(metadata={"dagster/row_count": counts[0], "files_refused": counts[1]})


def load_raw(conn, dataset: Dataset) -> int:
    """All accepted files of one dataset, in one DuckDB scan, with the line each row came from."""
    table = f"raw_{dataset.name}"
    columns = ", ".join(f"{quote_identifier(c)}" for c in dataset.column_names)
    paths = [row[0] for row in conn.execute(
        "select path from delivery_files where dataset = ? and refusal_reason is null order by path",
        [dataset.name]).fetchall()]
    if not paths:
        empty = ", ".join(f"null::varchar as {quote_identifier(c)}" for c in dataset.column_names)
        conn.execute(f"""create or replace table {table} as
            select null::varchar as source_file, null::bigint as line, {empty} limit 0""")
        conn.execute(f"create or replace table {table}_rejects as select null::varchar as source_file, "
                     "null::bigint as line, null::varchar as error_type limit 0")
        return 0
    listing = "[" + ", ".join(sql_text(p) for p in paths) + "]"
    spec = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in dataset.column_names) + "}"
    conn.execute(f"""
        create or replace temp table scanned as
        select * from read_csv({listing}, header = true, auto_detect = false, delim = ',', quote = '"',
                               escape = '"', columns = {spec}, filename = true,
                               store_rejects = true, rejects_scan = 'scan_info', rejects_table = 'scan_rejects')
        with ordinality
    """)
    # Rows DuckDB could not split into the contract's columns (wrong number of fields, broken quotes).
    conn.execute(f"""
        create or replace table {table}_rejects as
        select distinct d.source_file, r.line, r.error_type::varchar as error_type
        from scan_rejects r join scan_info s using (scan_id, file_id)
        join delivery_files d on d.path = s.file_path
    """)
    # Text-editor line numbers: the k-th row read from a file sits on line k + 1, plus every
    # rejected line before it (j(k) = number of rejected lines r_j with r_j - j <= k).
    conn.execute(f"""
        create or replace table {table} as
        with numbered as (
            select *, ordinality - min(ordinality) over (partition by filename) + 1 as row_in_file
            from scanned
        ), rejected as (
            select source_file, line - row_number() over (partition by source_file order by line) as shift_at
            from (select distinct source_file, line from {table}_rejects)
        )
        select d.source_file,
               n.row_in_file + 1 + coalesce((select count(*) from rejected r
                                             where r.source_file = d.source_file
                                               and r.shift_at <= n.row_in_file), 0) as line,
               {columns}
        from numbered n join delivery_files d on d.path = n.filename
        order by d.source_file, line
    """)
    conn.execute("drop table scanned")
    return conn.execute(f"select count(*) from {table}").fetchall()[0][0]


def raw_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{dataset.name}", group_name="ingest", kinds={"duckdb"}, deps=[delivery_files],
              description=f"{dataset.name} as delivered ({dataset.description}): text columns, file and line.")
    def _raw(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            rows = load_raw(conn, dataset)
            rejects = conn.execute(f"select count(*) from raw_{dataset.name}_rejects").fetchall()[0][0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, "malformed_lines": rejects})

    return _raw


def reference_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=dataset.name, group_name="reference", kinds={"duckdb"},
              description=f"Reference table reference/{dataset.name}.csv, typed; the run stops if it is "
                          "missing or breaks the contract.")
    def _reference(duckdb: DuckDBResource, landing: LandingFolder) -> dg.MaterializeResult:
        path = landing.root() / "reference" / f"{dataset.name}.csv"
        if not path.exists():
            raise dg.Failure(description=f"Reference file missing: {path}. Every landing folder needs "
                                         f"reference/{dataset.name}.csv (see the data contract).")
        found = header_of(path)
        missing = [c for c in dataset.column_names if c not in found]
        if missing:
            raise dg.Failure(description=f"{path}:1: reference file lacks column(s) {', '.join(missing)}.")
        spec = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in found) + "}"
        typed = ", ".join(f"{c.parsed()} as {quote_identifier(c.name)}" for c in dataset.columns)
        problems = " union all ".join(
            f"select line, {sql_text(c.name)} as column_name, {c.broken_rule()} as rule from source"
            for c in dataset.columns)
        with duckdb.get_connection() as conn:
            conn.execute(f"""create or replace temp table source as
                select *, ordinality + 1 as line from read_csv({sql_text(str(path))}, header = true,
                    auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {spec}) with ordinality""")
            bad = conn.execute(f"select line, column_name, rule from ({problems}) where rule is not null "
                               "order by line limit 5").fetchall()
            if bad:
                listed = "; ".join(f"{path.name}:{line}:{col} {rule}" for line, col, rule in bad)
                raise dg.Failure(description=f"Reference data is invalid: {listed}. Correct the file and run again.")
            conn.execute(f"create or replace table {dataset.name} as select {typed} from source")
            conn.execute("drop table source")
            rows = conn.execute(f"select count(*) from {dataset.name}").fetchall()[0][0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _reference


raw_tables = [raw_asset(dataset) for dataset in DELIVERED]
reference_tables = [reference_asset(dataset) for dataset in REFERENCE]
