"""The data contract (shared/spec/data-contract.md) as data: datasets, file names, columns, codes.

One table of rules drives the pipeline's parsing and quarantine. Each column knows how to parse
itself in DuckDB SQL and which rule a bad value breaks, so a new column rule is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

PRIOR_SITUATIONS = ("own_housing", "family_friends", "street", "other_shelter", "transitional_housing",
                    "supported_housing", "hospital_treatment", "prison", "other", "unknown")
EXIT_DESTINATIONS = ("own_housing", "supported_housing", "transitional_housing", "family_friends",
                     "other_shelter", "hospital_treatment", "prison", "street", "deceased", "unknown")
METHODS = ("CTI", "ICM", "ACT", "OTHER_SUPPORT")
END_REASONS = ("completed", "moved", "dropped_out", "deceased", "other")
SEXES = ("F", "M", "X")
COUNT_SITUATIONS = ("street", "night_shelter", "shelter", "hotel_hostel", "family_friends",
                    "transitional_housing", "awaiting_discharge", "other", "unknown")
AGE_GROUPS = ("18-24", "25-29", "30-39", "40-49", "50-59", "60+", "unknown")

# Periods in file names: 2024, 2024-Q3 or 2024-07 (data contract, "shelter_stays/<shelter_id>_<period>").
# A resubmission may carry a suffix (S017_2024-Q3_v2.csv); it is the same delivery.
PERIOD_PATTERN = r"(?P<period>\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?)"
SUFFIX = r"(?:_[\w-]+)?\.csv(?:\.gz)?$"
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
# Plausible upper bounds beyond the data contract (README, "Bounds"): larger values are typing errors.
MAX_COUNT_PERSONS = 10_000         # one row of the national count
MAX_POPULATION = 2_000_000         # one municipality (København: about 660,000)
MAX_BEDS = 1_000                   # one shelter (the largest have about 150)


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                      # text | key | int | number | kroner | date | code
    required: bool = True
    codes: tuple[str, ...] = ()
    person_level: bool = False     # never echoed in errors, metadata or output

    @property
    def raw(self) -> str:
        return f"nullif(trim({quote_identifier(self.name)}), '')"

    def parsed(self) -> str:
        """DuckDB expression for the typed value; NULL when empty or unparseable."""
        if self.kind == "int":
            # Digits only (a leading zero is fine: 0101 = 101). DuckDB's cast would also take 1_980,
            # +1980, 0x7bc, 3.5 (as 4) and 7.51e2; a Danish "1.000" is a thousand, not 1: all errors.
            return f"case when regexp_full_match({self.raw}, '-?[0-9]{{1,9}}') then cast({self.raw} as integer) end"
        if self.kind == "number":
            # A decimal point or a Danish decimal comma (0,5 = 0.5).
            return f"try_cast(replace({self.raw}, ',', '.') as double)"
        if self.kind == "kroner":
            # An amount as Danish files write it: 1.234,50 (thousands dot, decimal comma), 1234,50,
            # 1234.50 or 1.234 (a dot before exactly three digits groups thousands: no rate is 1.234 kr.).
            return (f"case when regexp_full_match({self.raw}, '-?[0-9]{{1,3}}([.][0-9]{{3}})+(,[0-9]+)?') "
                    f"then cast(replace(replace({self.raw}, '.', ''), ',', '.') as decimal(18, 2)) "
                    f"when regexp_full_match({self.raw}, '-?[0-9]{{1,12}}([.,][0-9]+)?') "
                    f"then cast(replace({self.raw}, ',', '.') as decimal(18, 2)) end")
        if self.kind == "date":
            tries = ", ".join(f"try_strptime({self.raw}, '{fmt}')" for fmt in DATE_FORMATS)
            return f"cast(coalesce({tries}) as date)"
        return self.raw

    def messages(self) -> dict[str, str]:
        """What each rule means for a provider, in words (never with the value itself)."""
        allowed = ", ".join(self.codes)
        return {
            "required": f"{self.name} is required and is empty",
            "type_int": f"{self.name} must be a whole number written with digits only (no thousands "
                        "separator, decimals, exponent or sign other than -)",
            "type_number": f"{self.name} must be a number (0.5 or 0,5)",
            "type_kroner": f"{self.name} must be an amount in kroner: 1234,50, 1.234,50 or 1234.50",
            "type_date": f"{self.name} must be a date: YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY",
            "person_key_format": f"{self.name} must be 64 lowercase hexadecimal characters (the national pseudonym)",
            "code": f"{self.name} must be one of: {allowed}",
        }

    def broken_rule(self) -> str:
        """DuckDB expression over a typed row (see Dataset.typed_columns): the name of the rule this
        column's value breaks, or NULL. The value is parsed once; `<name>_given` says it was not empty."""
        name, given = quote_identifier(self.name), quote_identifier(f"{self.name}_given")
        checks = []
        if self.required:
            checks.append((f"not {given}", "required"))
        if self.kind in ("int", "number", "kroner", "date"):
            checks.append((f"{given} and {name} is null", f"type_{self.kind}"))
        if self.kind == "key":
            checks.append((f"{name} is not null and not regexp_full_match({name}, '[0-9a-f]{{64}}')",
                           "person_key_format"))
        if self.codes:
            listed = ", ".join(sql_text(code) for code in self.codes)
            checks.append((f"{name} is not null and {name} not in ({listed})", "code"))
        whens = " ".join(f"when {condition} then '{rule}'" for condition, rule in checks)
        return f"case {whens} end" if whens else "null"


