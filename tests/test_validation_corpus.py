"""A corpus of malformed deliveries: each names the exact rule, line and column it must produce.

Validation runs through `hfmon validate`'s code, which is the pipeline's own (same functions)."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from checks.contract import DELIVERED
from pipelines.synthetic.geography import MUNICIPALITIES_CSV
from pipelines.validate_files import validate_files

KEY = "ab" * 32
STAYS = "stay_id,person_key,municipality_code,entry_date,exit_date,exit_destination,prior_situation,action_plan_date,birth_year,sex"
STAY = f"S001-1,{KEY},101,2024-01-10,2024-01-20,own_housing,street,2024-01-12,1980,M"
CASES = "case_id,person_key,municipality_code,method,start_date,end_date,housed_date,end_reason"
CASE = f"101-1,{KEY},101,CTI,2024-01-05,2024-03-01,2024-01-20,completed"
COUNT = "municipality_code,situation,age_group,sex,persons"


def stay(**changes) -> str:
    values = dict(zip(STAYS.split(","), STAY.split(",")))
    values.update(changes)
    return ",".join(values.values())


def case(**changes) -> str:
    values = dict(zip(CASES.split(","), CASE.split(",")))
    values.update(changes)
    return ",".join(values.values())


# (name, dataset, file name, content, expected (line, column, rule) problems)
CORPUS = [
    ("slashes in a date", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(entry_date="2024/01/10")],
     {(2, "entry_date", "type_date")}),
    ("impossible date", "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY, stay(stay_id="S001-2", exit_date="2024-02-30")],
     {(3, "exit_date", "type_date")}),
    ("short pseudonym", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(person_key="abc123")],
     {(2, "person_key", "person_key_format")}),
    ("upper-case pseudonym", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(person_key=KEY.upper())],
     {(2, "person_key", "person_key_format")}),
    ("municipality not a number", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(municipality_code="Kbh")],
     {(2, "municipality_code", "type_int")}),
    ("unknown municipality", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(municipality_code="999")],
     {(2, "municipality_code", "unknown_municipality")}),
    ("unknown destination", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(exit_destination="hotel")],
     {(2, "exit_destination", "code")}),
    ("unknown prior situation", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(prior_situation="jail")],
     {(2, "prior_situation", "code")}),
    ("unknown sex", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(sex="K")], {(2, "sex", "code")}),
    ("exit before entry", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(exit_date="2024-01-09")],
     {(2, "exit_date", "exit_before_entry")}),
    ("destination without exit", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(exit_date="")],
     {(2, "exit_destination", "destination_without_exit")}),
    ("exit without destination", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(exit_destination="")],
     {(2, "exit_destination", "exit_without_destination")}),
    ("entry after the period", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, stay(entry_date="2024-04-02", exit_date="", exit_destination="", action_plan_date="")],
     {(2, "entry_date", "after_period_end")}),
    ("exit after the period", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(exit_date="2024-04-02")],
     {(2, "exit_date", "after_period_end")}),
    ("plan after the period", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(action_plan_date="2024-04-01")],
     {(2, "action_plan_date", "after_period_end")}),
    ("a child", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(birth_year="2015")],
     {(2, "birth_year", "birth_year_range")}),
    ("born before 1900", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(birth_year="1850")],
     {(2, "birth_year", "birth_year_range")}),
    ("no stay id", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(stay_id="")], {(2, "stay_id", "required")}),
    ("no pseudonym", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(person_key="")],
     {(2, "person_key", "required")}),
    ("a field too many", "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY + ",x"], {(2, "-", "csv_structure")}),
    ("a broken line, then a bad date: lines still counted as an editor does", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, "S001-2,only,three", stay(stay_id="S001-3", entry_date="10/01/2024")],
     {(3, "-", "csv_structure"), (4, "entry_date", "type_date")}),
    ("a person in two stays at once", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, stay(stay_id="S001-2", entry_date="2024-01-15", exit_date="2024-01-25", action_plan_date="")],
     {(3, "entry_date", "overlapping_stay")}),
    ("one shared day (moving between shelters) is not an overlap", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, stay(stay_id="S001-2", entry_date="2024-01-19", exit_date="2024-01-25", action_plan_date="")],
     set()),
    ("the same stay twice", "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY, STAY], {(3, "stay_id", "duplicate_stay_id")}),
    ("shelter closed", "shelter_stays", "S009_2024-Q1.csv", [STAYS, stay(stay_id="S009-1")],
     {(2, "entry_date", "shelter_not_open")}),
    ("case in another municipality's file", "interventions", "147_2024.csv", [CASES, case()],
     {(2, "municipality_code", "municipality_mismatch")}),
    ("case ends before it starts", "interventions", "101_2024.csv", [CASES, case(end_date="2024-01-01")],
     {(2, "end_date", "end_before_start")}),
    ("end reason without end", "interventions", "101_2024.csv", [CASES, case(end_date="")],
     {(2, "end_reason", "reason_without_end")}),
    ("end without reason", "interventions", "101_2024.csv", [CASES, case(end_reason="")],
     {(2, "end_reason", "end_without_reason")}),
    ("housed long before the case", "interventions", "101_2024.csv", [CASES, case(housed_date="2023-09-01")],
     {(2, "housed_date", "housed_too_early")}),
    ("case starts after the period", "interventions", "101_2024-Q1.csv",
     [CASES, case(start_date="2024-04-05", end_date="", housed_date="", end_reason="")],
     {(2, "start_date", "after_period_end")}),
    ("unknown method", "interventions", "101_2024.csv", [CASES, case(method="HF")], {(2, "method", "code")}),
    ("case in an unknown municipality", "interventions", "101_2024.csv", [CASES, case(municipality_code="998")],
     {(2, "municipality_code", "municipality_mismatch"), (2, "municipality_code", "unknown_municipality")}),
    ("negative count", "homeless_count", "count_2024.csv", [COUNT, "101,street,18-24,M,-1"],
     {(2, "persons", "negative_count")}),
    ("count age group not in the list", "homeless_count", "count_2024.csv", [COUNT, "101,street,18-25,M,3"],
     {(2, "age_group", "code")}),
    ("count in an unknown municipality", "homeless_count", "count_2024.csv", [COUNT, "999,street,18-24,M,3"],
     {(2, "municipality_code", "unknown_municipality")}),
    # Files refused whole.
    ("a required column missing", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS.replace("person_key,", ""), STAY.replace(f"{KEY},", "")], {(1, "-", "missing_columns")}),
    ("an empty file", "shelter_stays", "S001_2024-Q1.csv", [], {(1, "-", "not_csv")}),
    ("a file name outside the contract", "shelter_stays", "S001-2024Q1.csv", [STAYS, STAY], {(1, "-", "file_name")}),
    ("a shelter not in the reference", "shelter_stays", "S999_2024-Q1.csv", [STAYS, stay(stay_id="S999-1")],
     {(1, "-", "unknown_provider")}),
    ("a CPR number as stay id", "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY, stay(stay_id="010190-1234")],
     {(3, "stay_id", "cpr_number")}),
    ("a CPR number without hyphen in an extra column", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS + ",note", STAY + ",ok", STAY.replace("S001-1", "S001-2") + ",cpr 3112851234 noted"],
     {(3, "note", "cpr_number")}),
    ("a CPR number after an unreadable line", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, "S001-2,too,few", stay(stay_id="010190-1234")], {(4, "stay_id", "cpr_number")}),
    # Hostile and careless input (issue 18).
    ("ten digits glued to letters", "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY, stay(stay_id="cpr0808998888")],
     {(3, "stay_id", "cpr_number")}),
    ("a CPR number in a header name", "shelter_stays", "S001_2024-Q1.csv", [STAYS + ",0101901234", STAY + ","],
     {(1, "11", "cpr_number")}),
    ("a CPR number in a line DuckDB cannot split", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, "S001-2,0101901234,too,few"], {(3, "-", "cpr_number")}),
    ("Excel's trailing delimiter on every line", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS + ",", STAY + ",", stay(stay_id="S001-2", sex="K") + ","], {(3, "sex", "code")}),
    ("a header column without a name", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS.replace(",sex", ",,sex"), STAY.replace(",M", ",x,M")], {(1, "-", "header_format")}),
    ("year 0 in the file name", "shelter_stays", "S001_0000-Q1.csv", [STAYS, STAY], {(1, "-", "file_name")}),
    ("year 9999 in the file name", "shelter_stays", "S001_9999-Q4.csv", [STAYS, STAY], {(1, "-", "file_name")}),
    ("a blank line before a bad row: lines as an editor shows them", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, STAY, "", "", stay(stay_id="S001-2", entry_date="x")], {(5, "entry_date", "type_date")}),
    ("a quoted newline before a bad row", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, stay(stay_id='"S001\n-1"'), stay(stay_id='"S001-\n\n2"', person_key="cd" * 32),
      stay(stay_id="S001-3", person_key="ef" * 32, sex="K")],
     {(7, "sex", "code")}),
    ("blank lines, a quoted newline and a broken line together", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, "", stay(stay_id='"S001\n-1"'), "S001-2,too,few", "", stay(stay_id="S001-3", person_key="cd" * 32,
                                                                        sex="K"), ""],
     {(5, "-", "csv_structure"), (7, "sex", "code")}),
    ("a CPR number after blank lines and a quoted newline", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, "", stay(stay_id='"S001\n-1"'), "S001-2,too,few", "", stay(stay_id="010190-1234")],
     {(7, "stay_id", "cpr_number")}),
    ("a Danish thousands separator", "homeless_count", "count_2024.csv", [COUNT, "101,street,18-24,M,1.000"],
     {(2, "persons", "type_int")}),
    ("a decimal where a whole number belongs", "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(birth_year="1980.5")],
     {(2, "birth_year", "type_int")}),
    ("hex, underscores, a plus sign and an exponent", "shelter_stays", "S001_2024-Q1.csv",
     [STAYS, stay(municipality_code="0x65"), stay(stay_id="S001-2", birth_year="1_980"),
      stay(stay_id="S001-3", birth_year="+1980"), stay(stay_id="S001-4", birth_year="1.98e3")],
     {(2, "municipality_code", "type_int"), (3, "birth_year", "type_int"), (4, "birth_year", "type_int"),
      (5, "birth_year", "type_int")}),
    ("a count beyond any plausible count", "homeless_count", "count_2024.csv", [COUNT, "101,street,18-24,M,2147483647",
                                                                                "101,street,25-29,M,20000"],
     {(2, "persons", "type_int"), (3, "persons", "count_too_large")}),
]


def landing(tmp_path: Path) -> Path:
    (tmp_path / "reference").mkdir(parents=True)
    shutil.copy(MUNICIPALITIES_CSV, tmp_path / "reference" / "municipalities.csv")
    (tmp_path / "reference" / "shelters.csv").write_text(
        "shelter_id,name,municipality_code,beds,target_group,opened,closed\n"
        "S001,Herberg,101,20,adults,2000-01-01,\nS009,Lukket,751,10,adults,1990-01-01,2020-01-01\n")
    return tmp_path


def deliver(root: Path, dataset: str, name: str, lines: list[str], encoding="utf-8") -> Path:
    path = root / dataset / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n" if lines else "").encode(encoding))
    return path


@pytest.mark.parametrize("name, dataset, file_name, lines, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_malformed_delivery(tmp_path, name, dataset, file_name, lines, expected):
    path = deliver(landing(tmp_path), dataset, file_name, lines)
    problems = validate_files([path]).problems
    assert {(p.line, p.column, p.rule) for p in problems if not p.warning} == expected
    for problem in problems:
        assert problem.message and problem.file == str(path)
        assert not re.search(r"\d{6}-?\d{4}", problem.message), "a CPR number is never echoed"


def test_every_contract_rule_has_a_corpus_case():
    tested = {rule for *_, expected in CORPUS for _, _, rule in expected}
    rules = {r.name for d in DELIVERED for r in d.rules} | {"required", "type_int", "type_date", "code",
                                                             "person_key_format", "csv_structure",
                                                             "duplicate_stay_id", "overlapping_stay"}
    assert rules - tested == set()


def test_danish_excel_export_is_read(tmp_path):
    root = landing(tmp_path)
    header = ";".join(c.upper() for c in STAYS.split(",")) + ";Bemærkning"
    row = f"S001-1;{KEY};0101;10-01-2024;20.01.2024;own_housing;street;12-01-2024;1980;M;Søren ringede"
    path = root / "shelter_stays" / "S001_2024-Q1.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(f"{header}\r\n{row}\r\n".encode("latin-1"))
    report = validate_files([path])
    assert [(p.rule, p.warning) for p in report.problems] == [("extra_columns", True)]
    assert report.accounts == {str(path): (1, 1, 0)}


def test_utf8_bom_and_gzip_are_read(tmp_path):
    root = landing(tmp_path)
    bom = deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY], encoding="utf-8-sig")
    zipped = root / "shelter_stays" / "S001_2024-Q2.csv.gz"
    with gzip.open(zipped, "wt") as handle:
        handle.write(f"{STAYS}\n{stay(entry_date='2024-04-10', exit_date='2024-04-20', action_plan_date='')}\n")
    report = validate_files([bom, zipped])
    assert report.problems == [] and report.accounts == {str(bom): (1, 1, 0), str(zipped): (1, 1, 0)}


def test_a_cpr_like_run_inside_a_pseudonym_is_not_a_cpr_number(tmp_path):
    key = "a0101901234b" + "c" * 52            # ten digits, a valid date, but inside the hex pseudonym
    path = deliver(landing(tmp_path), "shelter_stays", "S001_2024-Q1.csv", [STAYS, stay(person_key=key)])
    assert validate_files([path]).problems == []


def test_an_overlap_quarantines_the_later_delivered_stay_and_names_the_other(tmp_path):
    root = landing(tmp_path)
    first = deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY])
    ongoing = stay(stay_id="S001-2", entry_date="2024-01-12", exit_date="2024-04-20", action_plan_date="")
    later = deliver(root, "shelter_stays", "S001_2024-Q2.csv", [STAYS, ongoing])
    problems = validate_files([later, first]).problems
    assert [(p.file, p.line, p.column, p.rule) for p in problems] == [(str(later), 2, "entry_date", "overlapping_stay")]
    assert "shelter S001, entry 2024-01-10" in problems[0].message


def test_files_named_from_elsewhere_keep_their_lines(tmp_path, monkeypatch):
    """`hfmon validate ../landing/...`: rows are found by the file as given, however it is written."""
    root = landing(tmp_path)
    first = deliver(root, "shelter_stays", "S001_2024-Q1.csv", [STAYS, STAY, stay(stay_id="S001-2", entry_date="x")])
    second = deliver(root, "shelter_stays", "S001_2024-Q2.csv",
                     [STAYS, stay(stay_id="S001-3", entry_date="2024-05-01", exit_date="2024-05-02", action_plan_date="",
                                 sex="K")])
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    given = [Path("..") / first.relative_to(tmp_path), second]
    report = validate_files(given)
    assert [(p.file, p.line, p.column, p.rule) for p in report.problems if not p.warning] == [
        (str(given[0]), 3, "entry_date", "type_date"), (str(second), 2, "sex", "code")]
    assert report.accounts == {str(given[0]): (2, 1, 1), str(second): (1, 0, 1)}


def test_overlaps_found_among_candidates_are_those_of_every_pair(tmp_path, monkeypatch):
    """The overlap rule joins only the stays of persons a window marks as candidates; on a folder
    dense with overlaps, touching stays, shared entry days, open stays and re-deliveries it finds
    exactly the stays and messages the rule finds over every pair of a person's stays."""
    import random
    from datetime import date, timedelta

    from assets import problems

    rng = random.Random(20)
    root = landing(tmp_path)
    keys = [f"{i:02x}" * 32 for i in range(12)]
    for quarter in range(1, 5):
        lines = [STAYS]
        for n in range(60):
            entry = date(2024, 3 * quarter - 2, 1) + timedelta(days=rng.randrange(0, 85))
            exit_date = "" if rng.random() < 0.1 else str(entry + timedelta(days=rng.choice([0, 1, 2, 3, 9, 40])))
            stay_id = f"S001-{rng.randrange(0, 200)}" if rng.random() < 0.3 else f"S001-{quarter}-{n}"
            lines.append(stay(stay_id=stay_id, person_key=rng.choice(keys), entry_date=str(entry),
                              exit_date=exit_date, exit_destination="street" if exit_date else "", action_plan_date=""))
        deliver(root, "shelter_stays", f"S001_2024-Q{quarter}.csv", lines)
    files = sorted((root / "shelter_stays").glob("*.csv"))

    def overlaps(report):
        return sorted((p.file, p.line, p.message) for p in report.problems if p.rule == "overlapping_stay")

    found = overlaps(validate_files(files))
    every_pair = problems.OVERLAP_RULE.replace("from suspects a join suspects b on",
                                               "from judged_stays a join judged_stays b on a.clean and b.clean and")
    assert every_pair != problems.OVERLAP_RULE
    monkeypatch.setattr(problems, "OVERLAP_RULE", every_pair)
    assert found == overlaps(validate_files(files)) and len(found) > 20, len(found)


def test_rows_are_not_numbered_by_line_when_duckdb_may_reorder_them():
    """Lines come from the order a scan stores rows in, which DuckDB keeps only with
    preserve_insertion_order on (its own advice when memory runs short is to turn it off)."""
    import duckdb
    import pytest

    from assets.ingest import insert_rows
    from checks.contract import SHELTER_STAYS

    with duckdb.connect(config={"preserve_insertion_order": False}) as conn, \
            pytest.raises(RuntimeError, match="preserve_insertion_order is off"):
        insert_rows(conn, SHELTER_STAYS, "utf-8", ",", STAYS.split(","), ["S001_2024-Q1.csv"])
