"""Ingest: the landing folder's files into DuckDB, as delivered, with provenance.

- `delivery_files`: every file, its delivery (dataset, provider, period), sha256, dialect, and
  whether it is loaded, superseded by a newer content, an unchanged repeat, or refused.
- `raw_<dataset>`: every row of the loaded files as text, with file and line as an editor shows
  them (header = line 1). Files of one dialect are read in one DuckDB scan (in batches). The CPR
  guard (`assets/cpr_guard.py`) has read every value before: a file with a CPR number is refused,
  never written and never supersedes an earlier delivery.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from assets.cpr_guard import batches, each_file_on_error, refuse_files_with_cpr
from assets.delivery_files import (DIGEST_TAG, FILE_COLUMNS, describe, editor_lines, file_hash, file_state,
                                   landing_digest, recalled_descriptions, scanned_rejects, text_scan,
                                   write_digest_record)
from assets.reference import municipalities_table, shelters_table
from checks.contract import DELIVERED, Dataset, quote_identifier
from pipelines.resources import HomeFolder, LandingFolder, PublishedFolder, table_exists
from pipelines.settings import code_version


def list_delivery_files(conn, root) -> None:
    """Table `delivery_files` for the landing folder `root` (also used by `hfmon validate`)."""
    # Every entry is listed, not only regular files: a folder, pipe or link in a dataset folder gets
    # a refusal row (describe judges it without opening it).
    listed = [(path, path.relative_to(root).as_posix(), dataset, root)
              for dataset in DELIVERED
              for path in sorted((root / dataset.name).glob("*"))
              if not path.name.startswith(".")]
    version = code_version(*INGEST_CODE)
    recalled = recalled_descriptions(conn, version)

    def described(path: Path, source_file: str, dataset: Dataset, root: Path) -> tuple[tuple, dict]:
        # The state before the read: a write during it leaves another state.
        key = (str(path.absolute()), file_state(path))
        return key, recalled.get(key) or describe(path, source_file, dataset, root)

    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        found = list(pool.map(lambda file: described(*file), listed))
    register_files(conn, [record for _, record in found])
    # Only files that were read: a refusal by name alone costs nothing to repeat, and a name that
    # looks like a CPR number must not be kept (the row's own path is redacted, the key would not be).
    remember_descriptions(conn, [(key, record) for key, record in found if key[1] and record["sha256"]], version)


def remember_descriptions(conn, described: list[tuple[tuple[str, str], dict]], version: str) -> None:
    """Each regular file's row of `delivery_files` as `describe` gave it, by its path and state."""
    conn.execute("create or replace table described_files (path varchar, state varchar, version varchar, record varchar)")
    if described:
        conn.register("described_now", pd.DataFrame(
            [(path, state, version, json.dumps(record, default=str)) for (path, state), record in described]))
        conn.execute("insert into described_files select * from described_now")
        conn.unregister("described_now")


def register_files(conn, records: list[dict]) -> None:
    files = pd.DataFrame(records, columns=FILE_COLUMNS)
    for column in ("header", "missing_columns", "extra_columns"):
        files[column] = files[column].map(lambda v: json.dumps(v) if v is not None else None)
    for column in ("period_start", "period_end"):
        files[column] = pd.to_datetime(files[column]).astype("datetime64[s]")
    conn.register("listed_files", files)
    conn.execute("""
        create or replace temp table described as
        select f.source_file, f.path, f.dataset, nullif(f.provider, '') as provider, f.period,
               cast(f.period_start as date) as period_start, cast(f.period_end as date) as period_end,
               f.encoding, f.delimiter, f.header, f.missing_columns, f.extra_columns, f.sha256, f.bytes::bigint as bytes,
               f.lines::bigint as lines,
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
    refuse_files_with_cpr(conn, "described", code_version(*INGEST_CODE))
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
               header, missing_columns, extra_columns, sha256, bytes, lines, null as refusal_reason,
               case when sha256 <> current_sha256 then 'superseded' when copy_no > 1 then 'unchanged'
                    else 'load' end as status
        from ordered
        union all
        select source_file, path, dataset, provider, period, period_start, period_end, encoding, delimiter,
               header, missing_columns, extra_columns, sha256, bytes, lines, refusal_reason, 'refused'
        from described where refusal_reason is not null
        order by dataset, source_file
    """)
    conn.execute("drop table described")


