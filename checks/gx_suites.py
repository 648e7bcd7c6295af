"""Great Expectations suites, one or more per dataset, each run as a Dagster asset check.

GX cannot read DuckDB through its SQL datasource today (engineering notes §0.2), so each suite
pulls a small frame from DuckDB (per-file or per-provider aggregates, or distinct codes: its size
grows with the number of files, not rows) and validates it with GX's pandas engine.
Structural suites are ERROR and blocking: they guard the staging tables before the core tables are
replaced. Plausibility suites are WARN: they tell an analyst where to look.
Adding an expectation: add it to a suite's `expectations` below, named by the rule it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from checks.contract import (AGE_GROUPS, COUNT_SITUATIONS, END_REASONS, EXIT_DESTINATIONS, METHODS,
                             PRIOR_SITUATIONS, SEXES)


@dataclass(frozen=True)
class Suite:
    name: str
    asset: str
    blocking: bool
    description: str
    query: str                                  # DuckDB SQL for the frame the suite validates
    expectations: Callable[[object], dict]      # gx.expectations module -> {rule name: expectation}
    where: tuple[str, ...] = ()                 # the frame's columns that say where a failure is (file, shelter)


def per_file_structure(dataset: str, key: str | None, required: list[str], ordered: tuple[str, str] | None) -> str:
    """Per loaded file: rows read, accounted for (staged + quarantined), and structural counts."""
    checks = [f"count(*) filter (where {' or '.join(f'{c} is null' for c in required)}) as missing_required"]
    if ordered:
        checks.append(f"count(*) filter (where {ordered[1]} < {ordered[0]}) as dates_out_of_order")
    if key:
        checks.append(f"count(*) - count(distinct {key}) as duplicate_keys")
    return f"""
        with read as (select source_file, count(*) as n from raw_{dataset} group by all
                      union all select source_file, count(distinct line) from raw_{dataset}_rejects group by all),
             staged as (select source_file, count(*) as rows_staged, {', '.join(checks)}
                        from staging_{dataset} group by all),
             quarantined as (select source_file, count(distinct line) as n from quarantine group by all)
        select r.source_file, r.rows_read, coalesce(s.rows_staged, 0) + coalesce(q.n, 0) as rows_accounted,
               s.* exclude (source_file)
        from (select source_file, sum(n) as rows_read from read group by all) r
        left join staged s using (source_file) left join quarantined q using (source_file)"""


def structure_expectations(gxe, ordered: bool, keyed: bool) -> dict:
    rules = {
        "rows_accounted_for": gxe.ExpectColumnPairValuesToBeEqual(column_A="rows_read", column_B="rows_accounted"),
        "required_values_present": gxe.ExpectColumnValuesToBeBetween(column="missing_required", min_value=0, max_value=0),
    }
    if ordered:
        rules["dates_in_order"] = gxe.ExpectColumnValuesToBeBetween(column="dates_out_of_order", min_value=0, max_value=0)
    if keyed:
        rules["keys_unique_per_file"] = gxe.ExpectColumnValuesToBeBetween(column="duplicate_keys", min_value=0,
                                                                          max_value=0)
    return rules


SUITES = [
    Suite("shelter_stays_structure", "staging_shelter_stays", True,
          "Every shelter file balances, and staged stays have their required values, exits after entries "
          "and unique stay ids.",
          per_file_structure("shelter_stays", "stay_id", ["person_key", "entry_date", "municipality_code"],
                             ("entry_date", "exit_date")),
          lambda gxe: structure_expectations(gxe, ordered=True, keyed=True), where=("source_file",)),
    Suite("shelter_stays_codes", "staging_shelter_stays", True,
          "Staged stays use only the contract's codes.",
          "select distinct exit_destination, prior_situation, sex from staging_shelter_stays",
          lambda gxe: {
              "destination_code": gxe.ExpectColumnValuesToBeInSet(column="exit_destination",
                                                                  value_set=list(EXIT_DESTINATIONS)),
              "prior_situation_code": gxe.ExpectColumnValuesToBeInSet(column="prior_situation",
                                                                      value_set=list(PRIOR_SITUATIONS)),
              "sex_code": gxe.ExpectColumnValuesToBeInSet(column="sex", value_set=list(SEXES))}),
    Suite("interventions_structure", "staging_interventions", True,
          "Every intervention file balances, and staged cases have their required values, ends after "
          "starts and unique case ids.",
          per_file_structure("interventions", "case_id", ["person_key", "start_date", "method"],
                             ("start_date", "end_date")),
          lambda gxe: {**structure_expectations(gxe, ordered=True, keyed=True)}, where=("source_file",)),
    Suite("interventions_codes", "staging_interventions", True,
          "Staged cases use only the contract's methods and end reasons.",
          "select distinct method, end_reason from staging_interventions",
          lambda gxe: {"method_code": gxe.ExpectColumnValuesToBeInSet(column="method", value_set=list(METHODS)),
                       "end_reason_code": gxe.ExpectColumnValuesToBeInSet(column="end_reason",
                                                                           value_set=list(END_REASONS))}),
    Suite("homeless_count_structure", "staging_homeless_count", True,
          "Every count file balances, with no negative counts and only the contract's codes.",
          """select s.situation, s.age_group, s.sex, min(s.persons) as fewest_persons
             from staging_homeless_count s group by all""",
          lambda gxe: {
              "count_not_negative": gxe.ExpectColumnValuesToBeBetween(column="fewest_persons", min_value=0),
              "situation_code": gxe.ExpectColumnValuesToBeInSet(column="situation", value_set=list(COUNT_SITUATIONS)),
              "age_group_code": gxe.ExpectColumnValuesToBeInSet(column="age_group", value_set=list(AGE_GROUPS))}),
    # Plausibility: figures an analyst would question before publishing.
    Suite("shelter_stays_plausibility", "staging_shelter_stays", False,
          "Per shelter (at least 20 exits): unknown destinations at most 25% of exits; median stay 5-120 days.",
          # Each staged stay once, by its latest row (kept by the staging step: assets/validate.py).
          """select provider as shelter_id, count(exit_date) as exits,
                    avg((exit_destination = 'unknown')::int) filter (where exit_date is not null)
                        as unknown_destination_share,
                    median(exit_date - entry_date) as median_stay_days
             from latest_staged_stays group by provider having count(exit_date) >= 20""",
          lambda gxe: {
              "unknown_destinations_over_25_percent": gxe.ExpectColumnValuesToBeBetween(
                  column="unknown_destination_share", max_value=0.25),
              "median_stay_outside_5_to_120_days": gxe.ExpectColumnValuesToBeBetween(
                  column="median_stay_days", min_value=5, max_value=120)}, where=("shelter_id",)),
    Suite("occupancy_plausibility", "staging_shelter_stays", False,
          "Per shelter and complete quarter: occupancy at most 110% of its beds.",
          """with quarters as (select distinct period_start, period_end from staging_shelter_stays
                          where period_end - period_start between 85 and 95),
             cutoff as (select max(period_end) as cutoff from staging_shelter_stays),
             spans as (select provider, entry_date as entry, coalesce(exit_date, cutoff.cutoff + 1) as ends
                       from latest_staged_stays cross join cutoff),
             -- A stay meets the calendar quarters from its entry's up to its end: an equi-join on the
             -- quarter, not a range join of every stay with every quarter.
             by_quarter as (select provider, entry, ends,
                                   unnest(range(date_trunc('quarter', entry), ends, interval 3 month))::date as quarter_start
                            from spans)
             select c.provider as shelter_id, q.period_start as quarter_start,
                    sum(least(c.ends, q.period_end + 1) - greatest(c.entry, q.period_start))
                        / (any_value(s.beds) * (q.period_end - q.period_start + 1)) as occupancy
             from by_quarter c
             join quarters q on q.period_start = c.quarter_start
             join shelters s on s.shelter_id = c.provider
             group by c.provider, q.period_start, q.period_end""",
          lambda gxe: {"occupancy_over_110_percent": gxe.ExpectColumnValuesToBeBetween(column="occupancy",
                                                                                     max_value=1.10)},
          where=("shelter_id", "quarter_start")),
    Suite("homeless_count_plausibility", "staging_homeless_count", False,
          "The national count total moves at most 30% from the previous count.",
          """select period, sum(persons) as total,
                    sum(persons) / lag(sum(persons)) over (order by period) - 1 as change_from_previous
             from staging_homeless_count group by period""",
          lambda gxe: {"count_total_moved_over_30_percent": gxe.ExpectColumnValuesToBeBetween(
              column="change_from_previous", min_value=-0.30, max_value=0.30)}, where=("period",)),
]


MAX_EXAMPLES = 20


def readable(value) -> str:
    """A value as a person reads it: shares and days rounded to 3 decimals, dates as dates."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value == value else "empty"
    if hasattr(value, "date") and callable(value.date):
        return str(value.date())
    return str(value)


