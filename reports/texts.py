"""What each indicator is called on a page, and one plain sentence on what it means and why it matters.

The exact definition comes from the indicator's own SQL unit (the spec's words), so it cannot drift."""

from __future__ import annotations

from functools import cache

from assets.indicator_units import read_units
from assets.indicators import INDICATOR_SQL_DIR

TEXTS = {
    "persons_in_shelter": ("Personer på herberg", "Hvor mange forskellige borgere der har boet på et herberg eller "
                           "forsorgshjem (§ 110) i perioden: det er dem, hjemløshedsindsatsen skal nå."),
    "persons_in_shelter_per_10k": ("Personer på herberg pr. 10.000 indbyggere", "Samme tal sat i forhold til "
                                   "befolkningen, så kommuner og regioner af forskellig størrelse kan sammenlignes."),
    "new_episodes": ("Nye forløb", "Hvor mange nye herbergsforløb der begyndte, og hvor borgerne kom fra: "
                     "fængsel, hospital, udsættelse fra bolig m.m. viser, hvor andre sektorer sender borgere videre."),
    "bed_nights": ("Overnatninger", "Det samlede antal nætter på herberg: et mål for, hvor meget kommunens borgere "
                   "bruger herbergerne."),
    "occupancy_rate": ("Belægning", "Hvor stor en del af sengene på herbergerne i området der var i brug."),
    "out_of_area_bed_nights_share": ("Overnatninger i andre kommuner", "Andelen af kommunens borgeres nætter på "
                                     "herberger i en anden kommune."),
    "median_episode_days": ("Typisk længde af et forløb (dage)", "Medianlængden af de forløb, der sluttede: halvdelen "
                            "var kortere, halvdelen længere. Reformen sigter mod korte ophold."),
    "episodes_over_90_days_share": ("Forløb over 90 dage", "Andelen af afsluttede forløb, der varede mere end 90 dage."),
    "ongoing_over_90_days": ("Igangværende forløb over 90 dage", "Borgere, der ved periodens udgang havde været på "
                             "herberg i mere end 90 dage uden at komme ud."),
    "nights_beyond_refund_cap": ("Nætter ud over refusionsgrænsen", "Nætter, som staten ikke giver refusion for "
                                 "(over 120 nætter i et løbende år, fra 1. april 2026 over 90): kommunen betaler fuldt."),
    "nights_beyond_refund_cap_share": ("Andel nætter ud over refusionsgrænsen", "Hvor stor en del af nætterne der "
                                       "lå ud over refusionsgrænsen."),
    "persons_beyond_refund_cap": ("Personer ud over refusionsgrænsen", "Borgere med mindst én nat ud over "
                                  "refusionsgrænsen i perioden."),
    "action_plan_within_30_days_share": ("Handleplan inden 30 dage", "Andelen af nye forløb, hvor der blev lavet en "
                                         "handleplan inden 30 dage; loven fra 2023 kræver en plan for alle."),
    "exits": ("Udflytninger", "Forløb, der sluttede i perioden, fordelt på hvor borgeren flyttede hen."),
    "exits_to_housing_share": ("Udflytning til bolig", "Andelen af udflytninger til egen bolig eller botilbud: "
                               "målet med et herbergsophold er en bolig."),
    "exits_unknown_destination_share": ("Udflytning til uoplyst", "Andelen af udflytninger, hvor det ikke er "
                                        "oplyst, hvor borgeren flyttede hen (et mål for datakvalitet)."),
    "median_days_to_housing": ("Typisk tid til bolig (dage)", "Medianlængden af de forløb, der sluttede med en bolig."),
    "returns_within_6m_share": ("Tilbage inden 6 måneder", "Andelen, der kom tilbage på herberg inden 6 måneder "
                                "efter at være flyttet i bolig."),
    "returns_within_12m_share": ("Tilbage inden 12 måneder", "Andelen, der kom tilbage på herberg inden 12 måneder."),
    "returns_within_24m_share": ("Tilbage inden 24 måneder", "Andelen, der kom tilbage på herberg inden 24 måneder."),
    "first_time_persons": ("Nye borgere", "Borgere, der ikke har været på herberg de seneste to år."),
    "first_time_share": ("Andel nye borgere", "Andelen af dem, der begyndte et forløb, som er nye på herberg."),
    "youth_persons_share": ("Unge 18–24 år", "Andelen af borgerne på herberg, der er 18–24 år."),
    "monthly_flow": ("Strømme pr. måned", "Hvem der kom ind og ud hver måned, og hvor mange der var på herberg."),
    "hf_persons": ("Borgere i Housing First-støtte", "Borgere med CTI-, ICM- eller ACT-støtte (Housing First-metoderne)."),
    "hf_coverage_of_housing_exits": ("Housing First ved udflytning", "Andelen af dem, der flyttede i egen bolig, som "
                                     "havde eller fik CTI, ICM eller ACT inden 30 dage."),
    "hf_housing_retention_12m": ("Bevarer boligen (12 mdr.)", "Andelen med Housing First-støtte, som ikke kom tilbage "
                                 "på herberg det første år efter indflytning."),
    "homeless_count": ("Hjemløsetællingen", "Antal hjemløse i tællingsugen (uge 6), alle situationer, ikke kun herberg."),
    "homeless_count_per_10k": ("Hjemløse pr. 10.000 indbyggere", "Hjemløsetællingen i forhold til befolkningen."),
    "homeless_count_youth_share": ("Unge blandt de hjemløse", "Andelen af de talte med kendt alder, der er 18–24 år."),
}
SHARES = {name for name in TEXTS if name.endswith("_share") or name in ("occupancy_rate",
                                                                        "hf_coverage_of_housing_exits",
                                                                        "hf_housing_retention_12m")}


@cache
def definitions() -> dict[str, str]:
    return {unit.indicator: unit.definition for unit in read_units(INDICATOR_SQL_DIR)}


def title(indicator: str) -> str:
    return TEXTS[indicator][0]


def explanation(indicator: str) -> str:
    return TEXTS[indicator][1]
