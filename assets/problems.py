"""The problems of delivered rows: every broken column rule, row rule, duplicate key, unreadable
line and overlapping stay, as table `quarantine` (file, line, column, rule, message; never a
person-level value). `find_problems` judges every stored row; `assets/revalidation.py` judges only
the contents that changed since the core tables were published, with the same SQL."""

from __future__ import annotations

from checks.contract import DELIVERED, Dataset, sql_text

STRUCTURE_MESSAGE = "the line cannot be split into the file's columns (wrong number of fields, a broken quote " \
                    "or bytes that are not text)"
DUPLICATE_KEY = {"shelter_stays": "stay_id", "interventions": "case_id"}
# What a staging row carries of its delivery, after its source file and line.
DELIVERY_COLUMNS = "f.provider, f.period, f.period_start, f.period_end, f.sha256"


def problems_sql(dataset: Dataset, rejects: str = "") -> str:
    """Every broken column rule, row rule and unreadable line of the rows in typed_<dataset>, and
    the unreadable lines of raw_<dataset>_rejects (`rejects`: a WHERE on them)."""
    parts = [dataset.column_problems(f"typed_{dataset.name}", "source_file, line")]
    if dataset.rules:
        parts.append(dataset.rule_problems(f"typed_{dataset.name}", "t.source_file, t.line",
                                           "join delivery_files f using (source_file)"))
    if key := DUPLICATE_KEY.get(dataset.name):
        parts.append(f"""
            select t.source_file, t.line, {sql_text(key)}, 'duplicate_{key}',
                   {sql_text(key)} || ' appears more than once in this file (first on line ' || r.first_line || ')'
            from typed_{dataset.name} t
            join (select source_file, {key}, min(line) as first_line from typed_{dataset.name}
                  where {key} is not null group by all having count(*) > 1) r
                on r.source_file = t.source_file and r.{key} = t.{key} and t.line > r.first_line""")
    parts.append(f"""
        select source_file, line, null, 'csv_structure', {sql_text(STRUCTURE_MESSAGE)} || ' (' || lower(error_type) || ')'
        from raw_{dataset.name}_rejects {rejects}""")
    return " union all ".join(parts)


# What the overlap rule reads of a stay row; `clean`: the row keeps every other rule.
STAY_ROW_COLUMNS = "source_file, line, sha256, provider, stay_id, person_key, entry_date, exit_date, period_start, period_end"

# Cross-row (data contract): "two stays of one person that overlap by more than one day" quarantine
# the later-delivered stay: every row of it, so no older version of it takes its place. A stay is
# judged by its row from the latest period it was delivered in (a clean row wins a tie, then the
# later file and line); if that row was itself quarantined the stay is left out: its true dates are
# not known. The message names the earliest-delivered stay it overlaps.
LATEST_ROW_OF_EACH_STAY = """
    select provider, stay_id, person_key, entry_date, coalesce(exit_date, date '9999-12-31') as ends, clean,
           min(period_start) over stay as first_delivered
    from stay_rows
    window stay as (partition by provider, stay_id)
    qualify row_number() over (stay order by period_end desc, clean desc, source_file desc, line desc) = 1
"""
# Judges the stays of `judged_stays` (see overlap_sql); quarantines the clean rows of `stay_rows`.
OVERLAP_RULE = """
    candidates as (
        -- Only a person with a stay entering more than one day before an earlier-entered stay ends
        -- can have an overlap: one window finds them, so the pairwise rule below joins their stays
        -- alone instead of everyone's (a self-join on the pseudonym was 23 s at 100x).
        select distinct person_key from (
            select person_key, entry_date, ends, max(ends) over (partition by person_key order by entry_date, ends
                                                                 rows between unbounded preceding and 1 preceding) as earlier_ends
            from judged_stays where clean)
        where least(ends, earlier_ends) - entry_date > 1 and earlier_ends is not null   -- (least skips a NULL)
    ), suspects as (
        select * from judged_stays semi join candidates using (person_key) where clean
    ), later as (
        select b.provider, b.stay_id,
               arg_min(struct_pack(shelter := a.provider, entry := a.entry_date),
                       (a.first_delivered, a.entry_date, a.provider, a.stay_id)) as other
        from suspects a join suspects b on a.person_key = b.person_key
            and least(a.ends, b.ends) - greatest(a.entry_date, b.entry_date) > 1
            and (a.first_delivered, a.entry_date, a.provider, a.stay_id) < (b.first_delivered, b.entry_date, b.provider, b.stay_id)
        group by all
    )
    select t.source_file, t.line, 'entry_date', 'overlapping_stay',
           'this stay overlaps another stay of the same person by more than one day (shelter '
           || l.other.shelter || ', entry ' || l.other.entry || '); correct the dates'
    from stay_rows t join later l on l.provider = t.provider and l.stay_id = t.stay_id
    where t.clean
"""