def landing_hashes(conn, root: Path) -> dict[str, str]:
    """file -> sha256 of what this run read: the delivered files as listed, and the reference files
    (small, hashed here)."""
    hashes = dict(conn.execute("select source_file, sha256 from delivery_files where sha256 is not null").fetchall())
    hashes.update({f"reference/{path.name}": file_hash(path) for path in sorted((root / "reference").glob("*"))
                   if path.is_file() and not path.name.startswith(".")})
    return hashes


def nothing_new(conn, inputs: str, published: Path) -> str | None:
    """The run id of the last completed run, if it computed from exactly these inputs (files,
    contents, code) and its pages are still there; None otherwise."""
    conn.execute("create table if not exists completed_runs (run_id varchar, inputs varchar, completed_at timestamp)")
    last = conn.execute("select run_id, inputs from completed_runs order by completed_at desc limit 1").fetchall()
    if last and last[0][1] == inputs and (published / "index.html").exists():
        return last[0][0]
    return None


@dg.asset(group_name="ingest", kinds={"duckdb"}, deps=[municipalities_table, shelters_table], output_required=False)
def delivery_files(context, duckdb: DuckDBResource, landing: LandingFolder, home: HomeFolder,
                   published: PublishedFolder):
    """Every delivered file: its delivery, sha256, dialect, and whether it is loaded, superseded,
    an unchanged repeat or refused (and why). When nothing (no file, content or code) changed
    since the last completed run, it stops the run here: every later step is skipped and every
    table and page stays as it is."""
    with duckdb.get_connection() as conn:
        list_delivery_files(conn, landing.root())
        counts = dict(conn.execute("select status, count(*) from delivery_files group by all").fetchall())
        hashes = landing_hashes(conn, landing.root())
        inputs = landing_digest({**hashes, "code": code_version()}, by_delivery=False)
        conn.execute("create or replace table run_inputs as select ? as inputs", [inputs])
        unchanged_since = nothing_new(conn, inputs, published.root())
    digest = landing_digest(hashes)
    write_digest_record(home.root(), {"digest": digest, "run_id": context.run_id})
    seen = context.run.tags.get(DIGEST_TAG)
    if seen and seen != digest:
        context.log.warning("The landing folder changed after the sensor's tick: this run read the newer files "
                            f"(digest {digest[:12]}, the tick saw {seen[:12]}).")
    if unchanged_since:
        context.log.info(f"Nothing new since run {unchanged_since}: no delivery, reference file or code changed; "
                         "nothing is recomputed.")
        return
    yield dg.MaterializeResult(metadata={"dagster/row_count": sum(counts.values()), "landing_digest": digest,
                                         **({"read_what_the_tick_saw": seen == digest} if seen else {}),
                                         **{f"files_{status}": n for status, n in sorted(counts.items())}})


# The code a stored row depends on: rows read by another version are read again.
INGEST_CODE = ("assets/ingest.py", "assets/delivery_files.py", "assets/cpr_guard.py", "checks/contract.py",
               "checks/cpr.py")


def prepare_raw_tables(conn, dataset: Dataset) -> None:
    """raw_<dataset> and its companions as kept between runs: created anew when absent or stored
    by other code; then the rows of every content no longer to load (superseded, withdrawn,
    refused, or changed under the same name) are deleted."""
    table = f"raw_{dataset.name}"
    conn.execute("create table if not exists raw_versions (raw_table varchar primary key, version varchar)")
    version = code_version(*INGEST_CODE)
    stored = conn.execute("select version from raw_versions where raw_table = ?", [table]).fetchall()
    if not stored or stored[0][0] != version or not table_exists(conn, f"{table}_contents"):
        contract = ", ".join(f"null::varchar as {quote_identifier(c)}" for c in dataset.column_names)
        conn.execute(f"create or replace table {table} as select null::varchar as source_file, null::bigint as line, "
                     f"{contract}, null::json as extra_columns limit 0")
        conn.execute(f"create or replace table {table}_rejects as select null::varchar as source_file, "
                     "null::bigint as line, null::varchar as error_type limit 0")
        conn.execute(f"create or replace table {table}_refusals as select null::varchar as source_file, "
                     "null::varchar as reason limit 0")
        conn.execute(f"create or replace table {table}_contents (source_file varchar, sha256 varchar)")
        conn.execute("insert or replace into raw_versions values (?, ?)", [table, version])
        return
    conn.execute(f"""create or replace temp table stale as
                     select source_file from {table}_contents c
                     anti join delivery_files f on f.source_file = c.source_file and f.sha256 = c.sha256
                                                and f.status = 'load'""")
    for suffix in ("", "_rejects", "_refusals", "_contents"):
        conn.execute(f"delete from {table}{suffix} where source_file in (select source_file from stale)")
    conn.execute("drop table stale")


