"""Validate: typed tables of the rows that keep the contract, and a quarantine for the rest.

Every row read ends in exactly one place: its typed table or the quarantine (one row per problem,
with file, line, column, rule and a message; never a person-level value). `deliveries` accounts
for it per file: rows_read = rows_valid + rows_quarantined.
"""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.ingest import delivery_files, raw_tables
from checks.contract import DELIVERED, Dataset, quote_identifier, sql_text

STRUCTURE_MESSAGE = "the line cannot be split into the contract's columns (wrong number of fields or a broken quote)"


def problems_sql(dataset: Dataset) -> str:
    """One row per broken rule in raw_<dataset>, as a single scan per column."""
    parts = []
    for column in dataset.columns:
        messages = " ".join(f"when {sql_text(rule)} then {sql_text(text)}" for rule, text in column.messages().items())
        parts.append(f"""
            select source_file, line, {sql_text(column.name)} as column_name, rule,
                   case rule {messages} end as message
            from (select source_file, line, {column.broken_rule()} as rule from raw_{dataset.name})
            where rule is not null""")
    parts.append(f"""
        select source_file, line, null as column_name, 'csv_structure' as rule,
               {sql_text(STRUCTURE_MESSAGE)} || ' (' || lower(error_type) || ')' as message
        from raw_{dataset.name}_rejects""")
    return " union all ".join(parts)


@dg.asset(group_name="validate", kinds={"duckdb"}, deps=raw_tables)
def quarantine(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per problem found in a delivered row: file, line, column, rule and a message."""
    union = " union all ".join(
        f"select *, {sql_text(d.name)} as dataset from ({problems_sql(d)})" for d in DELIVERED)
    with duckdb.get_connection() as conn:
        conn.execute(f"""
            create or replace table quarantine as
            select p.source_file, p.line, p.column_name, p.rule, p.message, p.dataset, f.provider, f.period
            from ({union}) p join delivery_files f using (source_file)
            order by p.dataset, p.source_file, p.line, p.column_name
        """)
        by_rule = conn.execute("select rule, count(*) from quarantine group by rule order by rule").fetchall()
        total = sum(n for _, n in by_rule)
    return dg.MaterializeResult(metadata={"dagster/row_count": total,
                                          "problems_by_rule": dg.MetadataValue.json(dict(by_rule))})


def typed_asset(dataset: Dataset) -> dg.AssetsDefinition:
    @dg.asset(name=dataset.name, group_name="validate", kinds={"duckdb"}, deps=[quarantine],
              description=f"{dataset.name}: typed rows that keep the contract ({dataset.description}), "
                          "with the file, line, provider and period they came from.")
    def _typed(duckdb: DuckDBResource) -> dg.MaterializeResult:
        typed = ", ".join(f"{c.parsed()} as {quote_identifier(c.name)}" for c in dataset.columns)
        with duckdb.get_connection() as conn:
            conn.execute(f"""
                create or replace table {dataset.name} as
                select r.source_file, r.line, f.provider, f.period, f.period_start, f.period_end, f.sha256, {typed}
                from raw_{dataset.name} r join delivery_files f using (source_file)
                anti join quarantine q on q.source_file = r.source_file and q.line = r.line
                order by r.source_file, r.line
            """)
            rows = conn.execute(f"select count(*) from {dataset.name}").fetchall()[0][0]
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _typed


typed_tables = [typed_asset(dataset) for dataset in DELIVERED]


@dg.asset(group_name="validate", kinds={"duckdb"}, deps=[delivery_files, *typed_tables])
def deliveries(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """The delivery manifest: per file its hash, rows read, valid and quarantined, and status."""
    read = " union all ".join(
        f"select source_file, count(*) as n from raw_{d.name} group by all "
        f"union all select source_file, count(distinct line) from raw_{d.name}_rejects group by all"
        for d in DELIVERED)
    valid = " union all ".join(f"select source_file, count(*) as n from {d.name} group by all" for d in DELIVERED)
    with duckdb.get_connection() as conn:
        conn.execute(f"""
            create or replace table deliveries as
            with rows_read as (select source_file, sum(n) as n from ({read}) group by all),
                 rows_valid as (select source_file, sum(n) as n from ({valid}) group by all),
                 rows_quarantined as (select source_file, count(distinct line) as n from quarantine group by all)
            select f.source_file, f.dataset, f.provider, f.period, f.sha256,
                   coalesce(r.n, 0)::bigint as rows_read, coalesce(v.n, 0)::bigint as rows_valid,
                   coalesce(q.n, 0)::bigint as rows_quarantined,
                   case when f.refusal_reason is null then 'loaded' else 'refused' end as status,
                   f.refusal_reason
            from delivery_files f
            left join rows_read r using (source_file)
            left join rows_valid v using (source_file)
            left join rows_quarantined q using (source_file)
            order by f.dataset, f.source_file
        """)
        summary = conn.execute("""select count(*), sum(rows_read), sum(rows_valid), sum(rows_quarantined),
                                         count(*) filter (where status = 'refused') from deliveries""").fetchall()[0]
    files, read_rows, valid_rows, quarantined_rows, refused = (int(x or 0) for x in summary)
    return dg.MaterializeResult(metadata={"dagster/row_count": files, "rows_read": read_rows,
                                          "rows_valid": valid_rows, "rows_quarantined": quarantined_rows,
                                          "files_refused": refused})
