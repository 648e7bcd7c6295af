"""What a delivered file is, before any row is read: its delivery, its dialect, whether to load it.

Python looks at each file's name, its sha256 and its first bytes (encoding, delimiter, header);
DuckDB reads the rows (`text_scan`). A delivery is (dataset, provider, period) from the file name;
among its files the newest content is loaded, older contents are superseded and repeats of a
content are unchanged.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checks.contract import Dataset, sql_text

SNIFF_BYTES = 64 * 1024
FILE_COLUMNS = ["source_file", "path", "dataset", "provider", "period", "period_start", "period_end",
                "encoding", "delimiter", "header", "missing_columns", "extra_columns", "sha256", "bytes",
                "refusal_reason"]
HASH_CHUNK = 1 << 20


@dataclass
class Dialect:
    encoding: str               # utf-8 | latin-1 (Danish Excel exports: Windows-1252/Latin-1)
    delimiter: str              # , or ;
    header: list[str]           # column names as delivered, trimmed and lower-cased


def period_bounds(period: str) -> tuple[date, date]:
    """2024 → the year; 2024-Q3 → the quarter; 2024-07 → the month."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    if period[5] == "Q":
        first_month, months = 3 * (int(period[6]) - 1) + 1, 3
    else:
        first_month, months = int(period[5:7]), 1
    start = date(year, first_month, 1)
    after = date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, date.fromordinal(after.toordinal() - 1)


def sniff(path: Path) -> Dialect | str:
    """The file's dialect from its first bytes, or why it cannot be read as a CSV delivery."""
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except (OSError, EOFError):
        return "unreadable: the file cannot be opened (or is not valid gzip)"
    if not head.strip():
        return "not_csv: the file is empty (a delivery needs at least its header line)"
    if b"\x00" in head:
        return "not_csv: the file holds binary data (e.g. an Excel workbook); export it as CSV"
    complete = head if len(head) < SNIFF_BYTES else head[: head.rfind(b"\n") + 1] or head
    try:
        text, encoding = complete.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = complete.decode("latin-1"), "latin-1"
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip().strip('"').strip().lower() for name in first.split(delimiter)]
    if len(header) < 2:
        return "not_csv: the header line has a single column (expected comma- or semicolon-separated names)"
    return Dialect(encoding=encoding, delimiter=delimiter, header=header)


def refusal_rule(reason: str) -> tuple[str, str]:
    """'not_csv: the file is empty' -> ('not_csv', 'the file is empty'): every refusal names its rule."""
    rule, _, message = reason.partition(": ")
    return rule, message


def fingerprint(path: Path) -> tuple[str | None, int | None]:
    """The file's sha256 and size (None if it cannot be read). hashlib releases the GIL, so files
    hash in parallel threads: 10x faster than DuckDB's sha256 over read_blob."""
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return None, None
    return digest.hexdigest(), size


def describe(path: Path, source_file: str, dataset: Dataset) -> dict:
    """One row of delivery_files: the delivery a file belongs to, its content's fingerprint, its
    dialect, or why it is refused."""
    record = dict.fromkeys(FILE_COLUMNS)
    record.update(source_file=source_file, path=str(path.resolve()), dataset=dataset.name)
    record["sha256"], record["bytes"] = fingerprint(path)
    match = re.match(dataset.file_pattern, path.name)
    if not match:
        record["refusal_reason"] = (f"file_name: the name does not follow the contract for {dataset.name} "
                                    f"(expected a name like {dataset.example})")
        return record
    provider, period = match.group("provider"), match.group("period")
    if dataset.name == "interventions":
        provider = str(int(provider))  # 0101 = 101
    record.update(provider=provider, period=period)
    record["period_start"], record["period_end"] = period_bounds(period)
    dialect = sniff(path)
    if isinstance(dialect, str):
        record["refusal_reason"] = dialect
        return record
    required = [c.name for c in dataset.columns if c.required]
    missing = [c for c in dataset.column_names if c not in dialect.header]
    record.update(encoding=dialect.encoding, delimiter=dialect.delimiter, header=dialect.header,
                  missing_columns=missing, extra_columns=[c for c in dialect.header if c not in dataset.column_names])
    if missing_required := [c for c in missing if c in required]:
        record["refusal_reason"] = f"missing_columns: the header lacks required column(s) {', '.join(missing_required)}"
    elif len(set(dialect.header)) < len(dialect.header):
        record["refusal_reason"] = "duplicate_column: the header names a column twice"
    return record


def text_scan(paths: list[str], encoding: str, delimiter: str, header: list[str], options: str = "",
              numbered: bool = False) -> str:
    """read_csv of files of one dialect, every column as text; `numbered` adds `ordinality`, the
    row's position in the scan (from 1)."""
    listing = "[" + ", ".join(sql_text(p) for p in paths) + "]"
    spec = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in header) + "}"
    return (f"read_csv({listing}, header = true, auto_detect = false, delim = {sql_text(delimiter)}, "
            f"encoding = '{encoding}', quote = '\"', escape = '\"', columns = {spec}{', ' + options if options else ''})"
            + (" with ordinality" if numbered else ""))
