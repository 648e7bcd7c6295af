"""Ingest: the landing folder's files into DuckDB, as delivered, with provenance.

- `delivery_files`: every file, its delivery (dataset, provider, period), sha256, dialect, and
  whether it is loaded, superseded by a newer content, an unchanged repeat, or refused.
- `raw_<dataset>`: every row of the loaded files as text, with file and line (header = line 1).
  Files of one dialect are read in one DuckDB scan. The CPR guard reads every value first; a file
  with a CPR number is refused and none of it is written.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.delivery_files import FILE_COLUMNS, describe, text_scan
from assets.reference import municipalities_table, shelters_table
from checks.contract import DELIVERED, Dataset, quote_identifier, sql_text
from pipelines.resources import LandingFolder

# A CPR number (data contract): DDMMYY-XXXX, or ten digits whose first six form a valid date, standing
# alone or between non-alphanumeric characters (so a run of digits inside a hex pseudonym is not one).
# The cheap regexp_matches runs first, so only the rare candidate is split and its date tried.
CPR_MACRO = r"""
create or replace temp macro looks_like_cpr(v) as
    regexp_matches(v, '(?:^|[^0-9A-Za-z])[0-9]{6}-?[0-9]{4}(?:[^0-9A-Za-z]|$)')
    and coalesce(list_bool_or(list_transform(
        regexp_extract_all(v, '(?:^|[^0-9A-Za-z])([0-9]{6}-?[0-9]{4})(?:[^0-9A-Za-z]|$)', 1),
        c -> try_strptime(left(c, 6), '%d%m%y') is not null)), false)