def failed_rows(result: dict, where: tuple[str, ...]) -> list[dict]:
    """Each failing row of the frame: where it is (the suite's `where` columns) and its values."""
    if not where:
        return [{"where": {}, "values": {"value": readable(v)}} for v in result.get("unexpected_list") or []]
    return [{"where": {k: readable(v) for k, v in row.items() if k in where},
             "values": {k: readable(v) for k, v in row.items() if k not in where}}
            for row in result.get("unexpected_index_list") or []]


def failures_table(failures: list[dict]) -> str:
    """The failed rules as a Markdown table for the Dagster UI: rule, where, the values that fail."""
    def cells(pairs: dict) -> str:
        return ", ".join(f"{k} {v}" if k != "value" else v for k, v in pairs.items()) or "—"

    lines = ["| rule | where | value | rows failing the rule |", "|---|---|---|---|"]
    lines += [f"| {failure['rule']} | {cells(example['where'])} | {cells(example['values'])} | "
              f"{failure['unexpected_count']} |"
              for failure in failures for example in failure["examples"] or [{"where": {}, "values": {}}]]
    return "\n".join(lines)


def run_suite(frame, suite: Suite) -> dict:
    """Validate `frame` with the suite in an ephemeral GX context; a summary with rule names."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    rules = suite.expectations(gxe)
    if frame.empty:
        return {"success": True, "evaluated": 0, "failures": [], "rows_checked": 0}
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)   # no bars in `hfmon run`
    batch = (context.data_sources.add_pandas(suite.name).add_dataframe_asset(suite.name)
             .add_batch_definition_whole_dataframe("all"))
    expectation_suite = context.suites.add(gx.ExpectationSuite(name=suite.name, expectations=list(rules.values())))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=expectation_suite))
    # COMPLETE on a frame of aggregates is small; with `where`, each failure says which file or shelter.
    result_format = {"result_format": "COMPLETE", "return_unexpected_index_query": False,
                     **({"unexpected_index_column_names": list(suite.where)} if suite.where else {})}
    result = validation.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    def signature(config) -> tuple:
        return config.type, tuple(sorted((k, str(v)) for k, v in config.kwargs.items()
                                         if k not in ("batch_id", "result_format")))

    by_signature = {signature(e.configuration): name for name, e in rules.items()}
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        failures.append({"rule": by_signature.get(signature(config), config.type),
                         "expectation": config.type, "column": config.kwargs.get("column"),
                         "unexpected_count": outcome.result.get("unexpected_count"),
                         # Aggregates only (files, shelter ids, codes, counts): no person-level value.
                         "examples": failed_rows(outcome.result, suite.where)[:MAX_EXAMPLES]})
    return {"success": bool(result.success), "evaluated": result.statistics["evaluated_expectations"],
            "failures": failures, "rows_checked": len(frame)}