def load_raw(conn, dataset: Dataset) -> int:
    """raw_<dataset> (rows), raw_<dataset>_rejects (lines DuckDB could not split) and
    raw_<dataset>_refusals (files DuckDB could not read at all: where, never what), kept between
    runs: only contents not stored yet are read. Returns how many files were read."""
    table = f"raw_{dataset.name}"
    prepare_raw_tables(conn, dataset)
    conn.execute(f"""create or replace temp table to_read as
                     select f.source_file, f.sha256, f.path, f.encoding, f.delimiter, f.header from delivery_files f
                     anti join {table}_contents c using (source_file, sha256)
                     where f.dataset = ? and f.status = 'load'""", [dataset.name])
    groups = conn.execute("select encoding, delimiter, header, list(path order by path) from to_read "
                          "group by all order by all").fetchall()
    for encoding, delimiter, header_json, paths in groups:
        header = json.loads(header_json)
        for batch in batches(paths):
            refused = each_file_on_error(batch, lambda some: insert_rows(conn, dataset, encoding, delimiter,
                                                                         header, some))
            for path, reason in refused.items():
                conn.execute(f"insert into {table}_refusals select source_file, ? from delivery_files where path = ?",
                             [reason, path])
            locate_rows(conn, table)
            for temp in ("scan_rejects", "scan_info"):
                conn.execute(f"drop table if exists {temp}")
    conn.execute(f"insert into {table}_contents select source_file, sha256 from to_read")
    read = conn.execute("select count(*) from to_read").fetchall()[0][0]
    conn.execute("drop table to_read")
    return read


def insert_rows(conn, dataset: Dataset, encoding, delimiter, header: list[str], paths: list[str]) -> None:
    """One streaming scan of files of one dialect into raw_<dataset>; DuckDB keeps the lines it
    could not split in `scan_rejects`."""
    # Numbering rows in the scan (`with ordinality`) keeps the insert on one core and doubles its time.
    # DuckDB keeps insertion order (documented for a SELECT from one table or table function, with
    # preserve_insertion_order on), so the rows of a plain scan (no join, which could reorder them)
    # land in scan order with consecutive row ids; locate_rows works the lines out from those ids
    # and checks that each file's rows are contiguous.
    if not conn.execute("select current_setting('preserve_insertion_order')").fetchall()[0][0]:
        raise RuntimeError("DuckDB's preserve_insertion_order is off, so delivered rows could not be numbered by "
                           "their line: turn it back on (the pipeline's connection sets it; DuckDB suggests turning "
                           "it off when memory runs short: raise HFMON_DUCKDB_MEMORY instead)")
    present = set(header)
    columns = ", ".join(quote_identifier(c) if c in present else f"null as {quote_identifier(c)}"
                        for c in dataset.column_names)
    extras = [c for c in header if c and c not in dataset.column_names]
    extra = ("to_json(struct_pack(" + ", ".join(f"{quote_identifier(c)} := {quote_identifier(c)}" for c in extras)
             + "))") if extras else "null::json"
    conn.execute(f"""
        insert into raw_{dataset.name}
        select filename as source_file, null as line, {columns}, {extra}
        from {text_scan(paths, encoding, delimiter, header, "filename = true, store_rejects = true, "
                        "rejects_scan = 'scan_info', rejects_table = 'scan_rejects'")}
    """)