@dataclass(frozen=True)
class RowRule:
    """A rule on a typed row: `broken` is DuckDB SQL over the row's typed columns (`t.<column>`,
    NULL when empty or unparseable; `t.<column>_given` tells which), its delivery
    (`f.period_start`, `f.period_end`, `f.provider`) and the reference tables."""

    name: str
    column: str
    broken: str
    message: str


def not_after_period_end(column: str, advice: str = "") -> RowRule:
    return RowRule("after_period_end", column, f"t.{column} > f.period_end",
                   f"{column} is after the end of the delivery's period{advice}")


UNKNOWN_MUNICIPALITY = RowRule(
    "unknown_municipality", "municipality_code",
    "t.municipality_code not in (select municipality_code from municipalities)",
    "municipality_code is not one of the 98 municipalities in reference/municipalities.csv")


@dataclass(frozen=True)
class Dataset:
    name: str
    file_pattern: str              # regex on the file name: groups (provider, period)
    columns: tuple[Column, ...]
    reference: bool = False
    description: str = ""
    example: str = ""              # a file name that follows the contract
    rules: tuple[RowRule, ...] = ()

    optional_file: bool = False    # reference only: a landing folder may leave it out

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def typed_columns(self, given: bool = False) -> str:
        """SELECT list over text rows: every column parsed to its type, under its own name; with
        `given`, also `<name>_given` (not empty), which tells an empty value from one that did not
        parse (the rules need it)."""
        return ", ".join(f"{c.parsed()} as {quote_identifier(c.name)}"
                         + (f", {c.raw} is not null as {quote_identifier(c.name + '_given')}" if given else "")
                         for c in self.columns)

    def rule_problems(self, typed: str, keys: str, joins: str = "") -> str:
        """SELECT of (keys, column_name, rule, message) for every broken row rule of the typed rows
        in `typed` (as t; `joins` adds what the rules read, e.g. the row's delivery as f)."""
        return " union all ".join(
            f"select {keys}, {sql_text(rule.column)}, {sql_text(rule.name)}, {sql_text(rule.message)} "
            f"from {typed} t {joins} where coalesce(({rule.broken}), false)" for rule in self.rules)

    def column_problems(self, typed: str, keys: str) -> str:
        """SELECT of (keys, column_name, rule, message) for every broken column rule of the typed
        rows in `typed`, in one pass: each row's rules side by side, then unpivoted (which drops
        the NULLs of the rules kept)."""
        rules = {f"rule_{c.name}": c for c in self.columns}
        judged = ", ".join(f"{c.broken_rule()} as {quote_identifier(name)}" for name, c in rules.items())
        rule_columns = ", ".join(quote_identifier(name) for name in rules)
        messages = ", ".join(f"({sql_text(c.name)}, {sql_text(rule)}, {sql_text(text)})"
                             for c in self.columns for rule, text in c.messages().items())
        return f"""
            select {keys}, m.column_name, m.rule, m.message
            from (unpivot (select * from (select {keys}, {judged} from {typed}) where coalesce({rule_columns}) is not null)
                  on {rule_columns} into name rule_of value broken) b
            join (values {messages}) as m(column_name, rule, message)
                on b.rule_of = 'rule_' || m.column_name and b.broken = m.rule"""


