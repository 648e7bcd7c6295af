"""One indicator, one SQL file: how a file in assets/sql/indicators/ becomes rows of `indicators`.

A file starts with a header of `-- key: value` lines, then one SELECT of *facts*:

    -- indicator: exits
    -- definition: "exits in the period; breakdown by destination"
    -- aggregate: count          count | sum | kroner | share | ratio | median | final
    -- periods: year, quarter    (default) or month, or count_years
    -- levels: national, region, municipality   (default: all three)
    -- status: <SQL over period_start, period_end, data_start, cutoff>   (default 'ok')
    -- scale: 10000              (ratio only: value = numerator / denominator * scale)
    -- total: no                 (no '' total row: the breakdown's parts do not add up to one)
    -- units: once per period     (count/share: the facts hold a unit at most once per period and
                                   breakdown, e.g. an episode by its exit date, so rows are counted
                                   instead of de-duplicated: 4x cheaper; a test holds every such file to it)
    -- units: month masks         (count/share of persons: the facts are rows of `person_months`, one per
                                   person, area and word, with `level`, `area_code`, `breakdown`,
                                   `month_word` and `units`, the months in which the person counts; a
                                   period counts the rows whose units meet its months: no distinct)
    -- hits: in the last month    (month masks, share: `hits` are months too; a unit is a hit when its
                                   hits hold the period's last month, not any of its months)
    -- variants: a_6m: 182; a_12m: 365   (one file, several indicators: $variant in the SQL is
                                           replaced by each value; used for follow-up horizons)
    -- persons: hf_persons        (kroner only: the persons behind the amounts are exactly the units
                                  of that count indicator, whose facts are the same: its value is
                                  the denominator instead of counting them again; a test holds
                                  every such file to it)
    -- persons: person_months.nights   (kroner only, likewise: the persons whose mask in that column
                                  of person_months meets the period, for a total without breakdown)
    -- looks ahead: 730 days    (how long after a period's end an event, or a date a later delivery
                                  fills in, can still move its figures, e.g. a return within 730 days
                                  of an exit, an action plan within 30 days of an entry; default 0. A run that
                                  recomputes only the figures a change can reach recomputes the
                                  periods ending on or after the change's date less this)
    -- rollup: per area          (facts carry `level` and `area_code` instead of `municipality_code`,
                                  one set of rows per area, by joining `area_members`: for rules that
                                  judge a person within each area, e.g. by their first exit among
                                  that area's exits, where DK's first is not a municipality's)

Facts have `period`, `municipality_code`, `breakdown` ('' for the total) and, by aggregate:
count `unit` (what is counted once: a person, an episode); sum `amount`; kroner `amount` (NULL where
a rate is missing, which makes the area and period no_data) and `unit` (the person behind it: their
number is the row's denominator, for disclosure control); share `unit`, `hit`; ratio `amount`,
`base`; median `amount` (one row per episode). They may join `indicator_periods`
(the periods table cut to the file's period types, and, in a run after new deliveries, to the
periods a change can reach: see `looks ahead`) and `area_members` (each municipality_code
with the three areas it belongs to: itself, its region and DK). The template below rolls facts up to
municipality, region and DK in one grouping-sets pass (so a person counts once per area),
fills areas and periods without facts (0 for counts, no_data for shares), and blanks the value of
rows whose status is not ok. `final` files return indicator rows themselves, from other tables or
from already computed indicators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HEADER = re.compile(r"^--\s*(indicator|definition|aggregate|periods|levels|status|scale|total|variants|units|rollup|"
                    r"persons|hits|looks ahead):\s*(.+?)\s*$")
PERIOD_TYPES = {"year", "quarter", "month"}
LEVELS = ("national", "region", "municipality")
AGGREGATES = {
    "count": "count({counted}) as value, null::double as numerator, null::double as denominator",
    "sum": "sum(amount) as value, null::double as numerator, null::double as denominator",
    # Never a guessed rate: one unpriced night or case day leaves the whole figure without a value.
    "kroner": """sum(amount) as value, null::double as numerator, {persons} as denominator,
                 bool_or(amount is null) as unpriced""",
    "share": """count({counted}) filter (where hit) / nullif(count({counted}), 0) as value,
                count({counted}) filter (where hit) as numerator, count({counted}) as denominator""",
    "ratio": "sum(amount) / nullif(sum(base), 0) * {scale} as value, sum(amount) as numerator, sum(base) as denominator",
    # Medians carry their n as denominator, so disclosure control can see it.
    "median": "median(amount) as value, null::double as numerator, count(*) as denominator",
}
# Month masks: `persons` is how many rows (persons) share one area, breakdown and pair of masks.
MASK_AGGREGATES = {
    "count": "sum(persons) as value, null::double as numerator, null::double as denominator",
    "share": """coalesce(sum(persons) filter (where hits & p.{hit_months} <> 0), 0) / nullif(sum(persons), 0) as value,
                coalesce(sum(persons) filter (where hits & p.{hit_months} <> 0), 0) as numerator,
                sum(persons) as denominator""",
}
# (value, numerator, denominator) where an area and period have no facts: counts are 0, a share
# with nothing to divide is no_data.
# Each municipality with the areas its facts count in, for `rollup: per area` units.
AREA_MEMBERS = """
    select municipality_code, 'municipality' as level, municipality_code::varchar as area_code from municipalities
    union all select municipality_code, 'region', region_code::varchar from municipalities
    union all select municipality_code, 'national', 'DK' from municipalities"""
FILLED = {
    "count": ("coalesce(value, 0)", "null", "null"),
    "sum": ("coalesce(value, 0)", "null", "null"),
    "kroner": ("coalesce(value, 0)", "null", "coalesce(denominator, 0)"),
    "share": ("value", "coalesce(numerator, 0)", "coalesce(denominator, 0)"),
    "ratio": ("value", "coalesce(numerator, 0)", "coalesce(denominator, 0)"),
    "median": ("value", "null", "coalesce(denominator, 0)"),
}


@dataclass(frozen=True)
class IndicatorUnit:
    indicator: str
    definition: str
    aggregate: str
    facts: str
    periods: tuple[str, ...] = ("year", "quarter")
    levels: tuple[str, ...] = LEVELS
    status: str = "'ok'"
    scale: str = "1"
    total: bool = True
    units_once: bool = False
    month_masks: bool = False
    hits_in_last_month: bool = False
    per_area: bool = False
    persons: str = ""
    looks_ahead_days: int = 0
    path: Path | None = None

    @classmethod
    def read(cls, path: Path) -> list["IndicatorUnit"]:
        """The indicator(s) one file defines (several when it has `variants`)."""
        text = path.read_text()
        header = {}
        for line in text.splitlines():
            match = HEADER.match(line)
            if match:
                header[match.group(1)] = match.group(2)
            elif line.strip() and not line.lstrip().startswith("--"):
                break
        missing = {"definition", "aggregate"} - header.keys()
        if missing or not ({"indicator", "variants"} & header.keys()):
            raise ValueError(f"{path}: header needs indicator (or variants), definition and aggregate")
        if header["aggregate"] not in {*AGGREGATES, "final"}:
            raise ValueError(f"{path}: unknown aggregate {header['aggregate']!r}")
        if header.get("units", "once per period") not in ("once per period", "month masks"):
            raise ValueError(f"{path}: units can only be 'once per period' or 'month masks'")
        if header.get("units") == "month masks" and header["aggregate"] not in MASK_AGGREGATES:
            raise ValueError(f"{path}: month masks are for count and share files only")
        if header.get("hits", "in the last month") != "in the last month" or \
                ("hits" in header and not (header.get("units") == "month masks" and header["aggregate"] == "share")):
            raise ValueError(f"{path}: hits can only be 'in the last month', for month masks of a share")
        if header.get("rollup", "per area") != "per area":
            raise ValueError(f"{path}: rollup can only be 'per area'")
        if "persons" in header and header["aggregate"] != "kroner":
            raise ValueError(f"{path}: persons is for kroner files only")
        variants = [tuple(part.split(":")) for part in header["variants"].split(";")] if "variants" in header \
            else [(header["indicator"], "")]
        if "variants" not in header and path.stem != header["indicator"]:
            raise ValueError(f"{path}: file name must be the indicator id {header['indicator']!r}")
        return [cls(indicator=name.strip(), definition=header["definition"].strip('"'), aggregate=header["aggregate"],
                    facts=text.replace("$variant", value.strip()),
                    periods=tuple(p.strip() for p in header.get("periods", "year, quarter").split(",")),
                    levels=tuple(lv.strip() for lv in header.get("levels", ", ".join(LEVELS)).split(",")),
                    status=header.get("status", "'ok'").replace("$variant", value.strip()),
                    scale=header.get("scale", "1"), total=header.get("total", "yes") != "no",
                    units_once=header.get("units") == "once per period",
                    month_masks=header.get("units") == "month masks",
                    hits_in_last_month=header.get("hits") == "in the last month",
                    per_area=header.get("rollup") == "per area", persons=header.get("persons", ""),
                    looks_ahead_days=looks_ahead(path, header.get("looks ahead", "0 days").replace("$variant", value.strip())),
                    path=path)
                for name, value in variants]

    def recomputed(self, periods: str, changed_since: date | None) -> str:
        """`periods` cut to those whose figures a change on `changed_since` can move (None: all)."""
        if changed_since is None:
            return f"select * from {periods}"
        first_end = changed_since - timedelta(days=self.looks_ahead_days)
        return f"select * from {periods} where period_end >= date '{first_end}'"

    def first_month(self, changed_since: date | None) -> date | None:
        """The first month of a period computed after a change on `changed_since` (None: all are):
        the longest period, a year, reaches back to its January."""
        if changed_since is None:
            return None
        return date((changed_since - timedelta(days=self.looks_ahead_days)).year, 1, 1)

    def periods_sql(self) -> str:
        if self.periods == ("count_years",):
            return ("select * from periods where period_type = 'year' "
                    "and period in (select distinct period from homeless_count)")
        types = ", ".join(f"'{p}'" for p in self.periods if p in PERIOD_TYPES)
        return f"select * from periods where period_type in ({types})"

    def sql(self, changed_since: date | None = None) -> str:
        """The SELECT that yields this indicator's rows (indicator ... status, and `breakdown_seen`);
        with `changed_since`, only those of the periods a change on that date can move: the facts
        are read for those periods only, and the breakdowns are those of the facts and of the
        indicator's rows kept in `indicators`. `breakdown_seen` is false for a kept breakdown the
        facts no longer have: with it, or with a breakdown new to the kept rows, the rows are not
        those a run computing every period would give (`assets/indicators.py` computes them so)."""
        facts = self.facts.rstrip().rstrip(";") + "\n"   # a trailing comment must not swallow the ")"
        periods = f"""all_periods as ({self.periods_sql()}),
                      indicator_periods as ({self.recomputed("all_periods", changed_since)})"""
        if self.aggregate == "final":
            # A final file may start with its own WITH: its CTEs then follow indicator_periods.
            facts = re.sub(r"^((?:\s*--[^\n]*\n)*)\s*with\s", r"\1, ", facts, count=1, flags=re.IGNORECASE)
            return f"""select *, true as breakdown_seen from (with {periods} {facts})
                       where period in (select period from ({self.recomputed("periods", changed_since)}))"""
        kept = "" if changed_since is None else \
            f"union all select distinct breakdown, false from indicators where indicator = '{self.indicator}'"
        levels = ", ".join(f"'{level}'" for level in self.levels)
        first_month = self.first_month(changed_since)
        # The breakdowns of the facts read: for month masks, those of the rows that meet the periods computed.
        seen_in = "" if not self.month_masks else "where units <> 0" + (
            f" and {months_from(first_month)}" if first_month else "")
        if self.month_masks:
            aggregate = MASK_AGGREGATES[self.aggregate].format(
                hit_months="last_month_mask" if self.hits_in_last_month else "month_mask")
        else:
            aggregate = AGGREGATES[self.aggregate].format(scale=self.scale,
                                                          counted="unit" if self.units_once else "distinct unit",
                                                          persons="null::double" if self.persons else "count(distinct unit)")
        persons = (f"""left join indicators q on q.indicator = '{self.persons}' and q.level = g.level
                       and q.area_code = g.area_code and q.period = g.period and q.breakdown = g.breakdown"""
                   if self.persons else "")
        if self.persons.startswith("person_months."):
            masks = (f"select level, area_code, '' as breakdown, month_word, "
                     f"{self.persons.removeprefix('person_months.')} as units from person_months")
            persons = f"""left join ({self.mask_counts(MASK_AGGREGATES['count'], masks, first_month=first_month)}) q
                          on q.level = g.level and q.area_code = g.area_code and q.period = g.period
                             and q.breakdown = g.breakdown"""
        value, numerator, denominator = FILLED[self.aggregate]
        divides = "coalesce(denominator, 0) = 0" if self.aggregate in ("share", "ratio", "median") else "false"
        unpriced = "coalesce(a.unpriced, false)" if self.aggregate == "kroner" else "false"
        return f"""
        with {periods},
        area_members as ({AREA_MEMBERS}),
        facts as ({facts}),
        grid as (
            select a.level, a.area_code, p.period, p.period_start, p.period_end, b.breakdown, b.breakdown_seen
            from areas a
            cross join indicator_periods p
            cross join (select breakdown, bool_or(seen) as breakdown_seen
                        from (select distinct breakdown, true as seen from facts {seen_in}
                              {"union all select '', true" if self.total else ""} {kept})
                        group by breakdown) b
            where a.level in ({levels})
        ),
        aggregated as ({self._aggregated_sql(aggregate, first_month)}),
        judged as (
            select g.level, g.area_code, g.period, g.breakdown, g.breakdown_seen, a.value, a.numerator,
                   {"q.value" if self.persons else "a.denominator"} as denominator,
                   {self.status} as period_status, {unpriced} as unpriced
            from grid g
            cross join data_window
            left join aggregated a using (level, area_code, period, breakdown)
            {persons}
        ),
        statused as (
            select *, case when period_status <> 'ok' then period_status
                           when {divides} or unpriced then 'no_data' else 'ok' end as status
            from judged
        )
        select '{self.indicator}' as indicator, level, area_code, period, breakdown,
               case when status = 'ok' then {value} end as value,
               case when status in ('ok', 'no_data') then {numerator} end as numerator,
               case when status in ('ok', 'no_data') then {denominator} end as denominator,
               status, breakdown_seen
        from statused
        """

    def _aggregated_sql(self, aggregate: str, first_month: date | None) -> str:
        """Facts rolled up to (level, area_code): in one grouping-sets pass from municipalities, or,
        for `rollup: per area`, grouped as the facts already name their areas; for `units: month
        masks`, the rows whose masks meet each period's months, counted by identical masks."""
        if self.month_masks:
            return self.mask_counts(aggregate, "select * from facts", hits=self.aggregate == "share",
                                    first_month=first_month)
        if self.per_area:
            return f"""
            select period, breakdown, level, area_code, {aggregate}
            from facts where period in (select period from indicator_periods)
            group by period, breakdown, level, area_code"""
        return f"""
            select f.period, f.breakdown,
                   case when grouping(m.region_code) = 1 then 'national'
                        when grouping(f.municipality_code) = 1 then 'region' else 'municipality' end as level,
                   case when grouping(m.region_code) = 1 then 'DK'
                        when grouping(f.municipality_code) = 1 then m.region_code::varchar
                        else f.municipality_code::varchar end as area_code,
                   {aggregate}
            from facts f join municipalities m using (municipality_code)
            where f.period in (select period from indicator_periods)
            group by grouping sets ((f.period, f.breakdown), (f.period, f.breakdown, m.region_code),
                                    (f.period, f.breakdown, m.region_code, f.municipality_code))"""


    @staticmethod
    def mask_counts(aggregate: str, masks: str, hits: bool = False, first_month: date | None = None) -> str:
        """Rows of month masks (level, area_code, breakdown, month_word, units[, hits]) counted per
        period they meet: identical masks are counted together first, so each period is tested
        against a few thousand distinct masks per area rather than every person's row. With
        `first_month` (no period computed starts before it), the rows with no month from it on are
        left out before grouping: after a quarter, most persons were active only in kept periods."""
        later = "" if first_month is None else f" and {months_from(first_month)}"
        return f"""
            select p.period, w.breakdown, w.level, w.area_code, {aggregate}
            from (select level, area_code, breakdown, month_word, units{", hits" if hits else ""}, count(*) as persons
                  from ({masks}) where units <> 0{later} group by all) w
            join indicator_periods p on p.month_word = w.month_word and w.units & p.month_mask <> 0
            group by p.period, w.breakdown, w.level, w.area_code"""


MONTHS_PER_WORD = 60   # as assets/sql/model/month_numbers.sql numbers months: from 2000-01, 60 to a word


def months_from(month: date) -> str:
    """SQL: the mask row (month_word, units) has a month on or after `month`'s."""
    word, bit = divmod((month.year - 2000) * 12 + month.month - 1, MONTHS_PER_WORD)
    later_bits = ((1 << MONTHS_PER_WORD) - 1) & ~((1 << bit) - 1)
    return f"(month_word > {word} or (month_word = {word} and units & {later_bits} <> 0))"


def looks_ahead(path: Path, text: str) -> int:
    match = re.fullmatch(r"(\d+) days?", text)
    if not match:
        raise ValueError(f"{path}: looks ahead must be a number of days, e.g. '730 days'")
    return int(match.group(1))


def read_units(folder: Path) -> list[IndicatorUnit]:
    """Every indicator file; those that read other indicators' rows (`persons`, `final`) last."""
    units = [unit for path in sorted(folder.glob("*.sql")) for unit in IndicatorUnit.read(path)]
    return sorted(units, key=lambda unit: (unit.aggregate == "final", bool(unit.persons), unit.indicator))