def locate_rows(conn, table: str) -> None:
    """For the rows just inserted into `table` (line still null, source_file still the scanned
    path) and the lines DuckDB rejected: their file as delivery_files names it, and their line as a
    text editor shows it. Most files have no blank line and no quoted newline: there the k-th row
    stored sits on line k + 2 + (rejected lines before it). Files where the lines do not add up
    are numbered from `editor_lines`."""
    conn.execute(f"""create or replace temp table rejected as
                     select path, line, error_type from ({scanned_rejects(conn, 'scan_rejects', 'scan_info')})
                     where path not in (select d.path from delivery_files d join {table}_refusals using (source_file))""")
    conn.execute(f"""
        create or replace temp table first_rows as
        select d.path, d.source_file, coalesce(s.first_row, 0) as first_row, coalesce(s.rows, 0) as rows,
               coalesce(s.contiguous, true) as contiguous,
               d.lines <> coalesce(s.rows, 0) + coalesce(j.rejected, 0) + 1 as irregular
        from delivery_files d
        left join (select source_file as path, min(rowid) as first_row, count(*) as rows,
                          max(rowid) - min(rowid) + 1 = count(*) as contiguous
                   from {table} where line is null group by all) s using (path)
        left join (select path, count(distinct line) as rejected from rejected group by all) j using (path)
        where s.path is not null or j.path is not null
    """)
    if conn.execute("select count(*) from first_rows where not contiguous").fetchall()[0][0]:
        raise RuntimeError(f"{table}: a file's rows were not stored together, so their lines cannot be numbered")
    # Text-editor lines: the k-th row read from a file sits on line k + 1 + shift, shift = j for k in
    # [r_j - j, r_(j+1) - (j+1)), r_j the j-th rejected line of the file (0 before the first).
    conn.execute("""
        create or replace temp table line_shifts as
        select path, shift_at as from_row, lead(shift_at) over (partition by path order by j) as to_row, j as shift
        from (select path, line - j as shift_at, j
              from (select path, line, row_number() over (partition by path order by line) as j
                    from (select distinct path, line from rejected)))
    """)
    irregular_lines(conn)
    conn.execute(f"""update {table} set source_file = f.source_file, line = {table}.rowid - f.first_row
                     from first_rows f where f.path = {table}.source_file and {table}.line is null""")
    conn.execute(f"""update {table} set line = m.line from row_lines m join first_rows f using (path)
                     where f.source_file = {table}.source_file and m.k = {table}.line""")
    conn.execute(f"""update {table} set line = {table}.line + 2 from first_rows f
                     where f.source_file = {table}.source_file and not f.irregular""")
    conn.execute(f"""
        update {table} set line = {table}.line + l.shift
        from line_shifts l join first_rows f using (path)
        where f.source_file = {table}.source_file and not f.irregular and {table}.line - 1 >= l.from_row
          and (l.to_row is null or {table}.line - 1 < l.to_row)
    """)
    conn.execute(f"""
        insert into {table}_rejects
        select distinct f.source_file, coalesce(m.line, r.line), r.error_type
        from rejected r join first_rows f using (path) left join reject_lines m on m.path = r.path and m.duckdb_line = r.line
    """)
    for temp in ("first_rows", "rejected", "line_shifts", "row_lines", "reject_lines"):
        conn.execute(f"drop table if exists {temp}")


def irregular_lines(conn) -> None:
    """Temp tables `row_lines` (path, k, line: the k-th stored row's editor line) and `reject_lines`
    (path, duckdb_line, line) for the files whose lines DuckDB counts differently from an editor."""
    rows, rejects = [], []
    for (path,) in conn.execute("select path from first_rows where irregular").fetchall():
        rejected = {line for (line,) in conn.execute("select line from rejected where path = ?", [path]).fetchall()}
        records = editor_lines(Path(path))
        rejects += [(path, duckdb_line, line) for duckdb_line, line in records if duckdb_line in rejected]
        kept = [line for duckdb_line, line in records[1:] if duckdb_line not in rejected]
        rows += [(path, k, line) for k, line in enumerate(kept)]
    conn.execute("create or replace temp table row_lines (path varchar, k bigint, line bigint)")
    conn.execute("create or replace temp table reject_lines (path varchar, duckdb_line bigint, line bigint)")
    if rows:
        conn.register("row_lines_frame", pd.DataFrame(rows, columns=["path", "k", "line"]))
        conn.execute("insert into row_lines select * from row_lines_frame")
        conn.unregister("row_lines_frame")
    if rejects:
        conn.executemany("insert into reject_lines values (?, ?, ?)", rejects)


def raw_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{dataset.name}", group_name="ingest", kinds={"duckdb"}, deps=[delivery_files],
              description=f"{dataset.name} as delivered ({dataset.description}): text columns, file and line; "
                          "files with a CPR number were refused before and are not stored.")
    def _raw(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            files_read = load_raw(conn, dataset)
            rows, rejects, unreadable = conn.execute(f"""select (select count(*) from raw_{dataset.name}),
                (select count(*) from raw_{dataset.name}_rejects),
                (select count(*) from raw_{dataset.name}_refusals)""").fetchall()[0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, "malformed_lines": rejects,
                                              "files_read_now": files_read, "files_refused_unreadable": unreadable})

    return _raw


raw_tables = [raw_asset(dataset) for dataset in DELIVERED]
