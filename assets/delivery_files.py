"""What a delivered file is, before any row is read: its delivery, its dialect, whether to load it.

Python looks at each file's name, its sha256 and its first bytes (encoding, delimiter, header);
DuckDB reads the rows (`text_scan`). A delivery is (dataset, provider, period) from the file name;
among its files the newest content is loaded, older contents are superseded and repeats of a
content are unchanged.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import re
import stat
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from checks.contract import DELIVERED, Dataset, sql_text
from checks.cpr import cpr_column, looks_like_cpr, redact
from pipelines.resources import table_exists

SNIFF_BYTES = 64 * 1024
FILE_COLUMNS = ["source_file", "path", "dataset", "provider", "period", "period_start", "period_end",
                "encoding", "delimiter", "header", "missing_columns", "extra_columns", "sha256", "bytes",
                "lines", "refusal_reason"]
READ_CHUNK = 1 << 20
# Periods a delivery can name: anything outside is a typo (0000-Q1, 9999-Q4), not a delivery.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Dialect:
    encoding: str               # utf-8 | latin-1 (Danish Excel exports: Windows-1252/Latin-1)
    delimiter: str              # , or ;
    header: list[str]           # column names as delivered, trimmed and lower-cased ('' if unnamed)


@dataclass
class Content:
    """What reading a file once tells: its fingerprint, its lines, its encoding, or why it is unreadable."""
    sha256: str | None = None
    bytes: int | None = None
    lines: int | None = None     # lines as an editor counts them (a last line without a newline counts)
    utf8: bool = True            # the whole text is valid UTF-8 (else it is read as Latin-1)
    problem: str | None = None   # a refusal reason


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


def special_file(path: Path, root: Path) -> str | None:
    """Why `path` is not a regular file inside the landing folder `root` (None if it is). Nothing
    is opened: a FIFO or a device is judged by its mode alone, a link by where it points."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "unreadable: the file cannot be examined (permissions?)"
    if stat.S_ISLNK(mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "not_regular_file: a link that points nowhere; deliver the file itself"
        if not target.is_relative_to(root.resolve()):
            return "not_regular_file: a link that points outside the landing folder; deliver the file itself"
        mode = target.stat().st_mode
    if stat.S_ISDIR(mode):
        return "not_regular_file: a folder where a delivery file was expected"
    if not stat.S_ISREG(mode):
        return "not_regular_file: a special file (a pipe, socket or device), not a delivery; nothing was read"
    return None


def inspect(path: Path) -> Content:
    """Read the file once: sha256 and size of what was delivered; lines and UTF-8 validity of its
    text (a .gz file decompressed, to its end: a truncated one is refused as truncated). hashlib,
    zlib and the UTF-8 decoder release or barely hold the GIL, so files are read in parallel threads."""
    content, digest, utf8 = Content(), hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    newlines, last = 0, b"\n"

    def text(chunk: bytes) -> None:
        nonlocal newlines, last
        newlines += chunk.count(b"\n")
        last = chunk[-1:] or last
        if content.utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                content.utf8 = False

    zipped = path.name.endswith(".gz")
    inflate = zlib.decompressobj(wbits=31)

    def inflated(chunk: bytes) -> None:
        """Decompress in bounded pieces (a small file may inflate to gigabytes), member after member."""
        nonlocal inflate
        while chunk:
            text(inflate.decompress(chunk, READ_CHUNK))
            chunk = inflate.unconsumed_tail
            if inflate.eof and (chunk := inflate.unused_data):
                inflate = zlib.decompressobj(wbits=31)

    try:
        with open(path, "rb") as handle:
            content.bytes = 0
            while chunk := handle.read(READ_CHUNK):
                digest.update(chunk)
                content.bytes += len(chunk)
                if not zipped:
                    text(chunk)
                elif not content.problem:
                    try:
                        inflated(chunk)
                    except zlib.error:
                        content.problem = "not_gzip: the file is named .gz but is not valid gzip; compress it again"
    except OSError:
        return Content(problem="unreadable: the file cannot be opened (permissions?)")
    content.sha256 = digest.hexdigest()
    if zipped and not content.problem and not inflate.eof:
        content.problem = ("truncated: the gzip file ends before its end-of-stream marker (an interrupted copy?); "
                           "deliver the whole file again")
    if content.utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            content.utf8 = False
    content.lines = newlines + (last != b"\n")
    return content


def sniff(path: Path, utf8: bool = True) -> Dialect | str:
    """The file's dialect from its first line, or why it cannot be read as a CSV delivery. The
    encoding is judged on the whole file (`utf8`, from `inspect`), not on the first bytes."""
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
    encoding = "utf-8" if utf8 else "latin-1"
    text = head.decode("utf-8-sig" if utf8 else "latin-1", errors="replace")
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip().strip('"').strip().lower() for name in first.split(delimiter)]
    while len(header) > 1 and header[-1] == "":
        header.pop()           # Excel's trailing delimiter: the unnamed last columns are read, not kept
    trailing = len(first.split(delimiter)) - len(header)
    if len(header) < 2:
        return "not_csv: the header line has a single column (expected comma- or semicolon-separated names)"
    return Dialect(encoding=encoding, delimiter=delimiter, header=header + [""] * trailing)


