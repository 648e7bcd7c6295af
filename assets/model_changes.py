"""The model per changed person (issue 19): after a run that judged only new or changed contents,
the person-level model tables are recomputed for the persons those contents touch, and their rows
replaced; every other person's rows are kept.

Why this is the same as recomputing every person: each person-level table (PERSON_TABLES) is built
from one person's stays and cases at a time (windows and groups by person_no), given the cutoff. A
stay's current row is the latest of its rows, whoever they name, so a person counts as changed when
they have a row of a stay (or case) that gained or lost a row; and their stays are computed from
every row of every stay they have a row of. When the cutoff moves, the persons whose tables reach
it change too: open stays and cases, and a young last episode of a person active in the cutoff's year.

State kept in the warehouse:
- `model_pending`: the pseudonyms changed since the model was last completed (written with each
  core table, so a run that stops half-way leaves them for the next);
- `model_state`: the code version, data start and cutoff of the last completed model; gone after a
  core table was replaced whole, which makes the next model compute every person;
- `figures_changed_since`: for the indicators, the earliest date a change since they were last
  computed can move a figure at (`since`; NULL: any date), one row per model table that changed.
  A stay or case whose end side alone changed (exit date and destination; a case's end) moves
  figures from the earlier of its old and new ends (open: the cutoff of the time); a date filled in
  later (an action plan, a housing date) from the earlier of its old and new values; any other
  change from the earlier of its old and new starts; a moved cutoff from the old cutoff.
While a model is computed per person, schema `delta` holds `persons` (pseudonym, number), views of
the core rows it reads, and each person-level table for those persons only; the model's SQL runs
unchanged with `delta` first on the search path, and each table's rows are then replaced in main.
"""

from __future__ import annotations

from contextlib import contextmanager

from checks.contract import sql_text
from pipelines.resources import column_exists, table_exists
from pipelines.settings import code_version

MODEL_CODE = ("assets/model.py", "assets/model_changes.py", "assets/sql/model")
# The core tables the model reads per person, and the id the model keeps each record's latest row of.
RECORDS = {"shelter_stays": "stay_id", "interventions": "case_id"}
# Per record table: its key, its start (the earliest date the record moves figures at), the
# columns of its end side, with the end date first, and the dates a later delivery fills in
# (an action plan, a housing date). Such a date moves figures from itself: every indicator that
# reads it for a period reads only dates up to the period's end plus what it declares it looks
# ahead (action plans: 30 days after the entry; housing retention: housed in the period).
RECORD_DATES = {
    "stays_current": ("shelter_id, stay_id", "entry_date", ("exit_date", "exit_destination", "reported_in"),
                      ("action_plan_date",)),
    "cases_current": ("delivering_municipality, case_id", "least(start_date, housed_date)",
                      ("end_date", "end_reason", "reported_in"), ("housed_date",)),
}
PERSON_TABLES = ("stays_current", "cases_current", "episodes", "stay_nights", "refund_years", "refund_cap_nights",
                 "episode_starts", "person_months")


def record_changed_persons(dataset: str, removed: str, added: str) -> str:
    """SQL for a core table's publishing transaction, before its rows are replaced: every person
    with a row of a record (stay, case) that gains or loses a row."""
    if dataset not in RECORDS:
        return "select 1"
    record = f"provider, {RECORDS[dataset]}"
    return f"""
        create table if not exists model_pending (person_key varchar);
        insert into model_pending
        with touched as (select {record} from {dataset} semi join {removed} using (source_file, line)
                         union select {record} from {added})
        select person_key from {dataset} semi join touched using ({record})
        union select person_key from {added}"""


def forget_model(dataset: str) -> str:
    """SQL for a core table replaced whole: the next model computes every person."""
    return "drop table if exists model_state; drop table if exists model_pending" if dataset in RECORDS \
        else "select 1"


def plan_model(conn) -> str:
    """Before `person_numbers`: decide whether the model is computed per changed person, and if so
    add the persons a moved cutoff changes to `model_pending`. Returns what will be computed."""
    conn.execute("drop schema if exists delta cascade")
    version = code_version(*MODEL_CODE)
    state = conn.execute("select version, data_start, cutoff from model_state").fetchall() \
        if table_exists(conn, "model_state") and column_exists(conn, "model_state", "data_start") else []
    built = all(table_exists(conn, t) for t in ("person_numbers", "model_pending", *PERSON_TABLES))
    if not (state and state[0][0] == version and built):
        conn.execute("drop table if exists model_state")
        figures_changed(conn, "null")
        return "every person"
    (_, data_start, old_cutoff), = state
    window = conn.execute("select data_start, cutoff from data_window").fetchall()[0]
    if data_start != window[0]:
        figures_changed(conn, "null")   # the first-time statuses read the data start
    if old_cutoff != window[1]:
        figures_changed(conn, f"date '{min(old_cutoff, window[1])}'")
        conn.execute("""
            insert into model_pending
            select person_key from person_numbers
            semi join (select person_no from stays_current where exit_date is null
                       union select person_no from cases_current where end_date is null
                       union (select person_no from episodes
                              qualify first_entry = max(first_entry) over (partition by person_no)
                                  and year(first_entry) - birth_year between 18 and 24
                              intersect
                              select person_no from stays_current
                              where coalesce(exit_date, $old) >= date_trunc('year', least($old, $new)))
                      ) using (person_no)""", {"old": old_cutoff, "new": window[1]})
    conn.execute(f"create schema delta; create table delta.old_window as select date '{old_cutoff}' as cutoff")
    return "changed persons only"


