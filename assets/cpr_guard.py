"""The CPR guard over every delivered row, before anything of a file is kept or supersedes another.

Every file that passed the file-level rules is scanned once (by dialect, in batches so memory stays
bounded however many files there are); a file with a value that looks like a CPR number anywhere,
in a row or in a line DuckDB could not split, is refused with its line and column, never the value.
Refusing here, before resubmissions are ordered, means a refused file never supersedes a good one.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from assets.delivery_files import editor_lines, scan_names, scanned_rejects, text_scan
from checks.contract import DELIVERED, quote_identifier, sql_text
from checks.cpr import CPR_MACRO

BATCH_FILES = 500          # files per scan: 20,000 tiny files in one scan exhaust DuckDB's memory
CPR_REFUSAL = ("cpr_number: a value that looks like a CPR number is in line {line}, column {column}: the whole file "
               "is refused and nothing from it is kept. Replace CPR numbers by the person_key pseudonym and deliver "
               "again.")
UNREADABLE = ("unreadable: DuckDB could not read the file as CSV ({error}); check its quoting, delimiter and "
              "encoding, or run hfmon validate on it")


def batches(items: list, size: int = BATCH_FILES):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def each_file_on_error(paths: list[str], scan) -> dict[str, str]:
    """Run `scan(paths)`; if DuckDB cannot read the batch, run it file by file so one broken file is
    refused (path -> reason) instead of stopping every other file's delivery."""
    try:
        scan(paths)
        return {}
    except (duckdb.OutOfMemoryException, duckdb.IOException):
        raise
    except duckdb.Error:
        if len(paths) == 1:
            raise
    refused = {}
    for path in paths:
        try:
            scan([path])
        except (duckdb.OutOfMemoryException, duckdb.IOException):
            raise
        except duckdb.Error as error:
            refused[path] = UNREADABLE.format(error=type(error).__name__)
    return refused


def refuse_files_with_cpr(conn, files: str, version: str) -> None:
    """Set `refusal_reason` in the table `files` (described deliveries) for every file with a CPR
    number in its rows. A content is scanned once: its verdict (clean, or the refusal) is kept in
    `cpr_verdicts` by sha256 and the guard's code `version`, so a later run reads only new contents."""
    conn.execute(CPR_MACRO)
    conn.execute("create table if not exists cpr_verdicts (sha256 varchar, version varchar, reason varchar)")
    conn.execute("delete from cpr_verdicts where version <> ?", [version])
    conn.execute(f"""create or replace temp table cpr_unjudged as
                     select * from {files} f
                     where refusal_reason is null and dataset in ({", ".join(sql_text(d.name) for d in DELIVERED)})
                       and not exists (select 1 from cpr_verdicts v where v.sha256 = f.sha256)""")
    groups = conn.execute("""select encoding, delimiter, header, list(path order by path) from cpr_unjudged
                             group by all order by all""").fetchall()
    reasons: dict[str, str] = {}
    for encoding, delimiter, header_json, paths in groups:
        header = json.loads(header_json)
        for batch in batches(paths):
            conn.execute("create or replace temp table cpr_rows (path varchar)")
            reasons |= each_file_on_error(batch, lambda some: scan_for_cpr(conn, encoding, delimiter, header, some))
            conn.execute(f"""create or replace temp table cpr_rejected as
                             select path, line, looks_like_cpr(csv_line) as cpr
                             from ({scanned_rejects(conn, 'cpr_scan_rejects', 'cpr_scan_info')})""")
            for path, (line, column) in locate_cpr(conn, encoding, delimiter, header).items():
                reasons[path] = CPR_REFUSAL.format(line=line, column=column)
            for temp in ("cpr_rows", "cpr_rejected", "cpr_scan_rejects", "cpr_scan_info"):
                conn.execute(f"drop table if exists {temp}")
    if reasons:
        conn.executemany("update cpr_unjudged set refusal_reason = ? where path = ?",
                         [(reason, path) for path, reason in reasons.items()])
    conn.execute("insert into cpr_verdicts select distinct sha256, ?, refusal_reason from cpr_unjudged", [version])
    conn.execute(f"""update {files} f set refusal_reason = v.reason from cpr_verdicts v
                     where v.sha256 = f.sha256 and f.refusal_reason is null and v.reason is not null
                       and f.dataset in ({", ".join(sql_text(d.name) for d in DELIVERED)})""")
    conn.execute("drop table cpr_unjudged")


def scan_for_cpr(conn, encoding, delimiter, header, paths) -> None:
    """Adds to `cpr_rows` the files with a CPR number in a row; DuckDB keeps the lines it could not
    split in `cpr_scan_rejects`, which the guard then reads as text."""
    row_text = "concat_ws(chr(31), " + ", ".join(quote_identifier(c) for c in scan_names(header)) + ")"
    conn.execute(f"""
        insert into cpr_rows
        select distinct filename as path
        from {text_scan(paths, encoding, delimiter, header, "filename = true, store_rejects = true, "
                        "rejects_scan = 'cpr_scan_info', rejects_table = 'cpr_scan_rejects'")}
        where looks_like_cpr({row_text})
    """)


def locate_cpr(conn, encoding, delimiter, header) -> dict[str, tuple[int, str]]:
    """path -> (editor line, column) of the first CPR finding of each file found by the last scan
    (rare: only such a file is read again, numbered)."""
    names = scan_names(header)
    first_column = "case " + " ".join(f"when looks_like_cpr({quote_identifier(c)}) then {sql_text(c)}"
                                      for c in names) + " end"
    found = {}
    paths = {p for (p,) in conn.execute("select path from cpr_rows union select path from cpr_rejected where cpr")
             .fetchall()}
    for path in sorted(paths):
        records = editor_lines(Path(path))
        rejected = {line for (line,) in conn.execute("select line from cpr_rejected where path = ?", [path]).fetchall()}
        to_editor = dict(records)
        data_lines = [editor for duckdb_line, editor in records[1:] if duckdb_line not in rejected]
        hits = [(to_editor.get(line, line), "-") for (line,) in conn.execute(
            "select min(line) from cpr_rejected where path = ? and cpr having count(*) > 0", [path]).fetchall()]
        row = conn.execute(f"""select ordinality, {first_column} from {text_scan([path], encoding, delimiter, header,
                                                                                   "ignore_errors = true", numbered=True)}
                               where {first_column} is not null order by ordinality limit 1""").fetchall()
        if row:
            ordinal, column = row[0]
            hits.append((data_lines[ordinal - 1] if ordinal <= len(data_lines) else ordinal + 1, column))
        found[path] = min(hits)
    return found