def scan_names(header: list[str]) -> list[str]:
    """The names a scan gives the columns: as delivered, and `unnamed_<n>` for an unnamed last one."""
    return [name or f"unnamed_{position}" for position, name in enumerate(header, start=1)]


def refusal_rule(reason: str) -> tuple[str, str]:
    """'not_csv: the file is empty' -> ('not_csv', 'the file is empty'): every refusal names its rule."""
    rule, _, message = reason.partition(": ")
    return rule, message


def header_problem(header: list[str], dataset: Dataset) -> str | None:
    named = [name for name in header if name]
    if column := cpr_column(header):
        return (f"cpr_number: a value that looks like a CPR number is in line 1, column {column}: the whole file "
                "is refused and nothing from it is kept. Replace CPR numbers by the person_key pseudonym and "
                "deliver again.")
    if "" in header[: len(named)]:
        column = header.index("") + 1
        return f"header_format: column {column} of the header line has no name; name it or remove the column"
    missing = [c.name for c in dataset.columns if c.required and c.name not in header]
    if missing:
        return f"missing_columns: the header lacks required column(s) {', '.join(missing)}"
    if len(set(named)) < len(named):
        return "duplicate_column: the header names a column twice"
    return None


def describe(path: Path, source_file: str, dataset: Dataset, root: Path | None = None) -> dict:
    """One row of delivery_files: the delivery a file belongs to, its content's fingerprint, its
    dialect, or why it is refused. A name that looks like a CPR number is stored redacted."""
    record = dict.fromkeys(FILE_COLUMNS)
    record.update(source_file=source_file, path=str(path.absolute()), dataset=dataset.name)
    if looks_like_cpr(path.name):
        record.update(source_file=redact(source_file), path=redact(str(path.absolute())),
                      refusal_reason="cpr_number: the file name holds a number that looks like a CPR number "
                                     "(shown as #); the file is refused unread. Rename it and deliver again.")
        return record
    if problem := special_file(path, root or path.parent):
        record["refusal_reason"] = problem
        return record
    record["path"] = str(path.resolve())
    match = re.match(dataset.file_pattern, path.name)
    if not match:
        record["refusal_reason"] = (f"file_name: the name does not follow the contract for {dataset.name} "
                                    f"(expected a name like {dataset.example})")
        return record
    provider, period = match.group("provider"), match.group("period")
    if not FIRST_YEAR <= int(period[:4]) <= LAST_YEAR:
        record["refusal_reason"] = (f"file_name: the period in the name must be a year from {FIRST_YEAR} to "
                                    f"{LAST_YEAR} (expected a name like {dataset.example})")
        return record
    if dataset.name == "interventions":
        provider = str(int(provider))  # 0101 = 101
    record.update(provider=provider, period=period)
    record["period_start"], record["period_end"] = period_bounds(period)
    content = inspect(path)
    record.update(sha256=content.sha256, bytes=content.bytes, lines=content.lines)
    if content.problem:
        record["refusal_reason"] = content.problem
        return record
    dialect = sniff(path, content.utf8)
    if isinstance(dialect, str):
        record["refusal_reason"] = dialect
        return record
    if problem := header_problem(dialect.header, dataset):
        record["refusal_reason"] = problem
        if not problem.startswith("cpr_number"):
            record["missing_columns"] = [c for c in dataset.column_names if c not in dialect.header]
        return record
    record.update(encoding=dialect.encoding, delimiter=dialect.delimiter, header=dialect.header,
                  missing_columns=[c for c in dataset.column_names if c not in dialect.header],
                  extra_columns=[c for c in dialect.header if c and c not in dataset.column_names])
    return record


# A file is read again only when it changed: its device, inode, size, and modification and change
# times are those of the run that described it (the change time moves on every write, and no
# program can set it back). Reading every file to its end for its sha256 was the fixed cost of
# every run: 1.3 s at 10x, 2.7 s at 100x.
RECENT_NS = 2_000_000_000


