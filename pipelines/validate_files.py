"""`hfmon validate`: a provider's files against the data contract, through the pipeline's own code,
in an in-memory DuckDB (nothing is loaded or kept). One line per problem: file:line:column rule message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from assets.delivery_files import describe, refusal_rule
from assets.ingest import load_raw, register_files
from assets.reference import load_reference, reference_problems
from assets.mission import register_known_indicators
from assets.problems import find_problems
from checks.contract import DELIVERED, MUNICIPALITIES, REFERENCE, SHELTERS, TARGETS
from pipelines.synthetic.geography import MUNICIPALITIES_CSV

DATASETS = {d.name: d for d in DELIVERED}
REFERENCE_FILES = {d.name: d for d in (*REFERENCE, TARGETS)}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    rule: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} {self.rule} {'(warning) ' if self.warning else ''}{self.message}"


def infer_dataset(path: Path) -> str | None:
    if path.name in {f"{name}.csv" for name in REFERENCE_FILES}:
        return path.name.removesuffix(".csv")
    if path.parent.name in DATASETS:
        return path.parent.name
    matches = [name for name, d in DATASETS.items() if re.match(d.file_pattern, path.name)]
    return matches[0] if len(matches) == 1 else None


def load_references(conn, paths: list[Path]) -> None:
    """The landing folder's reference tables when the files sit in one, else the 98 municipalities
    (shelter checks then need reference/shelters.csv and are skipped)."""
    folders = {p.resolve().parent.parent / "reference" for p in paths}
    folder = next((f for f in folders if (f / "municipalities.csv").exists()), None)
    load_reference(conn, MUNICIPALITIES, folder / "municipalities.csv" if folder else MUNICIPALITIES_CSV)
    if folder and (folder / "shelters.csv").exists():
        load_reference(conn, SHELTERS, folder / "shelters.csv")
    else:
        conn.execute("""create table shelters (shelter_id varchar, name varchar, municipality_code integer,
                        beds integer, target_group varchar, opened date, closed date)""")


@dataclass
class Report:
    problems: list[Problem]
    accounts: dict[str, tuple[int, int, int]]     # file -> (rows read, valid, quarantined)

    @property
    def rejected(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


ACCOUNTS_SQL = " union all ".join(f"""
    select d.source_file,
           (select count(*) from raw_{d.name} r where r.source_file = d.source_file)
           + (select count(distinct line) from raw_{d.name}_rejects j where j.source_file = d.source_file) as rows_read,
           (select count(*) from raw_{d.name} r where r.source_file = d.source_file
              and not exists (select 1 from quarantine q where q.source_file = r.source_file and q.line = r.line))
               as rows_valid,
           (select count(distinct line) from quarantine q where q.source_file = d.source_file) as rows_quarantined
    from delivery_files d where d.dataset = '{d.name}'""" for d in DELIVERED)


def validate_reference(path: Path, name: str) -> list[Problem]:
    """A reference file (municipalities, population, shelters, the rates or targets) against its
    contract, every problem listed (the run stops at any), read beside the folder's other reference files."""
    with duckdb.connect() as conn:
        try:
            if name != MUNICIPALITIES.name:
                load_references(conn, [path.parent / f"{name}.csv"])
            register_known_indicators(conn)
            found = reference_problems(conn, REFERENCE_FILES[name], path)
        except dg.Failure as failure:
            return [Problem(str(path), 1, "-", "reference", failure.description)]
    return [Problem(str(path), line, column, rule, message) for line, column, rule, message in found]


def validate_files(paths: list[Path], dataset: str | None = None) -> Report:
    problems, records = [], []
    for path in paths:
        name = dataset or infer_dataset(path)
        if name in REFERENCE_FILES and path.is_file():
            problems += validate_reference(path, name)
            continue
        if not path.is_file():
            problems.append(Problem(str(path), 1, "-", "unreadable", "no such file"))
        elif name not in DATASETS:
            problems.append(Problem(str(path), 1, "-", "unknown_dataset",
                                    "cannot tell the dataset from the path; give --dataset "
                                    + "|".join([*DATASETS, *REFERENCE_FILES])))
        else:
            records.append(describe(path, str(path), DATASETS[name]))
    if not records:
        return Report(problems, {})
    with duckdb.connect() as conn:
        try:
            load_references(conn, [Path(r["path"]) for r in records])
        except dg.Failure as failure:
            return Report(problems + [Problem("reference", 1, "-", "reference", failure.description)], {})
        register_files(conn, records)
        for d in DELIVERED:
            load_raw(conn, d)
        find_problems(conn)
        refused = conn.execute(f"""
            select source_file, reason from ({" union all ".join(f"select * from raw_{d.name}_refusals" for d in DELIVERED)})
            union all select source_file, refusal_reason from delivery_files where status = 'refused'
        """).fetchall()
        for source_file, reason in refused:
            rule, message = refusal_rule(reason)
            at = re.search(r"line (\d+), column (\S+?):", message)
            problems.append(Problem(source_file, int(at.group(1)) if at else 1, at.group(2) if at else "-",
                                    rule, message))
        problems += [Problem(*row) for row in conn.execute(
            "select source_file, line, coalesce(column_name, '-'), rule, message from quarantine "
            "order by source_file, line, column_name").fetchall()]
        for source_file, extras in conn.execute("""select source_file, extra_columns from delivery_files
                                                   where json_array_length(extra_columns) > 0""").fetchall():
            problems.append(Problem(source_file, 1, "-", "extra_columns",
                                    f"column(s) {extras} are not in the contract: kept, not used", warning=True))
        accounts = {row[0]: tuple(row[1:]) for row in conn.execute(ACCOUNTS_SQL).fetchall()}
    return Report(problems, accounts)
