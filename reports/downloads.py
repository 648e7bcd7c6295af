"""Published files are written whole and are safe to open.

- Atomic: each file is written under a temporary name in its folder and renamed over the old one,
  so a reader (or a kill at any moment) sees the old file or the new one, never a torn one.
- Spreadsheet-safe: a text cell that starts with =, +, -, @ (or a tab or carriage return) and is not
  a plain number would be a formula in Excel or LibreOffice; it is written with a leading
  apostrophe, which they show as text.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from checks.contract import quote_identifier, sql_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def replaced_atomically(path: Path):
    """Yields a temporary path beside `path`; on success it replaces `path` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_text(path: Path, text: str) -> Path:
    with replaced_atomically(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def spreadsheet_safe(conn, query: str, parameters: list | None = None) -> str:
    """`query` with every text cell that a spreadsheet would take for a formula made text."""
    columns = conn.execute(f"describe ({query})", parameters or []).fetchall()
    starts = ", ".join(sql_text(s) for s in FORMULA_STARTS)
    select = ", ".join(
        f"case when left({quote_identifier(name)}, 1) in ({starts}) "
        f"and try_cast(replace({quote_identifier(name)}, ',', '.') as double) "
        f"is null then '''' || {quote_identifier(name)} "
        f"else {quote_identifier(name)} end as {quote_identifier(name)}" if kind == "VARCHAR"
        else quote_identifier(name) for name, kind, *_ in columns)
    return f"select {select} from ({query})"


def copy_csv(conn, query: str, path: Path, parameters: list | None = None, options: str = "header",
             excel: bool = False) -> Path:
    """COPY the rows of an already spreadsheet-safe `query` to `path`, atomically; `excel` writes
    it for Danish Excel: semicolons and a UTF-8 byte order mark (decimal commas are the query's to
    write)."""
    if excel:
        options += ", delimiter ';'"
    with replaced_atomically(path) as temporary:
        conn.execute(f"copy ({query}) to {sql_text(str(temporary))} ({options})", parameters or [])
        if excel:
            temporary.write_bytes(b"\xef\xbb\xbf" + temporary.read_bytes())
    return path


def write_csv(conn, query: str, path: Path, parameters: list | None = None, options: str = "header",
              excel: bool = False) -> Path:
    """The rows of `query` as a spreadsheet-safe CSV file at `path` (see `copy_csv`)."""
    return copy_csv(conn, spreadsheet_safe(conn, query, parameters), path, parameters, options, excel)
