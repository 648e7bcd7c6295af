"""Compare areas: on the national and each region's page, a map of the municipalities coloured by
a key rate the reader chooses, a table of every municipality sortable by any column (plain
JavaScript in the page, no server), and the municipalities ranked by what the nights beyond the
refund cap cost them per inhabitant (they pay those nights in full), or by those nights per 10,000
inhabitants where no rates were delivered. Built from published figures and the population reference only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import altair as alt
import pandas as pd

from reports import charts, danish, texts
from reports.page import Section
from reports.published import Area, Published

TOPOJSON = Path(__file__).parent / "geo" / "municipalities.topojson"
MAP_CREDIT = "Kilde: Geodatastyrelsen (DAGI)"
# The key rates a reader can colour the map by: (field, Danish label, is a share).
KEY_RATES = [("persons_per_10k", "Personer på herberg pr. 10.000 indbyggere", False),
             ("exits_to_housing", "Udflytning til bolig (andel)", True),
             ("cap_nights_per_10k", "Nætter ud over refusionsgrænsen pr. 10.000 indbyggere", False),
             ("cap_cost_per_inhabitant", "Udgift ud over refusionsgrænsen pr. indbygger (kr.)", False)]
SORT_SCRIPT = """<script>
// Click a column heading to sort by it; click again to reverse. Hidden figures sort last.
document.querySelectorAll("table.sortable").forEach(table => {
  table.querySelectorAll("th").forEach((th, column) => {
    th.tabIndex = 0; th.setAttribute("role", "button"); th.title = "Sortér efter denne kolonne";
    const sort = () => {
      const body = table.tBodies[0], rows = Array.from(body.rows);
      const down = th.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("th").forEach(h => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      const key = r => { const c = r.cells[column]; return c.dataset.v === undefined ? c.textContent : c.dataset.v; };
      rows.sort((a, b) => {
        const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        if (x === "" || y === "") return (x === "") - (y === "");
        const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y, "da") : nx - ny;
        return down ? -order : order;
      });
      rows.forEach(r => body.appendChild(r));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
});
</script>"""


@cache
def boundaries() -> dict:
    return json.loads(TOPOJSON.read_text())


def municipal_figures(published: Published, population: dict, within: Area) -> pd.DataFrame:
    """One row per municipality in `within` (DK or a region): the key figures of the latest year.
    Built once for every municipality (the national page and the five regional ones each ask)."""
    every = published.memo("municipal_figures", lambda: every_municipal_figure(published, population))
    if within.level == "national" or every.empty:
        return every
    return every[every["region"] == within.name].reset_index(drop=True)


def every_municipal_figure(published: Published, population: dict) -> pd.DataFrame:
    year = published.latest_year
    rows = []
    for area in published.areas:
        if area.level != "municipality":
            continue

        def latest(indicator):
            point = published.points(area, indicator).get(year)
            if point is None:
                return None, "–", ""
            return (None if pd.isna(point.value) else float(point.value)), point.text, point.hidden

        persons, persons_text, _ = latest("persons_in_shelter")
        per_10k, per_10k_text, per_10k_hidden = latest("persons_in_shelter_per_10k")
        housing, housing_text, housing_hidden = latest("exits_to_housing_share")
        nights, nights_text, nights_hidden = latest("nights_beyond_refund_cap")
        cost, cost_text, cost_hidden = latest("cost_beyond_refund_cap_dkk")
        inhabitants = population.get((area.code, int(year)))
        cap_per_10k = nights / inhabitants * 10_000 if nights is not None and inhabitants else None
        cost_per_inhabitant = cost / inhabitants if cost is not None and inhabitants else None
        rows.append({"code": int(area.code), "name": area.name, "page": area.page,
                     "region": published.area("region", area.region).name,
                     "persons": persons, "persons_text": persons_text,
                     "persons_per_10k": per_10k, "persons_per_10k_text": per_10k_text,
                     "exits_to_housing": housing, "exits_to_housing_text": housing_text,
                     "cap_nights": nights, "cap_nights_text": nights_text,
                     "cap_nights_per_10k": cap_per_10k,
                     "cap_nights_per_10k_text": danish.number(cap_per_10k, 1) if cap_per_10k is not None
                     else (nights_hidden or nights_text),
                     "cap_cost": cost, "cap_cost_text": cost_text,
                     "cap_cost_per_inhabitant": cost_per_inhabitant,
                     "cap_cost_per_inhabitant_text": per_inhabitant_text(cost_per_inhabitant, cost_hidden or cost_text),
                     "hidden": bool(per_10k_hidden or housing_hidden or nights_hidden or cost_hidden)})
    return pd.DataFrame(rows)


def per_inhabitant_text(value: float | None, otherwise: str) -> str:
    """Kroner per inhabitant: '173 kr.', '4,6 kr.'; a hidden or missing amount keeps its mark."""
    if value is None:
        return otherwise
    return f"{danish.number(value, 1 if abs(value) < 10 else 0)}\u00a0kr."


def population_by_year(conn) -> dict:
    return {(code, year): population for code, year, population in conn.execute(
        "select area_code, year, population from area_population where level = 'municipality'").fetchall()}


def map_chart(figures: pd.DataFrame, title: str) -> dict:
    """The municipalities coloured by the chosen key rate; a municipality whose figure is hidden is
    grey and says so in its tooltip. The boundaries and figures go into a template built once."""
    spec = json.loads(map_template())
    spec["title"]["text"] = charts.title_lines(title)
    spec["data"] = {"values": boundaries(), "format": {"type": "topojson", "feature": "stdin"}}
    lookup = next(t for t in spec["transform"] if "lookup" in t)
    lookup["from"]["data"] = {"values": json.loads(figures[["code", *LOOKUP]].to_json(orient="records"))}
    return spec


LOOKUP = ["name", "persons_per_10k", "exits_to_housing", "cap_nights_per_10k", "cap_cost_per_inhabitant",
          "persons_per_10k_text", "exits_to_housing_text", "cap_nights_per_10k_text", "cap_cost_per_inhabitant_text"]


@cache
def map_template() -> str:
    rate = alt.param(name="noegletal", value=KEY_RATES[0][0], bind=alt.binding_select(
        options=[f for f, _, _ in KEY_RATES], labels=[label for _, label, _ in KEY_RATES], name="Farv kortet efter: "))
    shapes = alt.Chart(alt.Data(values=[]), title=alt.TitleParams("", subtitle=MAP_CREDIT, anchor="start", fontSize=14),
                       width="container", height=420).transform_calculate(
        code="toNumber(datum.properties.KOMKODE)").transform_lookup(
        lookup="code", from_=alt.LookupData(alt.Data(values=[]), "code", LOOKUP)).transform_filter(
        "isValid(datum.name)").transform_calculate(shown="datum[noegletal]")
    chart = shapes.mark_geoshape(stroke="white", strokeWidth=0.5).encode(
        color=alt.condition("isValid(datum.shown)", alt.Color("shown:Q", title="Valgt nøgletal",
                                                               scale=alt.Scale(scheme="blues")),
                            alt.value(charts.HIDDEN_GREY)),
        tooltip=[alt.Tooltip("name:N", title="Kommune"),
                 alt.Tooltip("persons_per_10k_text:N", title="Personer pr. 10.000"),
                 alt.Tooltip("exits_to_housing_text:N", title="Udflytning til bolig"),
                 alt.Tooltip("cap_nights_per_10k_text:N", title="Nætter ud over grænsen pr. 10.000"),
                 alt.Tooltip("cap_cost_per_inhabitant_text:N", title="Udgift ud over grænsen pr. indbygger")],
    ).project(type="mercator").add_params(rate).properties(config=charts.CONFIG)
    return json.dumps(chart.to_dict(validate=False), ensure_ascii=False)


def sortable_table(figures: pd.DataFrame, root: str) -> str:
    columns = [("Kommune", "name", None), ("Region", "region", None), ("Personer på herberg", "persons_text", "persons"),
               ("Pr. 10.000 indbyggere", "persons_per_10k_text", "persons_per_10k"),
               ("Udflytning til bolig", "exits_to_housing_text", "exits_to_housing"),
               ("Nætter ud over refusionsgrænsen", "cap_nights_text", "cap_nights"),
               ("Heraf pr. 10.000 indbyggere", "cap_nights_per_10k_text", "cap_nights_per_10k"),
               ("Udgift ud over grænsen", "cap_cost_text", "cap_cost"),
               ("Heraf pr. indbygger", "cap_cost_per_inhabitant_text", "cap_cost_per_inhabitant")]
    head = "".join(f"<th scope=\"col\">{escape(title)}</th>" for title, _, _ in columns)
    body = []
    for row in figures.sort_values("name").itertuples():
        cells = [f'<td><a href="{root}{row.page}">{escape(row.name)}</a></td>', f"<td>{escape(row.region)}</td>"]
        for _, text, value in columns[2:]:
            number = getattr(row, value)
            cells.append(f'<td data-v="{"" if number is None or pd.isna(number) else number}">'
                         f"{escape(str(getattr(row, text)))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>' + SORT_SCRIPT)


COST_PER_INHABITANT = (f"{texts.title('cost_beyond_refund_cap_dkk')} i året / indbyggere 1. januar. "
                       + texts.definitions()["cost_beyond_refund_cap_dkk"])


@dataclass
class Ranking:
    rows: pd.DataFrame          # category, value, text, hidden, base; largest first
    table: pd.DataFrame
    title: str
    axis: str
    explanation: str
    definition: str


def ranking(figures: pd.DataFrame, by_cost: bool) -> Ranking:
    """Municipalities by what the nights beyond the cap cost them per inhabitant (they pay those in
    full); by the nights per 10,000 inhabitants where no rates were delivered."""
    field, amount = ("cap_cost_per_inhabitant", "cap_cost") if by_cost else ("cap_nights_per_10k", "cap_nights")
    rows = figures.assign(category=figures["name"], value=figures[field], text=figures[f"{field}_text"],
                          hidden=figures[f"{field}_text"].where(figures[field].isna()
                                                                & (figures[f"{amount}_text"] != "–"), ""), base="")
    rows = rows.sort_values("value", ascending=False, na_position="last")
    table = pd.DataFrame({"Kommune": rows["category"], "Udgift ud over grænsen pr. indbygger":
                          rows["cap_cost_per_inhabitant_text"], "Udgift ud over grænsen": rows["cap_cost_text"],
                          "Nætter ud over grænsen pr. 10.000 indbyggere": rows["cap_nights_per_10k_text"]})
    if by_cost:
        return Ranking(rows, table, "Udgift ud over refusionsgrænsen pr. indbygger", "Kroner pr. indbygger",
                       "Kommunerne rangeret efter, hvad nætterne ud over refusionsgrænsen kostede dem pr. indbygger: "
                       "de nætter betaler kommunen fuldt selv, uden refusion fra staten. Taksterne er listepriser.",
                       COST_PER_INHABITANT)
    return Ranking(rows, table.drop(columns=["Udgift ud over grænsen pr. indbygger", "Udgift ud over grænsen"]),
                   "Nætter ud over refusionsgrænsen pr. 10.000 indbyggere", "Nætter pr. 10.000 indbyggere",
                   "Kommunerne rangeret efter nætter ud over refusionsgrænsen pr. 10.000 indbyggere: de nætter betaler "
                   "kommunen fuldt selv. Herbergernes takster er ikke leveret, så udgiften i kroner kan ikke vises.",
                   "Nætter ud over refusionsgrænsen / indbyggere × 10.000. "
                   + texts.definitions()["nights_beyond_refund_cap"])


def comparison_sections(published: Published, population: dict, area: Area, root: str) -> list[Section]:
    figures = municipal_figures(published, population, area)
    if figures.empty:
        return []
    year = published.latest_year
    where = "landets" if area.level == "national" else f"{area.name}s"
    rank = ranking(figures, by_cost=published.rates.shelter_rates and figures["cap_cost"].notna().any())
    shown = rank.rows.head(25) if area.level == "national" else rank.rows
    rank_chart = charts.bars(shown[["category", "value", "text", "hidden", "base"]],
                             f"{rank.title}, {year}" + (" (de 25 højeste)" if len(shown) < len(rank.rows) else ""),
                             f"Søjlediagram: {where} kommuner rangeret efter {rank.title.lower()}",
                             rank.axis, height=max(200, 18 * len(shown)))
    return [
        Section(id="kort", heading=f"Kommunerne på kortet, {year}",
                explanation="Vælg nøgletal i menuen under kortet. Grå kommuner har et skjult tal (under 5 personer) "
                            "eller intet tal. Hold musen over en kommune for dens tal.",
                definition=" · ".join(f"{label}: {definition}" for label, definition in (
                    (texts.title("persons_in_shelter_per_10k"), texts.definitions()["persons_in_shelter_per_10k"]),
                    (texts.title("exits_to_housing_share"), texts.definitions()["exits_to_housing_share"]),
                    ("Nætter ud over refusionsgrænsen pr. 10.000 indbyggere",
                     "Nætter ud over refusionsgrænsen / indbyggere × 10.000."),
                    ("Udgift ud over refusionsgrænsen pr. indbygger", COST_PER_INHABITANT))),
                table=None, chart=map_chart(figures, f"{where[0].upper()}{where[1:]} kommuner"),
                chart_description=f"Danmarkskort over {where} kommuner, farvet efter det valgte nøgletal"),
        Section(id="kommuner", heading=f"Alle {where} kommuner, {year}", table=None, definition="",
                explanation="Klik på en kolonneoverskrift for at sortere; klik igen for omvendt rækkefølge. "
                            "Skjulte tal sorteres sidst.", html=sortable_table(figures, root)),
        Section(id="refusion-rangering", heading="Hvem betaler for nætterne ud over refusionsgrænsen?",
                explanation=rank.explanation, definition=rank.definition, table=rank.table,
                chart=rank_chart, chart_description=f"Kommuner rangeret efter {rank.title.lower()}"),
    ]
