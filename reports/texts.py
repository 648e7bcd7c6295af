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
    "shelter_cost_dkk": ("Udgift til herbergsophold", "Hvad nætterne på herberg koster efter herbergernes takster: "
                         "kommunen betaler herberget for hver nat, dens borgere sover der."),
    "state_refund_dkk": ("Statens refusion", "Den halvdel af udgiften, staten betaler kommunen tilbage, for nætterne "
                         "inden for refusionsgrænsen."),
    "municipal_net_cost_dkk": ("Kommunens nettoudgift til herberg", "Det, kommunen selv betaler: udgiften minus statens refusion."),
    "cost_beyond_refund_cap_dkk": ("Udgift ud over refusionsgrænsen", "Udgiften til nætterne ud over "
                                   "refusionsgrænsen, som kommunen betaler fuldt selv."),
    "cap_change_cost_shift_dkk": ("Mistet refusion pga. 90-nætter-grænsen", "Den refusion, kommunerne mister, fordi "
                                  "grænsen faldt fra 120 til 90 nætter 1. april 2026: regningen flyttet fra staten "
                                  "til kommunen."),
    "hf_cost_dkk": ("Udgift til Housing First-støtte", "Hvad CTI-, ICM- og ACT-støtten koster efter en fast månedspris "
                    "pr. metode."),
    "net_cost_per_person_in_shelter_dkk": ("Nettoudgift pr. person på herberg", "Kommunens nettoudgift delt med "
                                           "antallet af borgere på herberg i perioden."),
}
# Amounts in kroner (written "12,3 mio. kr."; a hidden one is «skjult», never «<5»).
AMOUNTS = {name for name in TEXTS if name.endswith("_dkk")}
SHARES = {name for name in TEXTS if name.endswith("_share") or name in ("occupancy_rate",
                                                                        "hf_coverage_of_housing_exits",
                                                                        "hf_housing_retention_12m")}