def file_state(path: Path) -> str | None:
    """A regular file's identity and last change; None for anything else, and for a file changed in
    the last two seconds: a write in the clock tick of our read could leave its times as they were
    (git treats such "racy" files the same way), so it is read again next run."""
    try:
        found = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode) or time.time_ns() - max(found.st_mtime_ns, found.st_ctime_ns) < RECENT_NS:
        return None
    return f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}"


def recalled_descriptions(conn, version: str) -> dict[tuple[str, str], dict]:
    """(path, file state) -> the row `describe` gave the file in the last run, by the same code."""
    if not table_exists(conn, "described_files"):
        return {}
    recalled = {}
    for path, state, record in conn.execute("select path, state, record from described_files where version = ?",
                                            [version]).fetchall():
        row = json.loads(record)
        for column in ("period_start", "period_end"):
            row[column] = date.fromisoformat(row[column]) if row[column] else None
        recalled[(path, state)] = row
    return recalled


def editor_lines(path: Path) -> list[tuple[int, int]]:
    """(DuckDB's line, the editor's line) of every record of a CSV file, the header first. DuckDB
    skips blank lines but counts them, and counts a record with quoted newlines as one line; an
    editor counts every line. Read only for the rare file where the two differ."""
    records, in_quotes, duckdb_line = [], False, 0
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not in_quotes:
                duckdb_line += 1
                if line.strip(b"\r\n"):
                    records.append((duckdb_line, line_no))
            if line.count(b'"') % 2:
                in_quotes = not in_quotes
    return records


def scanned_rejects(conn, rejects_table: str, scan_table: str) -> str:
    """SELECT of (path, line, error_type, csv_line) for the lines DuckDB could not split in the scans
    that stored their rejects under these names (no such table: nothing was rejected)."""
    if not table_exists(conn, rejects_table):
        return "select null::varchar as path, null::bigint as line, null::varchar as error_type, " \
               "null::varchar as csv_line limit 0"
    return (f"select s.file_path as path, r.line, r.error_type::varchar as error_type, r.csv_line "
            f"from {rejects_table} r join {scan_table} s using (scan_id, file_id)")


def text_scan(paths: list[str], encoding: str, delimiter: str, header: list[str], options: str = "",
              numbered: bool = False) -> str:
    """read_csv of files of one dialect, every column as text; `numbered` adds `ordinality`, the
    row's position in the scan (from 1)."""
    listing = "[" + ", ".join(sql_text(p) for p in paths) + "]"
    spec = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in scan_names(header)) + "}"
    return (f"read_csv({listing}, header = true, auto_detect = false, delim = {sql_text(delimiter)}, "
            f"encoding = '{encoding}', quote = '\"', escape = '\"', columns = {spec}{', ' + options if options else ''})"
            + (" with ordinality" if numbered else ""))


# What the landing folder delivers, as one digest: the sensor compares it between ticks, the run
# records the one it read (so a sensor switched on later knows what was processed).
DIGEST_TAG = "hfmon/landing_digest"
DIGEST_RECORD = "landing_read.json"


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def delivery_key(relative: str) -> str:
    """'shelter_stays/S017_2024-Q3_rettet.csv' -> 'shelter_stays/S017/2024-Q3': a renamed copy of a
    delivery is the same delivery. Reference files and names off the contract keep their path."""
    folder, _, name = relative.partition("/")
    for dataset in DELIVERED:
        if dataset.name == folder and (match := re.match(dataset.file_pattern, name)):
            provider = match.group("provider")
            provider = str(int(provider)) if dataset.name == "interventions" else provider
            return f"{folder}/{provider}/{match.group('period')}"
    return relative


def landing_digest(hashes: dict[str, str], by_delivery: bool = True) -> str:
    """sha256 over every (delivery or reference file, content sha256) of a landing folder; with
    `by_delivery` false, over file names, so a renamed copy counts as a change (provenance)."""
    lines = sorted(f"{delivery_key(name) if by_delivery else name}:{sha}" for name, sha in hashes.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def read_digest_record(home: Path) -> dict:
    try:
        return json.loads((home / DIGEST_RECORD).read_text())
    except (OSError, ValueError):
        return {}


def write_digest_record(home: Path, record: dict) -> None:
    home.mkdir(parents=True, exist_ok=True)
    temporary = home / (DIGEST_RECORD + ".tmp")
    temporary.write_text(json.dumps(record))
    temporary.replace(home / DIGEST_RECORD)
