"""The CPR guard (data contract): a value that looks like a Danish CPR number, `DDMMYY-XXXX` or ten
digits whose first six form a valid date, refuses the file it is in. Written once for Python (file
names, header names) and once for DuckDB (every value of every row), from the same rule:

- a 64-character hexadecimal run is a pseudonym (`person_key`), so digits inside it never count;
- otherwise ten digits, or six and four joined by a hyphen, count wherever they stand, next to
  letters too (`cpr0808998888`), as long as they are not part of a longer run of digits.
A finding is reported by file, line and column, never by its value.
"""

from __future__ import annotations

import re
from datetime import datetime

PSEUDONYM = re.compile(r"[0-9a-fA-F]{64}")
CANDIDATE = re.compile(r"(?<![0-9])([0-9]{6})-?[0-9]{4}(?![0-9])")


def valid_ddmmyy(digits: str) -> bool:
    try:
        datetime.strptime(digits, "%d%m%y")
    except ValueError:
        return False
    return True


def looks_like_cpr(text: str) -> bool:
    return any(valid_ddmmyy(m.group(1)) for m in CANDIDATE.finditer(PSEUDONYM.sub(" ", text)))


def cpr_column(names: list[str]) -> int | None:
    """The position (from 1) of the first header name that looks like a CPR number."""
    return next((position for position, name in enumerate(names, start=1) if looks_like_cpr(name)), None)


def redact(text: str) -> str:
    """The text with every CPR-like run replaced by #: a refused file's name can still be shown."""
    masked = PSEUDONYM.sub(lambda m: "\0" * 64, text)
    spans = [m.span() for m in CANDIDATE.finditer(masked) if valid_ddmmyy(m.group(1))]
    out = list(text)
    for start, end in spans:
        out[start:end] = "#" * (end - start)
    return "".join(out)


# DuckDB's RE2 has no look-around: every non-digit is padded with spaces first, so a boundary
# consumed by one candidate is still there for the next one ("9999999999-0101901234"). The cheap
# regexp_matches runs first, so only rows with a run of ten digits pay for the rest.
CPR_MACRO = r"""
create or replace temp macro looks_like_cpr(v) as
    regexp_matches(v, '[0-9]{6}-?[0-9]{4}')
    and coalesce(list_bool_or(list_transform(
        regexp_extract_all(
            regexp_replace(regexp_replace(v, '[0-9a-fA-F]{64}', ' ', 'g'), '([^0-9])', ' \1 ', 'g'),
            '(?:^|[^0-9])([0-9]{6})(?: - )?[0-9]{4}(?:[^0-9]|$)', 1),
        c -> try_strptime(c, '%d%m%y') is not null)), false)
"""