SHELTER_STAYS = Dataset(
    name="shelter_stays",
    file_pattern=rf"^(?P<provider>S\w+?)_{PERIOD_PATTERN}{SUFFIX}",
    description="one row per stay active in the period, as the shelter reports it",
    example="S017_2024-Q3.csv",
    columns=(
        Column("stay_id", "text", person_level=True),
        Column("person_key", "key", person_level=True),
        Column("municipality_code", "int"),
        Column("entry_date", "date"),
        Column("exit_date", "date", required=False),
        Column("exit_destination", "code", required=False, codes=EXIT_DESTINATIONS),
        Column("prior_situation", "code", codes=PRIOR_SITUATIONS),
        Column("action_plan_date", "date", required=False),
        Column("birth_year", "int"),
        Column("sex", "code", codes=SEXES),
    ),
    rules=(
        RowRule("exit_before_entry", "exit_date", "t.exit_date < t.entry_date", "exit_date is before entry_date"),
        RowRule("destination_without_exit", "exit_destination",
                "t.exit_destination is not null and not t.exit_date_given",
                "exit_destination is given but exit_date is empty (give both or neither)"),
        RowRule("exit_without_destination", "exit_destination",
                "t.exit_date is not null and not t.exit_destination_given",
                "exit_date is given but exit_destination is empty (use unknown if it is not known)"),
        not_after_period_end("entry_date"),
        not_after_period_end("exit_date", " (report the stay as open)"),
        not_after_period_end("action_plan_date"),
        RowRule("birth_year_range", "birth_year",
                "t.birth_year < 1900 or t.birth_year > year(t.entry_date) - 15",
                "birth_year must be from 1900 to 15 years before the year of entry"),
        UNKNOWN_MUNICIPALITY,
        RowRule("shelter_not_open", "entry_date",
                "exists (select 1 from shelters s where s.shelter_id = f.provider and (t.entry_date < s.opened "
                "or coalesce(t.exit_date, t.entry_date) > s.closed))",
                "the stay falls outside the shelter's opened/closed dates in reference/shelters.csv"),
    ),
)

INTERVENTIONS = Dataset(
    name="interventions",
    file_pattern=rf"^(?P<provider>\d{{3,4}})_{PERIOD_PATTERN}{SUFFIX}",
    description="one row per Housing First or floating-support case active in the period",
    example="101_2024.csv",
    columns=(
        Column("case_id", "text", person_level=True),
        Column("person_key", "key", person_level=True),
        Column("municipality_code", "int"),
        Column("method", "code", codes=METHODS),
        Column("start_date", "date"),
        Column("end_date", "date", required=False),
        Column("housed_date", "date", required=False),
        Column("end_reason", "code", required=False, codes=END_REASONS),
    ),
    rules=(
        RowRule("municipality_mismatch", "municipality_code", "t.municipality_code <> try_cast(f.provider as integer)",
                "municipality_code must equal the municipality in the file name"),
        UNKNOWN_MUNICIPALITY,
        RowRule("end_before_start", "end_date", "t.end_date < t.start_date", "end_date is before start_date"),
        RowRule("reason_without_end", "end_reason", "t.end_reason is not null and not t.end_date_given",
                "end_reason is given but end_date is empty (give both or neither)"),
        RowRule("end_without_reason", "end_reason", "t.end_date is not null and not t.end_reason_given",
                "end_date is given but end_reason is empty (use other if it is not known)"),
        RowRule("housed_too_early", "housed_date", "t.housed_date < t.start_date - 90",
                "housed_date is more than 90 days before start_date"),
        not_after_period_end("start_date"),
    ),
)

