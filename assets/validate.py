"""Validate, then publish the core tables: write-audit-publish.

- `quarantine`: one row per problem (file, line, column, rule, message; never a person-level value).
- `staging_<dataset>`: the typed rows that keep every rule.
- `deliveries`: per file, rows read = rows valid + rows quarantined, and its status.
- `shelter_stays`, `interventions`, `homeless_count`: the core tables, replaced by the staging
  tables (renamed, not copied) only after the blocking checks on `deliveries` and the staging
  tables have passed (a failed check leaves the last good core tables in place).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import delivery_files, raw_tables
from checks.contract import DELIVERED, SHELTER_STAYS, Dataset, quote_identifier, sql_text
from pipelines.resources import OWNERS, table_exists, table_metadata

STRUCTURE_MESSAGE = "the line cannot be split into the file's columns (wrong number of fields, a broken quote " \
                    "or bytes that are not text)"
DUPLICATE_KEY = {"shelter_stays": "stay_id", "interventions": "case_id"}
# What a staging row carries of its delivery, after its source file and line.
DELIVERY_COLUMNS = "f.provider, f.period, f.period_start, f.period_end, f.sha256"


def problems_sql(dataset: Dataset) -> str:
    """Every broken column rule, row rule and unreadable line of raw_<dataset>, from typed_<dataset>."""
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
        from raw_{dataset.name}_rejects""")
    return " union all ".join(parts)


# Cross-row (data contract): "two stays of one person that overlap by more than one day" quarantine
# the later-delivered stay: every row of it, so no older version of it takes its place. A stay is
# judged by its row from the latest period it was delivered in (a clean row wins a tie, then the
# later file and line); if that row was itself quarantined the stay is left out: its true dates are
# not known. The message names the earliest-delivered stay it overlaps.
OVERLAP_SQL = """
    with stays as (
        select t.provider, t.stay_id, t.person_key, t.entry_date, coalesce(t.exit_date, date '9999-12-31') as ends,
               p.line is null as clean, min(f.period_start) over stay as first_delivered
        from typed_shelter_stays t
        join delivery_files f using (source_file)
        left join found_problems p on p.source_file = t.source_file and p.line = t.line
        window stay as (partition by t.provider, t.stay_id)
        qualify row_number() over (stay order by f.period_end desc, clean desc, t.source_file desc, t.line desc) = 1
    ), candidates as (
        -- Only a person with a stay entering more than one day before an earlier-entered stay ends
        -- can have an overlap: one window finds them, so the pairwise rule below joins their stays
        -- alone instead of everyone's (a self-join on the pseudonym was 23 s at 100x).
        select distinct person_key from (
            select person_key, entry_date, ends, max(ends) over (partition by person_key order by entry_date, ends
                                                                 rows between unbounded preceding and 1 preceding) as earlier_ends
            from stays where clean)
        where least(ends, earlier_ends) - entry_date > 1 and earlier_ends is not null   -- (least skips a NULL)
    ), suspects as (
        select * from stays semi join candidates using (person_key) where clean
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
    from typed_shelter_stays t join later l on l.provider = t.provider and l.stay_id = t.stay_id
    anti join found_problems p on p.source_file = t.source_file and p.line = t.line
"""


def type_rows(conn, dataset: Dataset, temporary: bool) -> None:
    """typed_<dataset>: raw_<dataset> parsed, each row with its delivery and `<column>_given` flags."""
    conn.execute(f"""create or replace {'temp ' if temporary else ''}table typed_{dataset.name} as
                     select r.source_file, r.line, {DELIVERY_COLUMNS}, {dataset.typed_columns(given=True)}
                     from raw_{dataset.name} r join delivery_files f using (source_file)""")


def drop_quarantined_rows(conn, table: str) -> None:
    conn.execute(f"delete from {table} t using quarantine q where q.source_file = t.source_file and q.line = t.line")


