"""The entry page: the national picture and the regions, from `indicators_published` only."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd

from reports import danish
from reports.page import Section, render

PERSONS_EXPLANATION = ("Antallet af forskellige personer, der har boet på et herberg eller forsorgshjem (§ 110) "
                       "i løbet af året. Det viser, hvor mange borgere hjemløshedsindsatsen skal nå.")
PERSONS_DEFINITION = ("persons_in_shelter: distinkte personer med et ophold, der er aktivt i perioden "
                      "(indskrevet senest periodens sidste dag og ikke udskrevet før periodens første dag). "
                      "Regioner og hele landet tæller hver person én gang.")


def published(conn, indicator: str, level: str) -> pd.DataFrame:
    return conn.execute("""
        select area_code, period, value, suppression from indicators_published
        where indicator = ? and level = ? and breakdown = '' and length(period) = 4
        order by area_code, period
    """, [indicator, level]).df()


def shown(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].map(lambda v: danish.number(None if pd.isna(v) else v))


def persons_chart(national: pd.DataFrame) -> alt.Chart:
    data = national.assign(year=national["period"], persons=national["value"])[["year", "persons"]]
    return alt.Chart(data, title="Personer på herberg og forsorgshjem pr. år", width="container", height=280,
                     description="Søjlediagram: antal personer på § 110-boformer i hele landet pr. år").mark_bar(
        color=danish.PALETTE[0]).encode(
        x=alt.X("year:O", title="År", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("persons:Q", title="Personer", axis=alt.Axis(format=",d")),
        tooltip=[alt.Tooltip("year:O", title="År"), alt.Tooltip("persons:Q", title="Personer", format=",d")])


def build_index(conn, out_dir: Path, cutoff, deliveries_used: int) -> Path:
    national = published(conn, "persons_in_shelter", "national")
    regions = published(conn, "persons_in_shelter", "region")
    national_table = pd.DataFrame({"År": national["period"], "Personer": shown(national)})
    regions = regions.assign(Region=regions["area_code"].astype(int).map(danish.REGION_NAMES), Personer=shown(regions))
    region_table = regions.pivot(index="Region", columns="period", values="Personer").reset_index()
    region_table.columns.name = None
    sections = [
        Section(id="personer", heading="Personer på herberg", explanation=PERSONS_EXPLANATION,
                definition=PERSONS_DEFINITION, table=national_table, chart=persons_chart(national),
                chart_description="Antal personer på herberg og forsorgshjem i hele landet pr. år"),
        Section(id="regioner", heading="Personer på herberg pr. region", explanation=PERSONS_EXPLANATION,
                definition=PERSONS_DEFINITION, table=region_table),
    ]
    footer = (f"Data til og med {danish.long_date(cutoff)} fra {danish.number(deliveries_used)} leverancer. "
              f"Tal fra 1 til 4 vises som «{danish.SUPPRESSED}» (diskretionering).")
    return render(out_dir / "index.html", title="Hjemløshed og Housing First i Danmark",
                  lead="Overblik over brugen af herberger og forsorgshjem (§ 110) i hele landet og i regionerne.",
                  sections=sections, footer=footer)