def overlap_sql(judged_stays: str = LATEST_ROW_OF_EACH_STAY) -> str:
    """The overlap rule over `stay_rows` (STAY_ROW_COLUMNS and `clean`: the row keeps every other
    rule), for the stays of `judged_stays` (by default all: each stay's latest row)."""
    return f"with judged_stays as ({judged_stays}), {OVERLAP_RULE}"


def typed_select(dataset: Dataset, only: str = "") -> str:
    """raw_<dataset> parsed, each row with its delivery and `<column>_given` flags (`only`: joins or
    a WHERE on the raw rows r)."""
    return f"""select r.source_file, r.line, {DELIVERY_COLUMNS}, {dataset.typed_columns(given=True)}
               from raw_{dataset.name} r join delivery_files f using (source_file) {only}"""


def type_rows(conn, dataset: Dataset, temporary: bool, only: str = "") -> None:
    """Table typed_<dataset>: see typed_select."""
    conn.execute(f"create or replace {'temp ' if temporary else ''}table typed_{dataset.name} as "
                 + typed_select(dataset, only))


def drop_quarantined_rows(conn, table: str) -> None:
    conn.execute(f"delete from {table} t using quarantine q where q.source_file = t.source_file and q.line = t.line")


def gather_problems(conn, rejects: str = "") -> None:
    """Temp table `found_problems`: the problems of the rows in the typed_<dataset> tables and of
    the unreadable lines (`rejects`: a WHERE on them)."""
    union = " union all ".join(f"select *, {sql_text(d.name)} as dataset from ({problems_sql(d, rejects)})"
                               for d in DELIVERED)
    conn.execute(f"create or replace temp table found_problems as {union}")


def mark_clean_stays(conn) -> None:
    """Temp view `stay_rows`: the typed shelter stays, each marked clean when it keeps every rule but overlap."""
    conn.execute(f"""
        create or replace temp view stay_rows as
        select {', '.join('t.' + c for c in STAY_ROW_COLUMNS.split(', '))}, p.source_file is null as clean
        from typed_shelter_stays t
        left join (select distinct source_file, line from found_problems) p on p.source_file = t.source_file and p.line = t.line
    """)


def find_problems(conn, keep_typed: bool = False) -> None:
    """Table `quarantine` from every row of the raw tables (the pipeline and `hfmon validate` both run this).
    With `keep_typed`, the typed rows stay behind as table typed_<dataset>, each with its delivery, for
    the staging assets: every row is parsed once (parsing again from text was 15 s at 100x)."""
    for dataset in DELIVERED:
        type_rows(conn, dataset, temporary=not keep_typed)
    gather_problems(conn)
    mark_clean_stays(conn)
    conn.execute(f"insert into found_problems select *, 'shelter_stays' from ({overlap_sql()})")
    conn.execute("drop view stay_rows")
    conn.execute("""
        create or replace table quarantine as
        select p.source_file, p.line, p.column_name, p.rule, p.message, p.dataset, f.provider, f.period
        from found_problems p join delivery_files f using (source_file)
        order by p.dataset, p.source_file, p.line, p.column_name, p.rule
    """)
    conn.execute("drop table found_problems")
    if not keep_typed:
        for dataset in DELIVERED:
            conn.execute(f"drop table typed_{dataset.name}")
