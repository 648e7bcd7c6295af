"""Validation per content (issue 19): a run judges only the delivered contents that are new since
the core tables were last published, and the overlap rule only for the persons whose stays those
contents, or the contents no longer current, touch. Every other problem and core row is kept.

Why this is the same as judging every row: a file's column, row, duplicate and structure problems
depend only on its content, its delivery (from its name), the reference tables and the code, all
fixed by (file, sha256) and `validation_version`. The overlap rule crosses files, but only within
one person's stays; a person whose stays no changed content touches is judged as before.

State kept in the warehouse:
- `validated_contents`: (dataset, source_file, sha256, version) judged by the current `quarantine`;
- `published_contents`: the same, as each core table was last published (written with it);
- `quarantined_stays`: what the overlap rule reads of each quarantined shelter_stays row
  (STAY_ROW_COLUMNS and `clean`: quarantined only as an overlap), needed when its stay is
  delivered again or its file withdrawn: the core tables hold only the rows that keep every rule.
A run's change, for the staging assets: typed_<dataset> (the rows to add) and
staging_<dataset>_removed (the core rows to delete, by file and line). When the state does not
match (first run, a failed audit since, other code or reference files), every row is judged.
"""

from __future__ import annotations

import hashlib

from assets.ingest import INGEST_CODE
from assets.problems import (LATEST_ROW_OF_EACH_STAY, STAY_ROW_COLUMNS, drop_quarantined_rows, find_problems,
                             gather_problems, mark_clean_stays, overlap_sql, type_rows, typed_select)
from checks.contract import DELIVERED, SHELTER_STAYS, sql_text
from pipelines.resources import table_exists
from pipelines.settings import code_version

# Joins on the rows of contents no longer current (GONE) or on the others (NOT_GONE), by alias.
GONE = "semi join contents_gone g on g.source_file = {0}.source_file and g.sha256 = {0}.sha256"
NOT_GONE = GONE.replace("semi join", "anti join")
VALIDATION_CODE = (*INGEST_CODE, "assets/problems.py", "assets/revalidation.py")
CONTENT_COLUMNS = "dataset varchar, source_file varchar, sha256 varchar, version varchar"


def judge_deliveries(conn) -> str:
    """Table `quarantine`, and the typed rows that keep every rule as typed_<dataset> for the staging
    assets; judged per content when the stored state allows. Returns what was judged."""
    for dataset in DELIVERED:   # what a run whose audit failed left
        conn.execute(f"drop table if exists staging_{dataset.name}_removed; "
                     f"drop table if exists staging_{dataset.name}_added")
    version = validation_version(conn)
    if can_judge_changes_only(conn, version):
        judged = f"new or changed files only, {judge_changed_contents(conn)} of " + str(conn.execute(
            "select count(*) from delivery_files where status = 'load'").fetchall()[0][0])
    else:
        find_problems(conn, keep_typed=True)
        remember_quarantined_stays(conn, "typed_shelter_stays")
        judged = "every row"
    for dataset in DELIVERED:
        drop_quarantined_rows(conn, f"typed_{dataset.name}")
    record_validated_contents(conn, version)
    return judged


def validation_version(conn) -> str:
    """The code and reference tables that problems depend on: another version judges every row again."""
    reference = conn.execute("select (select sum(hash(s)) from shelters s), "
                             "(select sum(hash(m)) from municipalities m)").fetchall()[0]
    return hashlib.sha256(f"{code_version(*VALIDATION_CODE)} {reference}".encode()).hexdigest()


def can_judge_changes_only(conn, version: str) -> bool:
    """Whether the stored problems and core tables are those of one judgement by this version."""
    state = ["validated_contents", "published_contents", "quarantine", "quarantined_stays",
             *(d.name for d in DELIVERED)]
    if not all(table_exists(conn, table) for table in state):
        return False
    other_versions = conn.execute("select count(*) from validated_contents where version <> ?",
                                  [version]).fetchall()[0][0]
    return same_contents(conn, "select * from validated_contents", "select * from published_contents") \
        and other_versions == 0


def same_contents(conn, rows: str, other: str) -> bool:
    """Whether two content lists (SELECTs of the same columns) hold the same rows."""
    return conn.execute(f"select count(*) from (({rows} except {other}) union all ({other} except {rows}))"
                        ).fetchall()[0][0] == 0


def record_validated_contents(conn, version: str) -> None:
    conn.execute("create or replace table validated_contents as select dataset, source_file, sha256, ? as version "
                 "from delivery_files where status = 'load'", [version])


def record_published_contents(dataset: str) -> str:
    """SQL (for the core table's publishing transaction): what the published `dataset` was judged from."""
    return f"""create table if not exists published_contents ({CONTENT_COLUMNS});
               delete from published_contents where dataset = {sql_text(dataset)};
               insert into published_contents select * from validated_contents where dataset = {sql_text(dataset)}"""


def remember_quarantined_stays(conn, *sources: str) -> None:
    """Table `quarantined_stays` from the shelter stay rows in `sources` (STAY_ROW_COLUMNS each)
    that `quarantine` holds."""
    rows = " union all ".join(f"select {STAY_ROW_COLUMNS} from {source}" for source in sources)
    # Built aside, then stored: `sources` may read the table it replaces.
    conn.execute(f"""
        create or replace temp table quarantined_stays_now as
        select distinct on (source_file, line) r.*, q.clean
        from ({rows}) r
        join (select source_file, line, bool_and(rule = 'overlapping_stay') as clean from quarantine
              where dataset = 'shelter_stays' group by all) q using (source_file, line)""")
    conn.execute("create or replace table quarantined_stays as from quarantined_stays_now")
    conn.execute("drop table quarantined_stays_now")


