"""Who pays ("Hvem betaler?"): on every area page, what the nights in shelter cost, how much of it
the state refunds, what the municipality pays itself and what the refund cap moved onto it, next to
what Housing First support costs. Built from published figures and the rates' coverage
(`Published.rates`)."""

from __future__ import annotations

import pandas as pd

from reports import charts, danish, texts
from reports.page import Section
from reports.published import Area, Published

CAP_START, CAP_CHANGE = "2023-Q4", "2026-Q2"
SHELTER_KRONER = ["shelter_cost_dkk", "state_refund_dkk", "municipal_net_cost_dkk", "cost_beyond_refund_cap_dkk",
                  "cap_change_cost_shift_dkk", "net_cost_per_person_in_shelter_dkk"]
# The bar of a quarter's gross cost, split in who pays: the parts add up to shelter_cost_dkk.
PARTS = ["Staten (refusion)", "Kommunen, inden for grænsen", "Kommunen, ud over grænsen"]
METHODS = ["CTI", "ICM", "ACT"]
LIST_PRICES = ("Beløbene er herbergernes takster (listepriser) gange nætterne og Housing First-metodernes faste "
               "månedspris gange dagene: hvad et ophold eller et forløb reelt koster, kan afvige, og kommunens egne "
               "udgifter til sagsbehandling, bolig og anden støtte er ikke med.")


def unit(values: pd.Series) -> tuple[float, str]:
    """Chart amounts in millions when they reach a million, else in thousands."""
    top = values.abs().max()
    return (1e6, "Mio. kr.") if pd.notna(top) and top >= 1e6 else (1e3, "1.000 kr.")


def part(series: pd.DataFrame, name: str, scale: float, periods: pd.Series, value=None, text=None) -> pd.DataFrame:
    """One stacked part per quarter; a hidden or uncomputable figure is a stub with its mark, not 0."""
    rows = series.set_index("period").reindex(periods)
    value = rows["value"] if value is None else value
    text = rows["text"] if text is None else text
    marked = rows["hidden"].where(rows["hidden"] != "", rows["text"].where(rows["text"] == "–", ""))
    return pd.DataFrame({"period_label": rows["period_label"].to_numpy(), "order": rows["order"].to_numpy(),
                         "group": name, "value": (value / scale).to_numpy(), "text": text.to_numpy(),
                         "hidden": marked.fillna("").to_numpy(), "base": ""})


def one_stub_per_hidden_quarter(data: pd.DataFrame) -> pd.DataFrame:
    """A quarter with a hidden part is one grey stub with one mark: stacked stubs would print their
    marks on top of each other, and the parts shown would not add up to the gross cost."""
    hidden = data.groupby("period_label")["hidden"].transform(lambda marks: next((m for m in marks if m), ""))
    collapsed = data[hidden != ""].drop_duplicates("period_label").assign(hidden=hidden[hidden != ""], value=None,
                                                                          text=hidden[hidden != ""])
    return pd.concat([data[hidden == ""], collapsed], ignore_index=True).sort_values(["order"], kind="stable")


def shelter_costs(published: Published, area: Area) -> Section:
    quarters = {i: published.series(area, i, periods="quarter") for i in SHELTER_KRONER}
    cost = quarters["shelter_cost_dkk"]
    periods = cost.loc[cost["period"] >= CAP_START, "period"]
    by_period = {i: s.set_index("period").reindex(periods) for i, s in quarters.items()}
    net, beyond = by_period["municipal_net_cost_dkk"], by_period["cost_beyond_refund_cap_dkk"]
    scale, axis = unit(by_period["shelter_cost_dkk"]["value"])
    within = (net["value"] - beyond["value"])
    data = pd.concat([
        part(quarters["state_refund_dkk"], PARTS[0], scale, periods),
        part(quarters["municipal_net_cost_dkk"], PARTS[1], scale, periods, value=within,
             text=within.map(lambda v: "–" if pd.isna(v) else danish.kroner(v))),
        part(quarters["cost_beyond_refund_cap_dkk"], PARTS[2], scale, periods)], ignore_index=True)
    data = one_stub_per_hidden_quarter(data)
    table = pd.DataFrame({"Kvartal": [danish.period_label(p) for p in periods]})
    for indicator in SHELTER_KRONER:
        table[texts.title(indicator)] = by_period[indicator]["text"].fillna("–").to_numpy()
    change = danish.period_label(CAP_CHANGE)
    marker = (change, "90 nætter fra 1. april 2026") if change in set(data["period_label"]) else None
    shift = by_period["cap_change_cost_shift_dkk"]
    shifted = shift[shift["value"].notna() & (shift.index >= CAP_CHANGE)]
    latest_shift = (f" Seneste kvartal med tal, {danish.period_label(shifted.index[-1])}, flyttede faldet til 90 nætter "
                    f"{shifted['text'].iloc[-1]} fra staten til "
                    f"{'kommunen' if area.level == 'municipality' else 'kommunerne'} (kolonnen «"
                    f"{texts.title('cap_change_cost_shift_dkk')}» i tabellen)."
                    if len(shifted) else "")
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
    rows = published.series(area, "hf_cost_dkk", breakdown=None)
    methods = rows[rows["breakdown"].str.startswith("method=")]
    scale, axis = unit(rows["value"])
    data = methods.assign(group=pd.Categorical(methods["breakdown"].str.split("=").str[1], METHODS),
                          value=methods["value"] / scale,
                          hidden=methods["hidden"].where(methods["hidden"] != "",
                                                         methods["text"].where(methods["text"] == "–", ""))
                          ).sort_values(["order", "group"])
    data["group"] = data["group"].astype(str)
    table = data.pivot(index="period", columns="group", values="text").reindex(columns=METHODS)
    total = rows[rows["breakdown"] == ""].set_index("period")["text"]
    shelter = published.series(area, "municipal_net_cost_dkk").set_index("period")["text"]
    table["I alt"] = total.reindex(table.index).to_numpy()
    table[f"Til sammenligning: {texts.title('municipal_net_cost_dkk').lower()}"] = \
        shelter.reindex(table.index).to_numpy()
    return Section(
        id="hf-udgift", heading="Hvem betaler? Housing First-støtten ved siden af", ids=("hf_cost_dkk",),
        explanation="Det, kommunen bruger på CTI-, ICM- og ACT-støtte pr. år, ved siden af dens nettoudgift til "
                    "herbergsophold. Støtten skal hjælpe borgeren til at blive i en bolig og dermed spare nætter på "
                    "herberg; tallene viser udgifterne, ikke hvad støtten sparer. " + LIST_PRICES
                    + published.rates.note("method"),
        definition=f"{texts.title('hf_cost_dkk')}: {texts.definitions()['hf_cost_dkk']}",
        table=table.reset_index(names="År").fillna("–"),
        chart=charts.grouped_bars(data[["period_label", "order", "group", "value", "text", "hidden", "base"]],
                                  "Udgift til Housing First-støtte pr. år, efter metode",
                                  f"Søjlediagram pr. år: udgiften til CTI, ICM og ACT i {area.name}", axis),
        chart_description="Udgiften til Housing First-støtte pr. år efter metode")
