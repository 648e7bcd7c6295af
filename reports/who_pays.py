"""Who pays ("Hvem betaler?"): on every area page, what the nights in shelter cost, how much of it
the state refunds, what the municipality pays itself and what the refund cap moved onto it, next to
what Housing First support costs. Built from published figures and the rates' coverage
(`Published.rates`)."""

from __future__ import annotations

import math

import pandas as pd

from reports import charts, danish, texts
from reports.page import Section
from reports.published import Area, Point, Published

CAP_START, CAP_CHANGE = "2023-Q4", "2026-Q2"
SHELTER_KRONER = ["shelter_cost_dkk", "state_refund_dkk", "municipal_net_cost_dkk", "cost_beyond_refund_cap_dkk",
                  "cap_change_cost_shift_dkk", "net_cost_per_person_in_shelter_dkk"]
# The bar of a quarter's gross cost, split in who pays: the parts add up to shelter_cost_dkk.
PARTS = ["Staten (refusion)", "Kommunen, inden for grænsen", "Kommunen, ud over grænsen"]
METHODS = ["CTI", "ICM", "ACT"]
LIST_PRICES = ("Beløbene er herbergernes takster (listepriser) gange nætterne og Housing First-metodernes faste "
               "månedspris gange dagene: hvad et ophold eller et forløb reelt koster, kan afvige, og kommunens egne "
               "udgifter til sagsbehandling, bolig og anden støtte er ikke med.")


def unit(values) -> tuple[float, str]:
    """Chart amounts in millions when they reach a million, else in thousands."""
    top = max((abs(v) for v in values if v == v), default=None)
    return (1e6, "Mio. kr.") if top is not None and top >= 1e6 else (1e3, "1.000 kr.")


def part(name: str, points: list[Point], scale: float, values: list[float] | None = None,
         texts_shown: list[str] | None = None) -> list[dict]:
    """One stacked part per quarter; a hidden or uncomputable figure is a stub with its mark, not 0."""
    values = [p.value for p in points] if values is None else values
    texts_shown = [p.text for p in points] if texts_shown is None else texts_shown
    return [{"period_label": p.period_label, "order": p.order, "group": name, "value": value / scale, "text": text,
             "hidden": p.hidden or ("–" if p.text == "–" else ""), "base": ""}
            for p, value, text in zip(points, values, texts_shown)]


def one_stub_per_hidden_quarter(rows: list[dict]) -> list[dict]:
    """A quarter with a hidden part is one grey stub with one mark: stacked stubs would print their
    marks on top of each other, and the parts shown would not add up to the gross cost."""
    marks: dict[str, str] = {}
    for row in rows:
        if row["hidden"]:
            marks.setdefault(row["period_label"], row["hidden"])
    stubs: dict[str, dict] = {}
    for row in rows:
        if row["period_label"] in marks and row["period_label"] not in stubs:
            mark = marks[row["period_label"]]
            stubs[row["period_label"]] = {**row, "value": None, "text": mark, "hidden": mark}
    shown = [row for row in rows if row["period_label"] not in marks]
    return sorted(shown + list(stubs.values()), key=lambda row: row["order"])


