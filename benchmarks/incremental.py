"""Incremental runs against a full run: the same landing folder with its last quarter held back is
run from scratch, then the quarter arrives (about 1/24 of the files) and the pipeline runs again,
then once more with nothing new. The figures after the quarter's run must equal those of the full
run from scratch (EXCEPT both ways, `differences`). Files are hard links, so nothing is copied.

Last, one row of the quarter is corrected and the pipeline runs again: the least any run with
something new costs (its start, every step, GX, the 109 pages), against which the quarter's run is
measured too.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import duckdb

# Tables whose rows a run from scratch and an incremental run must share. The incremental warehouse
# also remembers a content a correction replaced ('superseded' rows from delivery_history), which a
# warehouse made from scratch never saw, so those rows are left out of `deliveries`.
COMPARED = {"indicators": "* exclude (run_id) from {schema}.indicators",
            "indicators_published": "* from {schema}.indicators_published",
            "quarantine": "* from {schema}.quarantine", "shelter_stays": "* from {schema}.shelter_stays",
            "interventions": "* from {schema}.interventions", "homeless_count": "* from {schema}.homeless_count",
            # What the plausibility suites judge shelters by, kept per touched stay between runs.
            "latest_staged_stays": "* from {schema}.latest_staged_stays",
            # The model's tables, by pseudonym: a model computed per person keeps each person's
            # number and numbers new persons after the others, where a run from scratch sorts them.
            **{table: "* exclude (person_no) from {schema}.%s join {schema}.person_numbers using (person_no)" % table
               for table in ("stays_current", "cases_current", "stay_nights", "refund_years", "refund_cap_nights",
                             "person_months")},
            **{table: "* exclude (person_no, episode_id) from {schema}.%s join {schema}.person_numbers using (person_no)"
               % table for table in ("episodes", "episode_starts")},
            "person_numbers": "person_key from {schema}.person_numbers",
            "deliveries": "* from {schema}.deliveries where status <> 'superseded' or rows_read > 0"}


def differences(warehouse: Path, other: Path) -> dict[str, tuple[int, int]]:
    """Per table, how many rows only one of the two warehouses holds; empty when they are identical."""
    found = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        conn.execute(f"attach '{other}' as other (read_only)")
        for table, rows in COMPARED.items():
            here, there = (rows.format(schema=schema) for schema in ("main", "other"))
            only_here, only_there = conn.execute(f"""
                select (select count(*) from (select {here} except all select {there})),
                       (select count(*) from (select {there} except all select {here}))""").fetchall()[0]
            if only_here or only_there:
                found[table] = (only_here, only_there)
    return found


def last_quarter(data: Path) -> str:
    return max(path.stem.split("_")[1][:7] for path in (data / "shelter_stays").glob("*_????-Q?*.csv"))


def linked_copy(data: Path, target: Path, held_back: str) -> list[tuple[Path, Path]]:
    """`target`: `data` as hard links, without the files of quarter `held_back`; returns (source,
    link) of the files held back."""
    shutil.rmtree(target, ignore_errors=True)
    held = []
    for source in sorted(data.rglob("*")):
        link = target / source.relative_to(data)
        if source.is_dir():
            link.mkdir(parents=True, exist_ok=True)
        elif f"_{held_back}" in source.name and source.parent.name in ("shelter_stays", "interventions"):
            held.append((source, link))
        else:
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, link)
    return held


def correct_one_row(delivery: Path, quarter_start: str) -> str:
    """Correct one stay of `delivery` as a shelter would: the destination of a stay that ended in the
    quarter (so the figures it reaches are the quarter's). The file is written anew, not through the
    hard link (the generated landing folder stays as it was). Returns which stay."""
    lines = delivery.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader(io.StringIO(lines[0])))
    exit_date, destination = header.index("exit_date"), header.index("exit_destination")
    for number, line in enumerate(lines[1:], start=1):
        row = next(csv.reader(io.StringIO(line)))
        if row[exit_date] >= quarter_start and row[destination]:
            row[destination] = "unknown" if row[destination] != "unknown" else "street"
            written = io.StringIO()
            csv.writer(written, lineterminator=line[len(line.rstrip("\r\n")):] or "\n").writerow(row)
            lines[number] = written.getvalue()
            delivery.unlink()
            delivery.write_text("".join(lines), encoding="utf-8")
            return f"{delivery.name}:{number + 1}"
    raise ValueError(f"{delivery}: no stay ended in the quarter to correct")


def bench_incremental(work: Path, data: Path, scale: float, scratch_home: Path, measure) -> dict:
    """Times (and peak RSS) of the run before the quarter, after it, with nothing new and after one
    corrected row; and the tables that differ (after the quarter) from the run from scratch in
    `scratch_home`."""
    quarter = last_quarter(data)
    landing, home = work / f"landing-{scale:g}x-incremental", work / f"home-{scale:g}x-incremental"
    held = linked_copy(data, landing, quarter)
    shutil.rmtree(home, ignore_errors=True)
    before = measure("benchmarks.stages", str(landing), str(home))
    for source, link in held:
        os.link(source, link)
    after = measure("benchmarks.stages", str(landing), str(home))
    unchanged = measure("benchmarks.stages", str(landing), str(home))
    found = differences(home / "warehouse.duckdb", scratch_home / "warehouse.duckdb")
    stays = sorted(link for _, link in held if link.parent.name == "shelter_stays")
    corrected = correct_one_row(stays[0], f"{quarter[:4]}-{int(quarter[-1]) * 3 - 2:02d}-01")
    one_row = measure("benchmarks.stages", str(landing), str(home))
    return {"quarter": quarter, "files_held_back": len(held),
            "files": sum(1 for p in data.rglob("*.csv") if p.parent.name in ("shelter_stays", "interventions")),
            "before": before, "after": after, "unchanged": unchanged, "one_row": one_row, "corrected": corrected,
            "differences": found}


def table(results: list[dict]) -> str:
    lines = ["| scale | full run s | quarter held back: files | run after the quarter s | ÷ full | "
             "run with nothing new s | ÷ full | run after one corrected row s | ÷ full | "
             "quarter's run beyond it ÷ full run beyond it | figures vs the full run |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        full = r["pipeline"].output["total_seconds"]
        inc = r["incremental"]
        after, unchanged, one_row = (inc[run].output["total_seconds"] for run in ("after", "unchanged", "one_row"))
        beyond = f"{(after - one_row) / (full - one_row):.0%}" if full > one_row else "–"
        same = "identical (EXCEPT both ways)" if not inc["differences"] else f"differ: {inc['differences']}"
        lines.append(f"| {r['scale']:g}× | {full:.1f} | {inc['quarter']}: {inc['files_held_back']} of {inc['files']} "
                     f"| {after:.1f} | {after / full:.0%} | {unchanged:.1f} | {unchanged / full:.0%} "
                     f"| {one_row:.1f} | {one_row / full:.0%} | {beyond} | {same} |")
    return "\n".join(lines)