HOMELESS_COUNT = Dataset(
    name="homeless_count",
    file_pattern=rf"^count_(?P<provider>)(?P<period>\d{{4}}){SUFFIX}",
    description="the national count in week 6, aggregated",
    example="count_2024.csv",
    columns=(
        Column("municipality_code", "int"),
        Column("situation", "code", codes=COUNT_SITUATIONS),
        Column("age_group", "code", codes=AGE_GROUPS),
        Column("sex", "code", codes=SEXES),
        Column("persons", "int"),
    ),
    rules=(
        UNKNOWN_MUNICIPALITY,
        RowRule("negative_count", "persons", "t.persons < 0", "persons must be 0 or more"),
        RowRule("count_too_large", "persons", f"t.persons > {MAX_COUNT_PERSONS}",
                f"persons must be at most {MAX_COUNT_PERSONS:,} in one row (the whole national count is about 6,000)"),
    ),
)

DELIVERED = (SHELTER_STAYS, INTERVENTIONS, HOMELESS_COUNT)



def unique(column: str, *more: str) -> RowRule:
    """A reference file's key: the row breaks it when an earlier or later row has the same key."""
    key = (column, *more)
    same = " and ".join(f"t2.{c} = t.{c}" for c in key)
    return RowRule(f"duplicate_{column}", column, f"(select count(*) from typed t2 where {same}) > 1",
                   f"{', '.join(key)} appears more than once (it must be unique)")


def in_range(column: str, low: int, high: int, message: str) -> RowRule:
    return RowRule(f"{column}_range", column, f"t.{column} < {low} or t.{column} > {high}", message)


IN_MUNICIPALITIES = RowRule("unknown_municipality", "municipality_code",
                            "t.municipality_code not in (select municipality_code from municipalities)",
                            "municipality_code is not in reference/municipalities.csv")

MUNICIPALITIES = Dataset("municipalities", r"^municipalities\.csv$", reference=True, columns=(
    Column("municipality_code", "int"), Column("name", "text"), Column("region_code", "int")), rules=(
    unique("municipality_code"),
    in_range("municipality_code", 101, 860, "municipality_code must be an official code from 101 to 860"),
    in_range("region_code", 1081, 1085, "region_code must be 1081-1085"),
))
POPULATION = Dataset("population", r"^population\.csv$", reference=True, columns=(
    Column("municipality_code", "int"), Column("year", "int"), Column("population", "int")), rules=(
    unique("municipality_code", "year"), IN_MUNICIPALITIES,
    in_range("year", 1900, 2100, "year must be from 1900 to 2100"),
    in_range("population", 1, MAX_POPULATION,
             f"population must be more than 0 and at most {MAX_POPULATION:,} (inhabitants on 1 January)"),
))
SHELTERS = Dataset("shelters", r"^shelters\.csv$", reference=True, columns=(
    Column("shelter_id", "text"), Column("name", "text"), Column("municipality_code", "int"),
    Column("beds", "int"), Column("target_group", "code", codes=("adults", "youth", "women", "families")),
    Column("opened", "date", required=False), Column("closed", "date", required=False)), rules=(
    unique("shelter_id"), IN_MUNICIPALITIES,
    in_range("beds", 1, MAX_BEDS, f"beds must be more than 0 and at most {MAX_BEDS:,}"),
))