"""
CPR_REFUSAL = ("cpr_number: a value that looks like a CPR number is in line {line}, column {column}: the whole file is refused "
               "and nothing from it is kept. Replace CPR numbers by the person_key pseudonym and deliver again.")


def list_delivery_files(conn, root) -> None:
    """Table `delivery_files` for the landing folder `root` (also used by `hfmon validate`)."""
    listed = [(path, path.relative_to(root).as_posix(), dataset)
              for dataset in DELIVERED
              for path in sorted((root / dataset.name).glob("*"))
              if path.is_file() and not path.name.startswith(".")]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        records = list(pool.map(lambda file: describe(*file), listed))
    register_files(conn, records)


def register_files(conn, records: list[dict]) -> None:
    files = pd.DataFrame(records, columns=FILE_COLUMNS)
    for column in ("header", "missing_columns", "extra_columns"):
        files[column] = files[column].map(lambda v: json.dumps(v) if v is not None else None)
    for column in ("period_start", "period_end"):
        files[column] = pd.to_datetime(files[column]).astype("datetime64[s]")
    conn.register("listed_files", files)
    conn.execute(f"""
        create or replace temp table described as
        select f.source_file, f.path, f.dataset, nullif(f.provider, '') as provider, f.period,
               cast(f.period_start as date) as period_start, cast(f.period_end as date) as period_end,
               f.encoding, f.delimiter, f.header, f.missing_columns, f.extra_columns, f.sha256, f.bytes::bigint as bytes,
               coalesce(f.refusal_reason,
                   case when f.dataset = 'shelter_stays' and f.provider not in (select shelter_id from shelters)
                        and exists (select 1 from shelters)
                        then 'unknown_provider: shelter ' || f.provider || ' is not in reference/shelters.csv'
                        when f.dataset = 'interventions'
                             and try_cast(f.provider as integer) not in (select municipality_code from municipalities)
                        then 'unknown_provider: municipality ' || f.provider || ' is not in reference/municipalities.csv'
                   end) as refusal_reason
        from listed_files f
    """)
    conn.unregister("listed_files")
    conn.execute("update described set provider = 'national' where dataset = 'homeless_count' and provider is null")
    # The manifest of every content ever seen: it orders resubmissions across runs.
    conn.execute("""create table if not exists delivery_history (source_file varchar, dataset varchar,
                    provider varchar, period varchar, sha256 varchar, first_seen timestamp)""")
    conn.execute("""insert into delivery_history
                    select source_file, dataset, provider, period, sha256, now() from described d
                    where sha256 is not null and not exists (select 1 from delivery_history h
                        where h.source_file = d.source_file and h.sha256 = d.sha256)""")
    # Within a delivery, the latest file's content is current: its first copy is loaded, later
    # copies of it are unchanged, other contents superseded. Order: first seen, then file name.
    conn.execute("""
        create or replace table delivery_files as
        with ordered as (
            select d.*, h.first_seen,
                   last_value(d.sha256) over (partition by d.dataset, d.provider, d.period order by h.first_seen,
                       d.source_file rows between unbounded preceding and unbounded following) as current_sha256,
                   row_number() over (partition by d.dataset, d.provider, d.period, d.sha256
                                      order by h.first_seen, d.source_file) as copy_no
            from described d left join delivery_history h using (source_file, sha256)
            where d.refusal_reason is null
        )
        select source_file, path, dataset, provider, period, period_start, period_end, encoding, delimiter,
               header, missing_columns, extra_columns, sha256, bytes, null as refusal_reason,
               case when sha256 <> current_sha256 then 'superseded' when copy_no > 1 then 'unchanged'
                    else 'load' end as status
        from ordered
        union all
        select source_file, path, dataset, provider, period, period_start, period_end, encoding, delimiter,
               header, missing_columns, extra_columns, sha256, bytes, refusal_reason, 'refused'
        from described where refusal_reason is not null
        order by dataset, source_file
    """)
    conn.execute("drop table described")


@dg.asset(group_name="ingest", kinds={"duckdb"}, deps=[municipalities_table, shelters_table])
def delivery_files(duckdb: DuckDBResource, landing: LandingFolder) -> dg.MaterializeResult:
    """Every delivered file: its delivery, sha256, dialect, and whether it is loaded, superseded,
    an unchanged repeat or refused (and why)."""
    with duckdb.get_connection() as conn:
        list_delivery_files(conn, landing.root())
        counts = dict(conn.execute("select status, count(*) from delivery_files group by all").fetchall())
    return dg.MaterializeResult(metadata={"dagster/row_count": sum(counts.values()),
                                          **{f"files_{status}": n for status, n in sorted(counts.items())}})


def load_raw(conn, dataset: Dataset) -> None:
    """raw_<dataset> (rows), raw_<dataset>_rejects (lines DuckDB could not split) and
    raw_<dataset>_refusals (files refused for a CPR number: where, never what)."""
    table = f"raw_{dataset.name}"
    contract = ", ".join(f"null::varchar as {quote_identifier(c)}" for c in dataset.column_names)
    conn.execute(f"create or replace table {table} as select null::varchar as source_file, null::bigint as line, "
                 f"{contract}, null::json as extra_columns limit 0")
    conn.execute(f"create or replace table {table}_rejects as select null::varchar as source_file, "
                 "null::bigint as line, null::varchar as error_type limit 0")
    conn.execute(f"create or replace table {table}_refusals as select null::varchar as source_file, "
                 "null::varchar as reason limit 0")
    conn.execute(CPR_MACRO)
    groups = conn.execute("""select encoding, delimiter, header, list(path order by path)
                             from delivery_files where dataset = ? and status = 'load' group by all order by all""",
                          [dataset.name]).fetchall()
    for encoding, delimiter, header_json, paths in groups:
        load_dialect_group(conn, dataset, encoding, delimiter, json.loads(header_json), paths)


def load_dialect_group(conn, dataset: Dataset, encoding, delimiter, header: list[str], paths: list[str]) -> None:
    """Two streaming scans of the group's files, nothing held in between: the first finds CPR
    numbers and unreadable lines; the second writes the rows of the files that are not refused.
    Then each row gets its text-editor line number."""
    table = f"raw_{dataset.name}"
    # A row's values joined by a control character: one CPR match per row rather than per value.
    row_text = "concat_ws(chr(31), " + ", ".join(quote_identifier(c) for c in header) + ")"
    conn.execute(f"""
        create or replace temp table cpr_rows as
        select distinct filename as path
        from {text_scan(paths, encoding, delimiter, header,
                        "filename = true, store_rejects = true, rejects_scan = 'scan_info', rejects_table = 'scan_rejects'")}
        where looks_like_cpr({row_text})
    """)
    conn.execute("""create or replace temp table rejected as
                    select s.file_path as path, r.line, r.error_type::varchar as error_type, r.csv_line
                    from scan_rejects r join scan_info s using (scan_id, file_id)""")
    # Text-editor lines: the k-th row read from a file sits on line k + 1 + shift, shift = j for k in
    # [r_j - j, r_(j+1) - (j+1)), r_j the j-th rejected line of the file (0 before the first).
    conn.execute("""
        create or replace temp table line_shifts as
        select path, shift_at as from_row, lead(shift_at) over (partition by path order by j) as to_row, j as shift
        from (select path, line - j as shift_at, j
              from (select path, line, row_number() over (partition by path order by line) as j
                    from (select distinct path, line from rejected)))
    """)
    conn.execute("""
        create or replace temp table cpr_found as
        select path, null::bigint as line, null::varchar as column_name, true as in_row from cpr_rows
        union all
        select path, min(line), null, false from rejected where looks_like_cpr(csv_line) group by path
    """)
    locate_cpr_in_rows(conn, encoding, delimiter, header)
    conn.execute(f"""
        insert into {table}_refusals
        select d.source_file, replace(replace({sql_text(CPR_REFUSAL)}, '{{line}}', min(c.line)::varchar),
                                      '{{column}}', coalesce(arg_min(c.column_name, c.line), 'unknown'))
        from cpr_found c join delivery_files d using (path) group by d.source_file
    """)
    conn.execute(f"""
        insert into {table}_rejects
        select distinct d.source_file, r.line, r.error_type from rejected r join delivery_files d using (path)
        where r.path not in (select path from cpr_found)
    """)
    present = {c for c in header}
    columns = ", ".join(quote_identifier(c) if c in present else f"null as {quote_identifier(c)}"
                        for c in dataset.column_names)
    extras = [c for c in header if c not in dataset.column_names]
    extra = ("to_json(struct_pack(" + ", ".join(f"{quote_identifier(c)} := {quote_identifier(c)}" for c in extras)
             + "))") if extras else "null::json"
    # Numbering rows in the scan (`with ordinality`) keeps the insert on one core and doubles its time.
    # DuckDB keeps insertion order, so the rows of a plain scan (no join that could reorder them)
    # land in scan order with consecutive row ids; locate_rows works the lines out from those ids.
    refused = {path for (path,) in conn.execute("select path from cpr_found").fetchall()}
    kept = [path for path in paths if path not in refused]
    if kept:
        conn.execute(f"""
            insert into {table}
            select filename as source_file, null as line, {columns}, {extra}
            from {text_scan(kept, encoding, delimiter, header, "filename = true, ignore_errors = true")}
        """)
        locate_rows(conn, table)
    for temp in ("cpr_rows", "rejected", "line_shifts", "cpr_found", "scan_rejects", "scan_info"):
        conn.execute(f"drop table if exists {temp}")


def locate_rows(conn, table: str) -> None:
    """For the rows just inserted into `table` (line still null, source_file still the scanned
    path): their file as delivery_files names it, and their text-editor line (`line_shifts`)."""
    conn.execute(f"""
        create or replace temp table first_rows as
        select s.path, d.source_file, s.first_row, s.contiguous
        from (select source_file as path, min(rowid) as first_row, max(rowid) - min(rowid) + 1 = count(*) as contiguous
              from {table} where line is null group by all) s
        join delivery_files d using (path)
    """)
    if conn.execute("select count(*) from first_rows where not contiguous").fetchall()[0][0]:
        raise RuntimeError(f"{table}: a file's rows were not stored together, so their lines cannot be numbered")
    conn.execute(f"""update {table} set source_file = f.source_file, line = {table}.rowid - f.first_row + 2
                     from first_rows f where f.path = {table}.source_file and {table}.line is null""")
    conn.execute(f"""
        update {table} set line = {table}.line + l.shift
        from line_shifts l join first_rows f using (path)
        where f.source_file = {table}.source_file and {table}.line - 1 >= l.from_row
          and (l.to_row is null or {table}.line - 1 < l.to_row)
    """)
    conn.execute("drop table first_rows")


def locate_cpr_in_rows(conn, encoding: str, delimiter: str, header: list[str]) -> None:
    """The line and column of the first CPR finding in the rows of each file about to be refused
    (rare: only such a file is read again, numbered)."""
    first_column = "case " + " ".join(f"when looks_like_cpr({quote_identifier(c)}) then {sql_text(c)}"
                                      for c in header) + " end"
    for (path,) in conn.execute("select path from cpr_found where in_row").fetchall():
        scanned = text_scan([path], encoding, delimiter, header, "ignore_errors = true", numbered=True)
        row, column = conn.execute(f"select ordinality, {first_column} from {scanned} "
                                   f"where {first_column} is not null order by ordinality limit 1").fetchall()[0]
        shift = conn.execute("""select coalesce(max(shift), 0) from line_shifts
                                where path = $path and $row >= from_row and (to_row is null or $row < to_row)""",
                             {"path": path, "row": row}).fetchall()[0][0]
        conn.execute("update cpr_found set line = ?, column_name = ? where path = ? and in_row",
                     [row + 1 + shift, column, path])


def raw_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{dataset.name}", group_name="ingest", kinds={"duckdb"}, deps=[delivery_files],
              description=f"{dataset.name} as delivered ({dataset.description}): text columns, file and line; "
                          "files with a CPR number are refused and not stored.")
    def _raw(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            load_raw(conn, dataset)
            rows, rejects, refused = conn.execute(f"""select (select count(*) from raw_{dataset.name}),
                (select count(*) from raw_{dataset.name}_rejects),
                (select count(*) from raw_{dataset.name}_refusals)""").fetchall()[0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, "malformed_lines": rejects,
                                              "files_refused_for_cpr": refused})

    return _raw


raw_tables = [raw_asset(dataset) for dataset in DELIVERED]
