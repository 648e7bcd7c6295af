"""The data dictionary page (published/dataordbog.html): the machine-readable `indicators.csv`,
its columns, and every indicator id with its Danish name and definition."""

from __future__ import annotations

from html import escape

import pandas as pd

from reports import danish, texts
from reports.page import Section

COLUMNS = [
    ("indicator", "nøgletallets id (se listen nedenfor)"),
    ("level", "national, region eller municipality (kommune)"),
    ("area_code", "DK, regionskode (1081–1085) eller kommunekode"),
    ("period", "år (2024), kvartal (2024-Q3) eller måned (2024-07)"),
    ("breakdown", "tom for totalen, ellers en opdeling som destination=own_housing"),
    ("value", "tallet (andele mellem 0 og 1); tomt, når det er skjult eller ikke kan beregnes"),
    ("numerator, denominator", "tæller og nævner for andele og rater; tomme, når tallet er skjult"),
    ("status", "ok, insufficient_follow_up (for tidligt), insufficient_history (for kort historik), "
               "no_data (intet at beregne)"),
    ("suppression", "primary (1–4, skjult), secondary (skjult, så et lille tal ikke kan regnes ud) eller tom"),
    ("cutoff", "data til og med denne dato"),
]


def dictionary_sections() -> list[Section]:
    columns = "".join(f"<tr><td><code>{escape(c)}</code></td><td>{escape(m)}</td></tr>" for c, m in COLUMNS)
    indicators = "".join(
        f"<tr><td><code>{escape(i)}</code></td><td>{escape(texts.title(i))}</td>"
        f"<td>{escape(texts.definitions()[i])}</td></tr>" for i in texts.TEXTS)
    return [
        Section(id="fil", heading="Alle tal i én fil", table=None, definition="",
                explanation="Filen indeholder alle offentliggjorte tal for alle områder og perioder, i et fast format "
                            "til analyse (komma-separeret, punktum som decimaltegn, UTF-8). Hver side har desuden sin "
                            "egen CSV-fil til Excel (semikolon, decimalkomma).",
                html='<p><a href="indicators.csv" download>Hent indicators.csv</a></p>'
                     f'<div class="scroll"><table><thead><tr><th>Kolonne</th><th>Betydning</th></tr></thead>'
                     f"<tbody>{columns}</tbody></table></div>"),
        Section(id="noegletal", heading="Nøgletallene", table=None, definition="",
                explanation="Hvert nøgletals id, navn og hvordan det beregnes.",
                html=f'<div class="scroll"><table><thead><tr><th>Id</th><th>Navn</th><th>Sådan beregnes det</th></tr>'
                     f"</thead><tbody>{indicators}</tbody></table></div>"),
        Section(id="tegn", heading="Tegn i tabellerne", definition="", explanation="Intet af det er nul.",
                table=pd.DataFrame({"Tegn": list(danish.SYMBOLS), "Betydning": list(danish.SYMBOLS.values())})),
    ]
