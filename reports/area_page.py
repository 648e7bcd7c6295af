"""One area's page (Denmark, a region or a municipality), built from published figures only."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from reports import charts, danish, texts
from reports.mission import Mission, peer_section, target_sections
from reports.published import Area, Point, Published
from reports.page import Section
from reports.who_pays import CAP_CHANGE, CAP_START, housing_first_costs, shelter_costs

HEADLINE = ["persons_in_shelter", "persons_in_shelter_per_10k", "new_episodes", "bed_nights", "median_episode_days",
            "exits_to_housing_share", "nights_beyond_refund_cap", "persons_beyond_refund_cap",
            "action_plan_within_30_days_share", "hf_persons", "municipal_net_cost_dkk"]


def chart_rows(named: Iterable[tuple[str, Point]], column: str = "group") -> pd.DataFrame:
    """Figures as one chart frame, each under its series' name in `column` (the legend)."""
    return pd.DataFrame([(p.period_label, p.order, name, p.value, p.text, p.hidden, p.base) for name, p in named],
                        columns=["period_label", "order", column, "value", "text", "hidden", "base"])


def year_table(published: Published, area: Area, indicators: list[str]) -> pd.DataFrame:
    """Indicators as rows, years as columns, figures as a reader sees them."""
    return pd.DataFrame([{"": texts.title(indicator), **{p: point.text for p, point in
                                                          published.points(area, indicator).items()}}
                         for indicator in indicators]).fillna("–")


def change_text(indicator: str, before: float | None, after: float | None) -> str:
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return "–"
    if indicator in texts.SHARES:
        return f"{'+' if after >= before else '−'}{danish.number(abs(after - before) * 100, 1)}\u00a0procentpoint"
    sign = "+" if after >= before else "−"
    if indicator in texts.AMOUNTS:
        return f"{sign}{danish.kroner(abs(after - before))}" + (
            f" ({sign}{danish.number(abs(after / before - 1) * 100, 1)}\u00a0%)" if before else "")
    relative = f" ({sign}{danish.number(abs(after / before - 1) * 100, 1)}\u00a0%)" if before else ""
    return f"{sign}{danish.number(abs(after - before), 1 if indicator.endswith('_10k') else 0)}{relative}"


def with_base(text: str | None, base: str | None) -> str:
    """'27,7 %' with what it is a share of: '27,7 % af 1.234 udflytninger'."""
    return f"{text} {base}" if text and base and "%" in text else (text or "–")


def headline(published: Published, area: Area) -> Section:
    year = published.latest_year
    previous = str(int(year) - 1)
    rows = []
    for indicator in HEADLINE:
        points = published.points(area, indicator)
        before, now = points.get(previous), points.get(year)
        rows.append({"": texts.title(indicator),
                     previous: with_base(before.text, before.base) if before else "–",
                     year: with_base(now.text, now.base) if now else "–",
                     "Ændring": change_text(indicator, before.value if before else None, now.value if now else None)})
    return Section(id="noegletal", heading=f"Nøgletal {year}", table=pd.DataFrame(rows), ids=tuple(HEADLINE),
                   explanation=f"De vigtigste tal for {area.name} i {year}, sammenlignet med året før.",
                   definition="Se definitionen under hvert afsnit nedenfor.")


def comparison(published: Published, area: Area) -> Section:
    indicator = "persons_in_shelter_per_10k"
    compared = [area] + ([published.area("region", area.region)] if area.region else []) + \
        ([published.area("national", "DK")] if area.level != "national" else [])
    named = {a.name: published.points(a, indicator, periods="quarter") for a in compared}
    data = chart_rows(((name, p) for name, points in named.items() for p in points.values()), "series")
    table = as_in_chart(data, "period_label", "series").reindex(
        [p.period_label for p in named[area.name].values()]).reset_index().rename(columns={"period_label": "Kvartal"})
    return Section(id="udvikling", heading="Udvikling pr. kvartal", explanation=texts.explanation(indicator),
                   ids=(indicator,),
                   definition=texts.definitions()[indicator], table=table,
                   chart=charts.trend(data, "Personer på herberg pr. 10.000 indbyggere, pr. kvartal",
                                      f"Linjediagram: {area.name} sammenlignet med region og hele landet", "Pr. 10.000"),
                   chart_description="Personer på herberg pr. 10.000 indbyggere pr. kvartal")


def as_in_chart(data: pd.DataFrame, rows: str, series: str) -> pd.DataFrame:
    """A chart's figures as its table: a row per `rows`, a column per series in the legend's order
    (not alphabetical, so the table reads like the chart beside it)."""
    return data.pivot(index=rows, columns=series, values="text").reindex(columns=list(dict.fromkeys(data[series])))