def figures_changed(conn, since: str) -> None:
    conn.execute("create table if not exists figures_changed_since (since date)")
    conn.execute(f"insert into figures_changed_since values ({since})")


def number_changed_persons(conn) -> int:
    """`person_numbers` kept: a vanished person's number is dropped and new persons are numbered after
    the highest. Schema `delta` set up with the
    changed persons (their number, old or new) and views of the core rows their tables read.
    Returns how many persons changed."""
    conn.execute("""create table delta.persons as
                    select p.person_key, n.person_no from (select distinct person_key from model_pending) p
                    left join person_numbers n using (person_key)""")
    # Which changed persons still have a row: a semi join on the changed keys, not the distinct
    # keys of every core row (that was most of this step after a quarter at 100x).
    conn.execute("create temp table changed_present as " + " union ".join(
        f"select person_key from {core} semi join delta.persons using (person_key)" for core in RECORDS))
    present = "select person_key from changed_present"
    conn.execute(f"""
        delete from person_numbers where person_key in (select person_key from delta.persons)
                                     and person_key not in ({present});
        insert into person_numbers
        select person_key, (select coalesce(max(person_no), 0) from person_numbers)
                           + row_number() over (order by person_key)::integer
        from delta.persons where person_no is null and person_key in ({present});
        update delta.persons d set person_no = n.person_no from person_numbers n
        where d.person_no is null and n.person_key = d.person_key;
        delete from delta.persons where person_no is null;
        drop table changed_present""")
    for core, record_id in RECORDS.items():
        record = f"provider, {record_id}"
        conn.execute(f"""create view delta.{core} as select * from main.{core}
                         semi join (select {record} from main.{core} semi join delta.persons using (person_key))
                         using ({record})""")
    return conn.execute("select count(*) from delta.persons").fetchall()[0][0]


def per_person(conn) -> bool:
    return conn.execute("select count(*) from duckdb_schemas() where schema_name = 'delta' "
                        "and database_name = current_database()").fetchall()[0][0] > 0


@contextmanager
def person_scope(conn, table: str):
    """Around building a person-level `table` by its unchanged SQL: when the model is computed per
    person, the SQL reads and writes schema `delta`, and `table`'s rows of those persons are then
    replaced in main (a stay of a changed person may list another person's rows, which are not
    theirs to replace: only the changed persons' rows are kept)."""
    if not per_person(conn):
        yield
        return
    conn.execute("set search_path = 'delta,main'")
    try:
        yield
    finally:
        conn.execute("reset search_path")
    conn.execute(f"delete from delta.{table} where person_no not in (select person_no from delta.persons)")
    if table in RECORD_DATES:
        date_changed_records(conn, table)
    conn.execute(f"""
        begin;
        delete from main.{table} where person_no in (select person_no from delta.persons);
        insert into main.{table} by name select * from delta.{table};
        commit""")


def date_changed_records(conn, table: str) -> None:
    """Adds to `figures_changed_since` the earliest date the changed persons' records in `table`
    (old: main, new: delta) move figures at."""
    key, start, end_side, filled_in_later = RECORD_DATES[table]
    keys = [k.strip() for k in key.split(",")]
    columns = [c for (c,) in conn.execute("select column_name from duckdb_columns() where schema_name = 'main' "
                                          "and table_name = ? and database_name = current_database() "
                                          "order by column_index", [table]).fetchall()]
    start_side = [c for c in columns if c not in end_side and c not in filled_in_later]
    on = " and ".join(f"o.{k} = n.{k}" for k in keys)
    end = end_side[0]
    # Only the end side or a date filled in later changed: the earliest of what changed.
    end_moved = f"""case when {row_of('o', end_side)} is distinct from {row_of('n', end_side)}
                         then least(coalesce(o.{end}, w.cutoff), coalesce(n.{end}, d.cutoff)) - 1 end"""
    filled_moved = [f"case when o.{c} is distinct from n.{c} then least(o.{c}, n.{c}) end" for c in filled_in_later]
    later = ", ".join([end_moved, *filled_moved])
    conn.execute(f"""
        insert into figures_changed_since
        select min(case when o.{keys[0]} is null then n.start
                        when n.{keys[0]} is null then o.start
                        when {row_of('o', start_side)} is not distinct from {row_of('n', start_side)}
                            then least({later})
                        else least(o.start, n.start) end)
        from (select *, {start} as start from main.{table} semi join delta.persons using (person_no)) o
        full join (select *, {start} as start from delta.{table}) n on {on}
        cross join delta.old_window w cross join data_window d
        where {row_of('o', columns)} is distinct from {row_of('n', columns)}
        having count(*) > 0""")


def row_of(alias: str, columns: list[str]) -> str:
    return "row(" + ", ".join(f"{alias}.{c}" for c in columns) + ")"


def complete_model(conn) -> None:
    """After the last person-level table: the model is whole for the current core tables and cutoff."""
    conn.execute(f"""
        begin;
        drop schema if exists delta cascade;
        create or replace table model_pending (person_key varchar);
        create or replace table model_state as select {sql_text(code_version(*MODEL_CODE))} as version,
            data_start, cutoff from data_window;
        commit""")

