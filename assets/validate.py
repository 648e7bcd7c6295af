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
from assets.model_changes import forget_model, record_changed_persons
from assets.problems import drop_quarantined_rows, type_rows
from assets.revalidation import judge_deliveries, record_published_contents, same_contents
from checks.contract import DELIVERED, SHELTER_STAYS, Dataset, quote_identifier
from pipelines.resources import OWNERS, table_exists, table_metadata

@dg.asset(group_name="validate", kinds={"duckdb"}, deps=raw_tables)
def quarantine(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per problem found in a delivered row: file, line, column, rule and a message. Only the
    contents new or gone since the core tables were published are judged (assets/revalidation.py)."""
    with duckdb.get_connection() as conn:
        judged = judge_deliveries(conn)
        by_rule = dict(conn.execute("select rule, count(*) from quarantine group by rule order by rule").fetchall())
    return dg.MaterializeResult(metadata={"dagster/row_count": sum(by_rule.values()), "judged": judged,
                                          "problems_by_rule": dg.MetadataValue.json(by_rule)})


def drop_view_left_by_publish(conn, staging: str) -> None:
    """The last publish left the staging name as a view of the core table; a failed audit (or a
    warehouse from before publishing by rename) left a table, which is simply replaced."""
    if conn.execute("select count(*) from duckdb_views() where view_name = ? and schema_name = 'main'",
                    [staging]).fetchall()[0][0]:
        conn.execute(f"drop view {staging}")


def stage_typed_rows(conn, dataset: Dataset) -> None:
    """staging_<dataset>: the typed rows that keep every rule, which `quarantine` left, renamed, less the
    rules' helper columns. When `quarantine` judged only what changed, they are the rows to add, and
    staging_<dataset> is a view: the core table less staging_<dataset>_removed, plus them. When they
    are gone (staging materialised on its own), every row is typed again from text."""
    staging, typed, removed = f"staging_{dataset.name}", f"typed_{dataset.name}", f"staging_{dataset.name}_removed"
    if not table_exists(conn, typed):
        conn.execute(f"drop table if exists {removed}")
        type_rows(conn, dataset, temporary=False)
        drop_quarantined_rows(conn, typed)
    changes_only = table_exists(conn, removed)
    stored = f"{staging}_added" if changes_only else staging
    helpers = "; ".join(f"alter table {stored} drop column {quote_identifier(c + '_given')}"
                        for c in dataset.column_names)
    view = f"""; create view {staging} as select * from {dataset.name} anti join {removed} using (source_file, line)
               union all by name select * from {stored}""" if changes_only else ""
    conn.execute(f"""
        begin;
        drop table if exists {staging};
        drop table if exists {stored};
        alter table {typed} rename to {stored};
        {helpers}{view};
        commit""")


def staging_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=f"staging_{dataset.name}", group_name="validate", kinds={"duckdb"}, deps=[quarantine],
              description=f"{dataset.name}: typed rows that keep every rule ({dataset.description}), with "
                          "the file, line, provider and period they came from; audited before publishing.")
    def _staging(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with duckdb.get_connection() as conn:
            drop_view_left_by_publish(conn, f"staging_{dataset.name}")
            stage_typed_rows(conn, dataset)
            latest = {"latest_stays_taken_for": keep_latest_staged_stays(conn)} if dataset == SHELTER_STAYS else {}
            rows = conn.execute(f"select count(*) from staging_{dataset.name}").fetchall()[0][0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows, **latest})

    return _staging


staging_tables = [staging_asset(dataset) for dataset in DELIVERED]


# Each staged stay's latest row, by the model's rule (assets/sql/model/stays_current.sql): what the
# plausibility suites judge shelters by. Kept between runs, so a run that judged only changed
# contents takes again only the stays those contents touch (a window over every row was 7 s of
# the suites after a quarter at 100x).
LATEST_STAGED_STAYS = """
    select provider, stay_id, entry_date, exit_date, exit_destination from staging_shelter_stays {only}
    qualify row_number() over (partition by provider, stay_id
                               order by period_end desc, period_start desc, source_file desc, line desc) = 1"""
SHELTER_CONTENTS = "select dataset, source_file, sha256 from {0} where dataset = 'shelter_stays'"


def keep_latest_staged_stays(conn) -> str:
    """Table `latest_staged_stays` for the staged shelter stays; returns whether it was built for
    every stay or for the stays changed contents touch."""
    built_for = "latest_staged_stays_contents"
    kept = table_exists(conn, "staging_shelter_stays_removed") and table_exists(conn, built_for) and \
        same_contents(conn, SHELTER_CONTENTS.format(built_for), SHELTER_CONTENTS.format("published_contents"))
    if kept:
        conn.execute("""create or replace temp table touched_stays as
                        select provider, stay_id from staging_shelter_stays_added
                        union select provider, stay_id from shelter_stays c
                        semi join staging_shelter_stays_removed r using (source_file, line)""")
        update = f"""delete from latest_staged_stays l using touched_stays t
                     where l.provider = t.provider and l.stay_id = t.stay_id;
                     insert into latest_staged_stays
                     {LATEST_STAGED_STAYS.format(only="semi join touched_stays using (provider, stay_id)")}"""
    else:
        update = f"create or replace table latest_staged_stays as {LATEST_STAGED_STAYS.format(only='')}"
    conn.execute(f"""begin; {update};
                     create or replace table {built_for} as {SHELTER_CONTENTS.format('validated_contents')};
                     commit""")
    conn.execute("drop table if exists touched_stays")
    return "the stays changed contents touch" if kept else "every stay"


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
            # Published by renaming, not copying (a copy was 16 s at 100x), or, when only changed
            # contents were judged, by deleting and adding their rows (and noting whose, for the
            # model); the staging name stays a view of the same rows for whatever reads it after
            # the swap, until the next run stages anew.
            removed = f"{staging}_removed"
            publish = f"""
                {record_changed_persons(dataset.name, removed, f"{staging}_added")};
                delete from {dataset.name} c using {removed} r where r.source_file = c.source_file and r.line = c.line;
                insert into {dataset.name} by name select * from {staging}_added;
                create or replace view {staging} as select * from {dataset.name};
                drop table {removed};
                drop table {staging}_added""" if table_exists(conn, removed) else f"""
                {forget_model(dataset.name)};
                drop table if exists {dataset.name};
                alter table {staging} rename to {dataset.name};
                create view {staging} as select * from {dataset.name}"""
            conn.execute(f"begin; {publish}; {record_published_contents(dataset.name)}; commit")
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