def judge_changed_contents(conn) -> int:
    """Table `quarantine` updated for the contents new or gone since the last judgement; typed_<dataset>
    and staging_<dataset>_removed for the staging assets. Returns how many contents were judged."""
    conn.execute("""create or replace temp table contents_gone as
                    select dataset, source_file, sha256 from validated_contents
                    except select dataset, source_file, sha256 from delivery_files where status = 'load'""")
    conn.execute("""create or replace temp table contents_new as
                    select dataset, source_file, sha256 from delivery_files where status = 'load'
                    except select dataset, source_file, sha256 from validated_contents""")
    for dataset in DELIVERED:
        type_rows(conn, dataset, temporary=False, only="semi join contents_new n on n.source_file = r.source_file")
    gather_problems(conn, rejects="where source_file in (select source_file from contents_new)")
    judge_overlaps_of_touched_persons(conn)
    # Kept: the problems of contents still current, less the overlaps of the stays judged anew.
    conn.execute("""
        create or replace temp table quarantine_now as
        select * from quarantine q
        where q.source_file not in (select source_file from contents_gone)
          and not (q.rule = 'overlapping_stay' and exists (
              select 1 from judged_rows j semi join judged_stays s using (provider, stay_id)
              where j.source_file = q.source_file and j.line = q.line))
        union all
        select p.source_file, p.line, p.column_name, p.rule, p.message, p.dataset, f.provider, f.period
        from found_problems p join delivery_files f using (source_file)""")
    conn.execute("create or replace table quarantine as from quarantine_now "
                 "order by dataset, source_file, line, column_name, rule")
    # A row quarantined only as an overlap that no longer overlaps is valid again: typed once more.
    revived = f"""semi join (select source_file, line from quarantined_stays q {NOT_GONE.format('q')}
                             except select source_file, line from quarantine) revived
                      on revived.source_file = r.source_file and revived.line = r.line"""
    conn.execute(f"insert into typed_shelter_stays {typed_select(SHELTER_STAYS, revived)}")
    remember_quarantined_stays(conn, f"quarantined_stays q {NOT_GONE.format('q')}", "judged_rows",
                               "typed_shelter_stays")
    for dataset in DELIVERED:
        # The core rows of contents gone, and those now quarantined (an overlap found anew).
        conn.execute(f"""
            create or replace table staging_{dataset.name}_removed as
            select c.source_file, c.line from {dataset.name} c {GONE.format('c')}
            union all
            select c.source_file, c.line from {dataset.name} c
            semi join quarantine q on q.source_file = c.source_file and q.line = c.line""")
    judged = conn.execute("select count(*) from contents_new").fetchall()[0][0]
    for temp in ("judged_rows", "judged_stays", "touched_persons", "found_problems", "quarantine_now",
                 "contents_new", "contents_gone"):
        conn.execute(f"drop table {temp}")
    return judged


def judge_overlaps_of_touched_persons(conn) -> None:
    """Adds to `found_problems` the overlaps of every person with a stay that has a row in a new
    content or had one in a content gone. Leaves temp tables `touched_persons`, `judged_rows` (every
    current row of the stays with a current row of a touched person) and `judged_stays` (the stays
    whose latest row is a touched person's: the stays judged anew)."""
    conn.execute(f"""
        create or replace temp table touched_persons as
        with touched_stays as (
            select provider, stay_id from typed_shelter_stays
            union select provider, stay_id from shelter_stays c {GONE.format('c')}
            union select provider, stay_id from quarantined_stays q {GONE.format('q')})
        select distinct person_key from (
            select provider, stay_id, person_key from typed_shelter_stays
            union all select provider, stay_id, person_key from shelter_stays
            union all select provider, stay_id, person_key from quarantined_stays)
        semi join touched_stays using (provider, stay_id)
        where person_key is not null""")
    # Current rows: the new contents' (stay_rows, marked clean as in a full judgement), the core
    # tables' (which keep every rule) and the quarantined ones', less those of contents gone.
    mark_clean_stays(conn)
    current = {"stay_rows t": "t.clean",
               f"shelter_stays c {NOT_GONE.format('c')}": "true",
               f"quarantined_stays q {NOT_GONE.format('q')}": "q.clean"}
    touched = "person_key in (select person_key from touched_persons)"
    conn.execute("create or replace temp table judged_keys as " + " union ".join(
        f"select provider, stay_id from {rows} where {touched}" for rows in current))
    conn.execute("create or replace temp table judged_rows as " + " union all ".join(
        f"select {STAY_ROW_COLUMNS}, {clean} as clean from {rows} semi join judged_keys k using (provider, stay_id)"
        for rows, clean in current.items()))
    conn.execute("create or replace temp view stay_rows as from judged_rows")   # the overlap rule's input
    conn.execute(f"create or replace temp table judged_stays as from ({LATEST_ROW_OF_EACH_STAY}) where {touched}")
    conn.execute(f"insert into found_problems select *, 'shelter_stays' from ({overlap_sql('from judged_stays')})")
    conn.execute("drop view stay_rows; drop table judged_keys")