MAX_NIGHT_RATE = 20_000            # data contract: a nightly rate is > 0 and < 20,000 kr.
MAX_MONTHLY_COST = 1_000_000       # a month of support (ACT, the dearest, costs some 10,000-20,000 kr.)
SHELTER_RATES = Dataset("shelter_rates", r"^shelter_rates\.csv$", reference=True, optional_file=True, columns=(
    Column("shelter_id", "text"), Column("year", "int"), Column("night_rate_dkk", "kroner")), rules=(
    unique("shelter_id", "year"),
    RowRule("unknown_shelter", "shelter_id", "t.shelter_id not in (select shelter_id from shelters)",
            "shelter_id is not in reference/shelters.csv"),
    in_range("year", 1900, 2100, "year must be from 1900 to 2100"),
    RowRule("night_rate_range", "night_rate_dkk", f"t.night_rate_dkk <= 0 or t.night_rate_dkk >= {MAX_NIGHT_RATE}",
            f"night_rate_dkk must be more than 0 and less than {MAX_NIGHT_RATE:,} kr. a night"),
))
HF_UNIT_COSTS = Dataset("hf_unit_costs", r"^hf_unit_costs\.csv$", reference=True, optional_file=True, columns=(
    Column("method", "code", codes=("CTI", "ICM", "ACT")), Column("year", "int"),
    Column("monthly_cost_dkk", "kroner")), rules=(
    unique("method", "year"),
    in_range("year", 1900, 2100, "year must be from 1900 to 2100"),
    RowRule("monthly_cost_range", "monthly_cost_dkk",
            f"t.monthly_cost_dkk <= 0 or t.monthly_cost_dkk > {MAX_MONTHLY_COST}",
            f"monthly_cost_dkk must be more than 0 and at most {MAX_MONTHLY_COST:,} kr. a month"),
))

REFERENCE = (MUNICIPALITIES, POPULATION, SHELTERS, SHELTER_RATES, HF_UNIT_COSTS)

# Mission targets (reference/targets.csv, documented in sample_data/README.md): what the partners
# committed to, for one area or every area of a level. Optional: without it there are no targets.
TARGET_LEVELS = ("national", "region", "municipality")
TARGETS = Dataset(
    "targets", r"^targets\.csv$", reference=True, optional_file=True,
    description="shared mission targets: indicator, area, target value, direction, baseline, deadline, owner",
    example="targets.csv",
    columns=(
        Column("target_id", "text"),
        Column("indicator", "text"),
        Column("level", "code", codes=TARGET_LEVELS),
        Column("area_code", "text"),             # DK, a region or municipality code, or * for every one
        Column("breakdown", "text", required=False),
        Column("target", "number"),
        Column("target_kind", "code", codes=("value", "change")),   # change: relative to the baseline
        Column("direction", "code", codes=("at_most", "at_least")),
        Column("baseline_period", "text"),
        Column("deadline", "date"),
        Column("owner", "text"),
        Column("description", "text"),
    ),
    rules=(
        RowRule("duplicate_target_id", "target_id",
                "(select count(*) from typed t2 where t2.target_id = t.target_id) > 1",
                "target_id appears more than once"),
        RowRule("unknown_indicator", "indicator", "t.indicator not in (select indicator from known_indicators)",
                "indicator is not one of the indicators in shared/spec/indicators.md"),
        RowRule("unknown_area", "area_code", """not (
                    (t.level = 'national' and t.area_code = 'DK')
                    or (t.level = 'region' and (t.area_code = '*' or try_cast(t.area_code as integer)
                        in (select region_code from municipalities)))
                    or (t.level = 'municipality' and (t.area_code = '*' or try_cast(t.area_code as integer)
                        in (select municipality_code from municipalities))))""",
                "area_code must be DK (national), a region or municipality code of the level, or * for all of them"),
        RowRule("period_format", "baseline_period",
                "not regexp_full_match(t.baseline_period, '\\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?')",
                "baseline_period must be a year (2024), a quarter (2024-Q3) or a month (2024-07)"),
        RowRule("deadline_before_baseline", "deadline",
                "year(t.deadline) < try_cast(left(t.baseline_period, 4) as integer)",
                "deadline must be after the baseline period"),
        RowRule("change_below_minus_one", "target",
                "t.target_kind = 'change' and t.target < -1",
                "a change target is relative to the baseline: -0.5 halves it, -1 is the least possible"),
    ),
)