def find_problems(conn, keep_typed: bool = False) -> None:
    """Table `quarantine` from the raw tables (the pipeline and `hfmon validate` both run this).
    With `keep_typed`, the typed rows that keep every rule stay behind as table typed_<dataset>, each
    with its delivery, for the staging assets: every row is parsed once (parsing again from text was 15 s at 100x)."""
    for dataset in DELIVERED:
        type_rows(conn, dataset, temporary=not keep_typed)
    union = " union all ".join(f"select *, {sql_text(d.name)} as dataset from ({problems_sql(d)})" for d in DELIVERED)
    conn.execute(f"create or replace temp table found_problems as {union}")
    conn.execute(f"insert into found_problems select *, 'shelter_stays' from ({OVERLAP_SQL})")
    conn.execute("""
        create or replace table quarantine as
        select p.source_file, p.line, p.column_name, p.rule, p.message, p.dataset, f.provider, f.period
        from found_problems p join delivery_files f using (source_file)
        order by p.dataset, p.source_file, p.line, p.column_name, p.rule
    """)
    for dataset in DELIVERED:
        if keep_typed:
            drop_quarantined_rows(conn, f"typed_{dataset.name}")
        else:
            conn.execute(f"drop table typed_{dataset.name}")
    conn.execute("drop table found_problems")