# How each figure is computed, in Danish, for a case worker: the formula as tæller / nævner where
# there is one. The spec's exact words stay in the indicator's SQL unit; a test holds both lists equal.
DEFINITIONS = {
    "persons_in_shelter": "Antal forskellige personer med mindst ét ophold på et § 110-tilbud i perioden. En person "
                          "tælles én gang pr. område, også med flere ophold.",
    "persons_in_shelter_per_10k": "Personer på herberg / indbyggere i området i periodens år × 10.000.",
    "new_episodes": "Antal forløb, der begynder i perioden. Et forløb er et eller flere ophold i træk, hvor det næste "
                    "begynder senest dagen efter det forrige sluttede (flytning mellem herberger starter ikke forfra). "
                    "Fordelt på, hvor borgeren boede natten før.",
    "bed_nights": "Antal nætter i perioden, som borgerne har tilbragt på herberg (indflytningsdag til dagen før "
                  "udflytning). To samtidige ophold tæller én nat.",
    "occupancy_rate": "Overnatninger på herbergerne i området / (senge × nætter i perioden, mens herberget var åbent). "
                      "Som det eneste tal opgjort efter, hvor herberget ligger.",
    "out_of_area_bed_nights_share": "Kommunens borgeres nætter på herberger i en anden kommune / alle kommunens "
                                    "borgeres nætter.",
    "median_episode_days": "Den midterste længde (dage fra første indflytning til sidste udflytning) blandt forløb, "
                           "der slutter i perioden.",
    "episodes_over_90_days_share": "Forløb over 90 dage / alle forløb, der slutter i perioden.",
    "ongoing_over_90_days": "Personer, der er på herberg ved periodens sidste dag, og hvis forløb begyndte mere end 90 "
                            "dage før. Tælles i den kommune, der var handlekommune for opholdet den dag.",
    "nights_beyond_refund_cap": "Nætter ud over refusionsgrænsen: fra 1. oktober 2023 tælles hver persons nætter i et "
                                "refusionsår (365 dage fra første nat); nat nr. 121 og frem (fra 1. april 2026 nr. 91 "
                                "og frem) er ud over grænsen. Før 1. oktober 2023: 0.",
    "nights_beyond_refund_cap_share": "Nætter ud over refusionsgrænsen / alle overnatninger fra 1. oktober 2023.",
    "persons_beyond_refund_cap": "Antal personer med mindst én nat ud over refusionsgrænsen i perioden.",
    "action_plan_within_30_days_share": "Forløb, hvor første ophold har en handleplan senest 30 dage efter "
                                        "indflytning / alle forløb, der begynder i perioden.",
    "exits": "Forløb, der slutter i perioden, fordelt på hvor borgeren flyttede hen. Dødsfald tælles ikke som "
             "udflytning.",
    "exits_to_housing_share": "Udflytninger til egen bolig eller botilbud / alle udflytninger (også dem, hvor det er "
                              "uoplyst, hvor borgeren flyttede hen).",
    "exits_unknown_destination_share": "Udflytninger, hvor det er uoplyst, hvor borgeren flyttede hen / alle "
                                       "udflytninger.",
    "median_days_to_housing": "Den midterste længde (dage) blandt forløb, der slutter i perioden med flytning til "
                              "egen bolig eller botilbud.",
    "returns_within_6m_share": "Personer, der igen kommer på herberg inden 182 dage efter deres første udflytning til "
                               "bolig i perioden / personer med en udflytning til bolig i perioden.",
    "returns_within_12m_share": "Som ovenfor, inden 365 dage efter udflytningen til bolig.",
    "returns_within_24m_share": "Som ovenfor, inden 730 dage efter udflytningen til bolig.",
    "first_time_persons": "Personer, der begynder et forløb i perioden uden at have været på herberg de 730 dage før.",
    "first_time_share": "Nye borgere (ikke på herberg de 730 dage før) / alle personer, der begynder et forløb i "
                        "perioden.",
    "youth_persons_share": "Personer på herberg, der er 18–24 år (år for forløbets start − fødselsår) / alle personer "
                           "på herberg i perioden.",
    "monthly_flow": "For hver måned: personer der kommer ind for første gang (ikke på herberg de 730 dage før), "
                    "personer der vender tilbage, personer der flytter ud til bolig, personer der flytter ud til "
                    "andet, og personer på herberg natten til månedens sidste dag.",
    "hf_persons": "Antal forskellige personer med en CTI-, ICM- eller ACT-sag i perioden (efter sagens kommune).",
    "hf_coverage_of_housing_exits": "Personer med en udflytning til egen bolig, som havde en CTI-, ICM- eller "
                                    "ACT-sag på udflytningsdagen eller fik en inden 30 dage / alle personer med en "
                                    "udflytning til egen bolig i perioden.",
    "hf_housing_retention_12m": "Personer med Housing First-støtte, der flyttede i bolig i perioden og ikke kom på "
                                "herberg inden 365 dage / alle med Housing First-støtte, der flyttede i bolig i "
                                "perioden.",
    "homeless_count": "Antal personer talt i hjemløsetællingen (uge 6, hvert andet år), i alle situationer.",
    "homeless_count_per_10k": "Talte hjemløse / indbyggere × 10.000.",
    "homeless_count_youth_share": "Talte hjemløse på 18–24 år / talte hjemløse med kendt alder.",
    "shelter_cost_dkk": "Summen over periodens nætter af herbergets takst for nattens kalenderår, efter "
                        "handlekommune.",
    "state_refund_dkk": "50 % af udgiften til de nætter, staten refunderer: alle nætter før 1. oktober 2023 og "
                        "derefter nætterne inden for refusionsgrænsen.",
    "municipal_net_cost_dkk": "Udgift til herbergsophold − statens refusion.",
    "cost_beyond_refund_cap_dkk": "Udgiften til periodens nætter ud over refusionsgrænsen (kommunen betaler dem fuldt).",
    "cap_change_cost_shift_dkk": "50 % af udgiften til nætter fra 1. april 2026, der er nat nr. 91–120 i deres "
                                 "refusionsår (refunderet under 120-grænsen, ikke under 90-grænsen). Perioder før "
                                 "april 2026: –.",
    "hf_cost_dkk": "For hver CTI-, ICM- og ACT-sag: dage aktiv i perioden × metodens månedspris for året × 12 / 365, "
                   "efter sagens kommune.",
    "net_cost_per_person_in_shelter_dkk": "Kommunens nettoudgift / personer på herberg i perioden.",
}
# What a share's or rate's base counts, for "27,7 % af 1.234 udflytninger".
BASES = {
    "exits_to_housing_share": "udflytninger", "exits_unknown_destination_share": "udflytninger",
    "episodes_over_90_days_share": "afsluttede forløb", "action_plan_within_30_days_share": "nye forløb",
    "returns_within_6m_share": "personer flyttet i bolig", "returns_within_12m_share": "personer flyttet i bolig",
    "returns_within_24m_share": "personer flyttet i bolig", "first_time_share": "personer, der begyndte et forløb",
    "youth_persons_share": "personer på herberg", "hf_coverage_of_housing_exits": "personer flyttet i egen bolig",
    "hf_housing_retention_12m": "personer i Housing First flyttet i bolig",
    "out_of_area_bed_nights_share": "overnatninger", "nights_beyond_refund_cap_share": "overnatninger",
    "occupancy_rate": "sengepladsnætter", "homeless_count_youth_share": "talte med kendt alder",
    "persons_in_shelter_per_10k": "indbyggere", "homeless_count_per_10k": "indbyggere",
    "median_episode_days": "afsluttede forløb", "median_days_to_housing": "forløb afsluttet med bolig",
}


@cache
def counts() -> set[str]:
    """Indicators whose figures are counts or sums (a hidden one is «<5»; anything else is «skjult»)."""
    return {unit.indicator for unit in read_units(INDICATOR_SQL_DIR) if unit.aggregate in ("count", "sum")}


def figure_style(indicator: str) -> tuple[bool, int, bool, bool]:
    """How an indicator's figures are written: (a share in %, decimals, a count hidden as «<5», an amount in kr.)."""
    decimals = 1 if indicator.endswith("_per_10k") or indicator.startswith("median") else 0
    return indicator in SHARES, decimals, indicator in counts(), indicator in AMOUNTS


def definitions() -> dict[str, str]:
    return DEFINITIONS


def title(indicator: str) -> str:
    return TEXTS[indicator][0]


def explanation(indicator: str) -> str:
    return TEXTS[indicator][1]