def breakdown_bars(published: Published, area: Area, indicator: str, key: str, period: str, section_id: str,
                   heading: str, note: str = "", also: tuple[str, ...] = ()) -> Section:
    chosen = [p for p in published.breakdown_points(area, indicator)
              if p.period == period and p.breakdown.startswith(f"{key}=")]
    rows = pd.DataFrame({"category": [danish.label(p.breakdown.split("=")[1]) for p in chosen],
                         **{c: [getattr(p, c) for p in chosen] for c in ("value", "text", "hidden", "base")}})
    table = rows[["category", "text"]].rename(columns={"category": "", "text": danish.period_label(period)})
    return Section(id=section_id, heading=heading, explanation=texts.explanation(indicator) + note,
                   definition=texts.definitions()[indicator], table=table, ids=(indicator, *also),
                   chart=charts.bars(rows, f"{texts.title(indicator)} {period}",
                                     f"Søjlediagram: {texts.title(indicator)} i {area.name} {period}", "Antal"),
                   chart_description=f"{texts.title(indicator)} fordelt, {period}")


def yearly_groups(published: Published, area: Area, indicators: list[str], section_id: str, heading: str,
                  share: bool, lead: str, also_in_table: tuple[str, ...] = ()) -> Section:
    data = chart_rows((texts.title(i), p) for i in indicators for p in published.points(area, i).values())
    tabled = indicators + list(also_in_table)
    return Section(id=section_id, heading=heading, explanation=texts.explanation(lead), ids=tuple(tabled),
                   definition=" · ".join(f"{texts.title(i)}: {texts.definitions()[i]}" for i in tabled),
                   table=year_table(published, area, tabled),
                   chart=charts.grouped_bars(data, heading,
                                             f"Søjlediagram pr. år: {heading.lower()} i {area.name}",
                                             "Andel" if share else "Antal", share=share),
                   chart_description=f"{heading} pr. år")


def refund_cap(published: Published, area: Area) -> Section:
    """Nights beyond the refund cap per quarter since the cap began (2023-Q4), the 90-night cap from
    2026-04-01 marked; persons and the share of nights in the table."""
    indicators = ["nights_beyond_refund_cap", "persons_beyond_refund_cap", "nights_beyond_refund_cap_share"]
    nights = [p for p in published.points(area, "nights_beyond_refund_cap", periods="quarter").values()
              if p.period >= CAP_START]
    table = pd.DataFrame({"Kvartal": [p.period_label for p in nights],
                          **{texts.title(i): [published.text(area, i, p.period, periods="quarter") for p in nights]
                             for i in indicators}})
    change = danish.period_label(CAP_CHANGE)
    marker = (change, "90 nætter fra 1. april 2026") if change in {p.period_label for p in nights} else None
    return Section(id="refusion", heading="Nætter ud over refusionsgrænsen, pr. kvartal",
                   explanation=texts.explanation("nights_beyond_refund_cap") + " Grænsen gælder fra 1. oktober 2023, "
                               "så figuren begynder i 4. kvartal 2023 (da kunne ingen nå over 120 nætter endnu).",
                   definition=" · ".join(f"{texts.title(i)}: {texts.definitions()[i]}" for i in indicators),
                   table=table.fillna("–"), ids=tuple(indicators),
                   chart=charts.grouped_bars(
                       chart_rows((texts.title("nights_beyond_refund_cap"), p) for p in nights),
                       "Nætter ud over refusionsgrænsen pr. kvartal",
                       f"Søjlediagram pr. kvartal siden 4. kvartal 2023: nætter ud over refusionsgrænsen i {area.name}; "
                       "en stiplet linje markerer, at grænsen faldt fra 120 til 90 nætter 1. april 2026", "Nætter",
                       marker=marker),
                   chart_description="Nætter ud over refusionsgrænsen pr. kvartal; grænsen faldt til 90 nætter "
                                     "1. april 2026")


def unknown_note(published: Published, area: Area, year: str) -> str:
    """Says so when the base of the exit shares is largely "Uoplyst" (a fifth or more)."""
    unknown = published.points(area, "exits_unknown_destination_share").get(year)
    share = unknown.value if unknown else None
    if share is None or pd.isna(share) or share < 0.2:
        return ""
    return (f" Bemærk: for {danish.number(share * 100, 0)}\u00a0% af udflytningerne i {year} er det uoplyst, hvor "
            "borgeren flyttede hen, så andelen til bolig kan være højere, end tallene viser.")