@dg.asset(group_name="validate", kinds={"duckdb"}, deps=raw_tables)
def quarantine(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per problem found in a delivered row: file, line, column, rule and a message."""
    with duckdb.get_connection() as conn:
        find_problems(conn, keep_typed=True)
        by_rule = dict(conn.execute("select rule, count(*) from quarantine group by rule order by rule").fetchall())
    return dg.MaterializeResult(metadata={"dagster/row_count": sum(by_rule.values()),
                                          "problems_by_rule": dg.MetadataValue.json(by_rule)})


def drop_view_left_by_publish(conn, staging: str) -> None:
    """The last publish left the staging name as a view of the core table; a failed audit (or a
    warehouse from before publishing by rename) left a table, which is simply replaced."""
    if conn.execute("select count(*) from duckdb_views() where view_name = ? and schema_name = 'main'",
                    [staging]).fetchall()[0][0]:
        conn.execute(f"drop view {staging}")


def stage_typed_rows(conn, dataset: Dataset) -> None:
    """staging_<dataset>: the typed rows that keep every rule, which `quarantine` left, renamed, less the
    rules' helper columns. When they are gone (staging materialised on its own), typed again from text."""
    staging, typed = f"staging_{dataset.name}", f"typed_{dataset.name}"
    if not table_exists(conn, typed):
        type_rows(conn, dataset, temporary=False)
        drop_quarantined_rows(conn, typed)
    helpers = "; ".join(f"alter table {staging} drop column {quote_identifier(c + '_given')}"
                        for c in dataset.column_names)
    conn.execute(f"""
        begin;
        drop table if exists {staging};
        alter table {typed} rename to {staging};
        {helpers};
        commit""")


def staging_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=f"staging_{dataset.name}", group_name="validate", kinds={"duckdb"}, deps=[quarantine],
              description=f"{dataset.name}: typed rows that keep every rule ({dataset.description}), with "
                          "the file, line, provider and period they came from; audited before publishing.")
    def _staging(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            drop_view_left_by_publish(conn, f"staging_{dataset.name}")
            stage_typed_rows(conn, dataset)
            rows = conn.execute(f"select count(*) from staging_{dataset.name}").fetchall()[0][0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _staging


staging_tables = [staging_asset(dataset) for dataset in DELIVERED]


def account_for_deliveries(conn) -> None:
    """Table `deliveries`: per file rows read, valid and quarantined, and its status."""
    read = " union all ".join(
        f"select source_file, count(*) as n from raw_{d.name} group by all "
        f"union all select source_file, count(distinct line) from raw_{d.name}_rejects group by all"
        for d in DELIVERED)
    valid = " union all ".join(f"select source_file, count(*) as n from staging_{d.name} group by all"
                               for d in DELIVERED)
    refused = " union all ".join(f"select * from raw_{d.name}_refusals" for d in DELIVERED)
    conn.execute(f"""
        create or replace table deliveries as
        with rows_read as (select source_file, sum(n) as n from ({read}) group by all),
             rows_valid as (select source_file, sum(n) as n from ({valid}) group by all),
             rows_quarantined as (select source_file, count(distinct line) as n from quarantine group by all),
             cpr_refused as ({refused})
        select f.source_file, f.dataset, f.provider, f.period, f.sha256,
               coalesce(r.n, 0)::bigint as rows_read, coalesce(v.n, 0)::bigint as rows_valid,
               coalesce(q.n, 0)::bigint as rows_quarantined,
               case when c.source_file is not null then 'refused' when f.status = 'load' then 'loaded'
                    else f.status end as status,
               coalesce(c.reason, f.refusal_reason) as refusal_reason,
               coalesce(json_array_length(f.extra_columns), 0) > 0 as has_extra_columns,
               f.period_start, f.period_end
        from delivery_files f
        left join rows_read r using (source_file)
        left join rows_valid v using (source_file)
        left join rows_quarantined q using (source_file)
        left join cpr_refused c using (source_file)
        -- Contents no longer in the landing folder, replaced by a newer file of the same delivery.
        union all by name
        select h.source_file, h.dataset, h.provider, h.period, h.sha256, 0 as rows_read, 0 as rows_valid,
               0 as rows_quarantined, 'superseded' as status, null as refusal_reason, false as has_extra_columns
        from delivery_history h
        where not exists (select 1 from delivery_files f where f.source_file = h.source_file and f.sha256 = h.sha256)
          and exists (select 1 from delivery_files f where (f.dataset, f.provider, f.period) = (h.dataset, h.provider, h.period)
                      and f.status = 'load')
        order by dataset, source_file, status
    """)


@dg.asset(group_name="validate", kinds={"duckdb"}, deps=[delivery_files, *staging_tables])
def deliveries(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The delivery manifest: per file its hash, rows read, valid and quarantined, and status
    (loaded, superseded, unchanged, refused)."""
    with duckdb.get_connection() as conn:
        account_for_deliveries(conn)
        summary = conn.execute("""select count(*), sum(rows_read), sum(rows_valid), sum(rows_quarantined),
                                         count(*) filter (where status = 'refused'),
                                         count(*) filter (where has_extra_columns) from deliveries""").fetchall()[0]
    files, read_rows, valid_rows, quarantined_rows, refused, extra = (int(x or 0) for x in summary)
    return dg.MaterializeResult(metadata={"dagster/row_count": files, "rows_read": read_rows,
                                          "rows_valid": valid_rows, "rows_quarantined": quarantined_rows,
                                          "files_refused": refused, "files_with_extra_columns": extra})


def core_asset(dataset: Dataset) -> dg.AssetsDefinition:
    staging = f"staging_{dataset.name}"

    @dg.asset(name=dataset.name, group_name="core", kinds={"duckdb"}, deps=[staging, deliveries], owners=OWNERS,
              description=f"{dataset.name}, validated: replaced from {staging} only after the blocking "
                          "checks on it and on deliveries passed (write-audit-publish).")
    def _core(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            # Published by renaming, not copying (a copy was 16 s at 100x); the staging name stays a
            # view of the same rows for whatever reads it after the swap, until the next run stages anew.
            conn.execute(f"""
                begin;
                drop table if exists {dataset.name};
                alter table {staging} rename to {dataset.name};
                create view {staging} as select * from {dataset.name};
                commit""")
            metadata = table_metadata(conn, dataset.name)
        return dg.MaterializeResult(metadata=metadata)

    return _core


core_tables = [core_asset(dataset) for dataset in DELIVERED]
shelter_stays_core = core_tables[DELIVERED.index(SHELTER_STAYS)]


@dg.asset(group_name="validate", kinds={"duckdb"}, deps=[deliveries, "data_window", "shelters", "municipalities"])
def missing_deliveries(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Deliveries expected from each shelter and municipality but missing after the 30-day deadline."""
    with duckdb.get_connection() as conn:
        conn.execute((Path(__file__).parent / "sql" / "missing_deliveries.sql").read_text())
        rows, providers = conn.execute("select count(*), count(distinct (dataset, provider)) "
                                       "from missing_deliveries").fetchall()[0]
    return dg.MaterializeResult(metadata={"dagster/row_count": rows, "providers_late": providers})
