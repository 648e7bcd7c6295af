"""Realistic faulty deliveries, so a run on the sample data shows validation at work.

- a Danish Excel export: Latin-1, semicolons, DD-MM-YYYY and DD.MM.YYYY dates, capitalised
  header, municipality codes with a leading zero, CRLF lines and an extra free-text column
  (every row is valid; the extra column is a warning);
- a file with a few bad rows (an impossible date, an unknown destination, an exit before entry);
- a delivery sent twice: the first file has errors, the corrected resubmission (_rettet) wins;
- a gzip-compressed delivery.
Files are chosen deterministically among the larger shelter deliveries.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

NOTES = ["Indskrevet via kommunen", "Ophold forlænget", "Bemærkning: følges af støttekontaktperson", ""]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def danish_excel_export(path: Path) -> None:
    frame = read(path)
    for column in ("entry_date", "exit_date"):
        frame[column] = frame[column].map(lambda v: f"{v[8:10]}-{v[5:7]}-{v[0:4]}" if v else "")
    frame["action_plan_date"] = frame["action_plan_date"].map(lambda v: f"{v[8:10]}.{v[5:7]}.{v[0:4]}" if v else "")
    frame["municipality_code"] = frame["municipality_code"].str.zfill(4)
    frame["Bemærkning"] = [NOTES[i % len(NOTES)] for i in range(len(frame))]
    frame.columns = [c if c == "Bemærkning" else c.upper() for c in frame.columns]
    frame.to_csv(path, sep=";", index=False, encoding="latin-1", lineterminator="\r\n")


def a_few_bad_rows(path: Path) -> None:
    frame = read(path)
    frame.loc[1, "entry_date"] = frame.loc[1, "entry_date"][:5] + "13-45"          # not a date
    closed = frame.index[frame["exit_date"] != ""]
    frame.loc[closed[0], "exit_destination"] = "hotel"                             # not a destination code
    frame.loc[closed[-1], "exit_date"] = "2000-01-01"                              # exit before entry
    frame.to_csv(path, index=False)


def corrected_resubmission(path: Path) -> None:
    frame = read(path)
    frame.to_csv(path.with_name(path.name.replace(".csv", "_rettet.csv")), index=False)
    frame.loc[0, "municipality_code"] = "999"                                     # no such municipality
    frame.loc[2, "person_key"] = ""                                                # missing pseudonym
    frame.to_csv(path, index=False)


def compressed(path: Path) -> None:
    with open(path, "rb") as source, gzip.GzipFile(path.with_suffix(".csv.gz"), "wb", mtime=0) as target:
        target.write(source.read())
    path.unlink()


def add_faulty_deliveries(out: Path, rng) -> None:
    files = sorted((out / "shelter_stays").glob("*.csv"))
    sizes = sorted(((p.stat().st_size, p.name) for p in files), reverse=True)
    large = sorted(name for _, name in sizes[: max(4, len(sizes) // 10)])
    picks = rng.choice(len(large), size=4, replace=False)
    chosen = [out / "shelter_stays" / large[i] for i in picks]
    for fault, path in zip((danish_excel_export, a_few_bad_rows, corrected_resubmission, compressed), chosen):
        fault(path)