def monthly_flow(published: Published, area: Area) -> Section:
    """The by-name-list view (Built for Zero): inflow, outflow and persons in shelter, the last 24 months."""
    flows = published.breakdown_points(area, "monthly_flow", periods="month")
    months = sorted({p.period for p in flows})[-24:]
    order = {m: n for n, m in enumerate(months)}
    data = pd.DataFrame([(p.period, p.period_label, order[p.period], danish.label(p.breakdown.split("=")[1]), p.value,
                          p.text, p.hidden, p.base) for p in flows if p.period in order],
                        columns=["period", "period_label", "order", "series", "value", "text", "hidden", "base"])
    table = as_in_chart(data, "period", "series").reindex(months)
    table.index = [danish.period_label(m) for m in months]
    return Section(id="maanedlig", heading="Ind og ud hver måned", ids=("monthly_flow",),
                   explanation=texts.explanation("monthly_flow") + " Tilgang og afgang viser, om antallet på "
                               "herberg er på vej ned (som i Built for Zero).",
                   definition=texts.definitions()["monthly_flow"], table=table.reset_index(names="Måned").fillna("–"),
                   chart=charts.trend(data.drop(columns="period"), "Ind og ud hver måned, de seneste 24 måneder",
                                      f"Linjediagram pr. måned for {area.name}: nye, tilbagevendende, udflyttede til "
                                      "bolig og til andet, og antal på herberg ved månedens udgang", "Personer",
                                      whole=True),
                   chart_description="Tilgang, afgang og antal på herberg pr. måned")


def housing_first_methods(published: Published, area: Area) -> Section:
    data = chart_rows((p.breakdown.split("=")[1], p) for p in published.breakdown_points(area, "hf_persons")
                      if p.breakdown.startswith("method="))
    return Section(id="hf-metoder", heading="Housing First-støtte efter metode", ids=("hf_persons",),
                   explanation=texts.explanation("hf_persons") + " CTI er tidsbegrænset, ICM og ACT er længerevarende "
                               "støtte; ACT er et tværfagligt team.",
                   definition=texts.definitions()["hf_persons"],
                   table=as_in_chart(data, "period_label", "group").reset_index(names="År").fillna("–"),
                   chart=charts.grouped_bars(data, "Borgere i Housing First-støtte efter metode",
                                             f"Søjlediagram pr. år: borgere med CTI, ICM og ACT i {area.name}",
                                             "Personer"),
                   chart_description="Borgere i Housing First-støtte pr. år efter metode")


def area_sections(published: Published, area: Area, mission: Mission) -> list[Section]:
    year = published.latest_year
    sections = [headline(published, area), comparison(published, area),
                refund_cap(published, area), shelter_costs(published, area), housing_first_costs(published, area),
                yearly_groups(published, area, ["episodes_over_90_days_share", "exits_to_housing_share"], "varighed",
                              "Lange forløb og udflytning til bolig", True, "exits_to_housing_share",
                              also_in_table=("median_episode_days", "median_days_to_housing", "ongoing_over_90_days",
                                             "exits_unknown_destination_share")),
                breakdown_bars(published, area, "exits", "destination", year, "udflytning", "Hvor flytter de hen?",
                               note=unknown_note(published, area, year)),
                yearly_groups(published, area, ["returns_within_6m_share", "returns_within_12m_share",
                                                "returns_within_24m_share"], "tilbage",
                              "Tilbage på herberg efter bolig", True, "returns_within_12m_share"),
                yearly_groups(published, area, ["hf_coverage_of_housing_exits", "hf_housing_retention_12m"],
                              "housing-first", "Housing First: rækkevidde og fastholdelse", True,
                              "hf_housing_retention_12m", also_in_table=("hf_persons",)),
                housing_first_methods(published, area),
                monthly_flow(published, area),
                yearly_groups(published, area, ["first_time_share", "youth_persons_share"], "nye-og-unge",
                              "Nye borgere og unge", True, "first_time_share", also_in_table=("first_time_persons",)),
                breakdown_bars(published, area, "new_episodes", "prior_situation", year, "tilgang",
                               "Hvor kommer de fra? (tværsektoriel tilgang)")]
    occupancy = published.points(area, "occupancy_rate").values()
    if any(p.value == p.value or p.hidden for p in occupancy):   # only where shelters are
        sections.append(yearly_groups(published, area, ["occupancy_rate"], "belaegning",
                                      "Belægning på herbergerne i området", True, "occupancy_rate"))
    if area.level == "municipality":
        sections.append(yearly_groups(published, area, ["out_of_area_bed_nights_share"], "udenbys",
                                      "Herberg i andre kommuner", True, "out_of_area_bed_nights_share"))
    count_years = sorted(published.points(area, "homeless_count"))
    if count_years:
        sections.append(breakdown_bars(published, area, "homeless_count", "situation", count_years[-1], "taelling",
                                       f"Hjemløsetællingen {count_years[-1]}", note=count_note(published, area,
                                                                                               count_years[-1]),
                                       also=("homeless_count_per_10k", "homeless_count_youth_share")))
    for section in sections[2:]:
        section.table = section.table.fillna("–")
    peers = peer_section(mission, area) if area.level == "municipality" else None
    return sections[:2] + ([peers] if peers else []) + target_sections(mission, area) + sections[2:]


def count_note(published: Published, area: Area, year: str) -> str:
    return "".join(f" {texts.title(i)}: {published.text(area, i, year)}."
                   for i in ("homeless_count_per_10k", "homeless_count_youth_share"))