def shelter_costs(published: Published, area: Area) -> Section:
    quarters = {i: published.points(area, i, periods="quarter") for i in SHELTER_KRONER}
    periods = [p for p in quarters["shelter_cost_dkk"] if p >= CAP_START]
    # Every indicator has every period (an asset check); a gap would show as «–».
    by_period = {i: [points.get(p) or Point(p, danish.period_label(p), 0, "", math.nan, "–", "", "") for p in periods]
                 for i, points in quarters.items()}
    scale, axis = unit(p.value for p in by_period["shelter_cost_dkk"])
    within = [net.value - beyond.value for net, beyond in
              zip(by_period["municipal_net_cost_dkk"], by_period["cost_beyond_refund_cap_dkk"])]
    data = pd.DataFrame(one_stub_per_hidden_quarter([
        *part(PARTS[0], by_period["state_refund_dkk"], scale),
        *part(PARTS[1], by_period["municipal_net_cost_dkk"], scale, values=within,
              texts_shown=["–" if v != v else danish.kroner(v) for v in within]),
        *part(PARTS[2], by_period["cost_beyond_refund_cap_dkk"], scale)]),
        columns=["period_label", "order", "group", "value", "text", "hidden", "base"])
    table = pd.DataFrame({"Kvartal": [danish.period_label(p) for p in periods],
                          **{texts.title(i): [p.text for p in by_period[i]] for i in SHELTER_KRONER}})
    change = danish.period_label(CAP_CHANGE)
    marker = (change, "90 nætter fra 1. april 2026") if change in set(data["period_label"]) else None
    shifted = [p for p in by_period["cap_change_cost_shift_dkk"] if p.value == p.value and p.period >= CAP_CHANGE]
    latest_shift = (f" Seneste kvartal med tal, {shifted[-1].period_label}, flyttede faldet til 90 nætter "
                    f"{shifted[-1].text} fra staten til "
                    f"{'kommunen' if area.level == 'municipality' else 'kommunerne'} (kolonnen «"
                    f"{texts.title('cap_change_cost_shift_dkk')}» i tabellen)."
                    if shifted else "")
    return Section(
        id="hvem-betaler", heading="Hvem betaler? Udgiften til herbergsophold pr. kvartal", ids=tuple(SHELTER_KRONER),
        explanation="Kommunen betaler herberget en takst for hver nat, dens borgere sover der. Staten betaler "
                    "halvdelen tilbage, men siden 1. oktober 2023 kun for de første 120 nætter i et løbende år pr. "
                    "borger og fra 1. april 2026 kun for de første 90; nætterne ud over grænsen betaler kommunen "
                    "fuldt. Hver søjle er kvartalets samlede udgift, delt efter hvem der betaler. «Mistet refusion "
                    "pga. 90-nætter-grænsen» er den del af kommunens udgift, staten betalte halvdelen af, før grænsen "
                    "faldt." + latest_shift + " " + LIST_PRICES + published.rates.note("shelter"),
        definition=" · ".join(f"{texts.title(i)}: {texts.definitions()[i]}" for i in SHELTER_KRONER),
        table=table,
        chart=charts.grouped_bars(data, "Udgift pr. kvartal, efter hvem der betaler",
                                  f"Stablede søjler pr. kvartal siden 4. kvartal 2023 for {area.name}: statens refusion, "
                                  "kommunens udgift inden for refusionsgrænsen og ud over den; en stiplet linje "
                                  "markerer, at grænsen faldt fra 120 til 90 nætter 1. april 2026", axis,
                                  stacked=True, marker=marker),
        chart_description="Udgiften til herbergsophold pr. kvartal, delt i statens refusion og kommunens udgift "
                          "inden for og ud over refusionsgrænsen")


def housing_first_costs(published: Published, area: Area) -> Section:
    points = published.breakdown_points(area, "hf_cost_dkk")
    methods = [p for p in points if p.breakdown.startswith("method=")]
    scale, axis = unit(p.value for p in points)
    data = pd.DataFrame([(p.period_label, p.order, p.breakdown.split("=")[1], p.value / scale, p.text,
                          p.hidden or ("–" if p.text == "–" else ""), p.base) for p in methods],
                        columns=["period_label", "order", "group", "value", "text", "hidden", "base"])
    years = sorted({p.period for p in methods})
    texts_by = {(p.period, p.breakdown): p.text for p in points}
    shelter = published.points(area, "municipal_net_cost_dkk")
    table = pd.DataFrame({"År": years, **{method: [texts_by.get((year, f"method={method}")) for year in years]
                                          for method in METHODS},
                          "I alt": [texts_by.get((year, "")) for year in years],
                          f"Til sammenligning: {texts.title('municipal_net_cost_dkk').lower()}":
                              [shelter[year].text if year in shelter else None for year in years]})
    return Section(
        id="hf-udgift", heading="Hvem betaler? Housing First-støtten ved siden af", ids=("hf_cost_dkk",),
        explanation="Det, kommunen bruger på CTI-, ICM- og ACT-støtte pr. år, ved siden af dens nettoudgift til "
                    "herbergsophold. Støtten skal hjælpe borgeren til at blive i en bolig og dermed spare nætter på "
                    "herberg; tallene viser udgifterne, ikke hvad støtten sparer. " + LIST_PRICES
                    + published.rates.note("method"),
        definition=f"{texts.title('hf_cost_dkk')}: {texts.definitions()['hf_cost_dkk']}",
        table=table.fillna("–"),
        chart=charts.grouped_bars(data, "Udgift til Housing First-støtte pr. år, efter metode",
                                  f"Søjlediagram pr. år: udgiften til CTI, ICM og ACT i {area.name}", axis),
        chart_description="Udgiften til Housing First-støtte pr. år efter metode")
