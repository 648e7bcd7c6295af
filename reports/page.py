"""Render a report page: Danish text, tables, and Altair charts drawn by the Vega bundle that is
shipped once beside the pages (`vega.js`; a page without a chart loads no script)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import altair as alt
import jinja2
import pandas as pd
import vl_convert
from markupsafe import Markup

from reports.danish import SYMBOLS, VEGA_FORMAT_LOCALE, VEGA_TIME_LOCALE
from reports.downloads import write_text

TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                               autoescape=jinja2.select_autoescape(["html"]))
EMBED_OPTIONS = {"actions": False, "renderer": "svg", "formatLocale": VEGA_FORMAT_LOCALE,
                 "timeFormatLocale": VEGA_TIME_LOCALE}


@dataclass
class Section:
    id: str
    heading: str
    explanation: str          # one plain-language sentence: what it means and why it matters
    definition: str           # how the figure is computed, in Danish (reports/texts.py)
    table: pd.DataFrame | None  # the chart's figures, already formatted for reading
    chart: dict | alt.TopLevelMixin | None = None   # a Vega-Lite spec (reports/charts.py) or an Altair chart
    chart_description: str = ""
    html: str = ""             # extra markup (already escaped), e.g. a list of links
    ids: tuple[str, ...] = ()  # the indicator ids shown (in code style, for analysts and providers)


VEGA_SCRIPT = "vega.js"


@cache
def vega_bundle() -> str:
    """Vega + Vega-Lite + Vega-Embed as one script, for the Vega-Lite version Altair writes; its
    first line names the versions (`write_vega_bundle` keeps a file that already has them). Building
    it takes a second, so it is kept in the user's cache folder, named by its versions, for the next
    published folder (every run into a new home, every test)."""
    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    stamp = bundle_stamp(version)
    kept = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hfmon" / \
        f"vega-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.js"
    if kept.exists() and (bundle := kept.read_text(encoding="utf-8")).startswith(stamp + "\n"):
        return bundle
    bundle = f"{stamp}\n" + vl_convert.javascript_bundle(vl_version=version)
    try:
        write_text(kept, bundle)
    except OSError:   # no writable cache folder: the bundle is simply built again next time
        pass
    return bundle


def bundle_stamp(vl_version: str) -> str:
    return f"// vega bundle: vl-convert {vl_convert.__version__}, vega-lite {vl_version}"


def write_vega_bundle(folder: Path) -> Path:
    """vega.js beside the pages; building the bundle takes a second, so a file of the same
    versions is kept."""
    path = folder / VEGA_SCRIPT
    stamp = bundle_stamp(".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]))
    if path.exists():
        with path.open(encoding="utf-8") as existing:
            if existing.readline().rstrip("\n") == stamp:
                return path
    return write_text(path, vega_bundle())


NOTHING_TO_DRAW = ('<p class="note">Ingen figur: alle tal her er skjulte (færre end 5 personer) eller endnu '
                   'ikke målbare, så en figur ville være tom. Tabellen nedenfor viser hvert tal eller hvorfor det '
                   'mangler.</p>')


def without_empty_charts(section: Section) -> Section:
    """A chart whose figures are all hidden would be an empty frame: show the table instead."""
    values = section.chart.get("data", {}).get("values") if isinstance(section.chart, dict) else None
    if isinstance(values, list) and values and "value" in values[0] and all(r["value"] is None for r in values):
        section.chart, section.html = None, section.html + NOTHING_TO_DRAW
    return section


def symbols_used(tables: list[list[list]]) -> list[tuple[str, str]]:
    """The marks (<5, ×, skjult, for tidligt, –) that appear in the page's tables, each with its meaning."""
    cells = {str(cell) for rows in tables for row in rows for cell in row}
    return [(symbol, meaning) for symbol, meaning in SYMBOLS.items() if symbol in cells]


def script_json(value) -> str:
    """JSON to inline in a <script>: no <, > or & left as such, so no text from a delivery (a name
    with "<!--<script>" or "</script>") can end or derail the script."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


# What pandas' to_html(escape=True) does to a cell's text, kept so pages are unchanged byte for byte.
CELL_TEXT = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def table_html(table: pd.DataFrame, rows: list[list]) -> str:
    """A page table (its cells: `rows`) as pandas' `to_html(index=False, border=0)` writes it. Tables
    hold text only (figures are formatted for reading); writing them directly is a tenth of pandas'
    formatting per cell, which was a tenth of a page's time. Anything else (a number, a missing
    value) goes through pandas.
    A pivot's column name ("series") is not a heading: pandas wrote it as an empty first column."""
    names = [str(name) for name in table.columns]
    if not all(isinstance(name, str) for name in table.columns) or \
            not all(isinstance(cell, str) for row in rows for cell in row):
        return table.rename_axis(columns=None).to_html(index=False, border=0, escape=True)
    cell = lambda tag, text: f"      <{tag}>{text.translate(CELL_TEXT).strip()}</{tag}>\n"   # noqa: E731
    head = "".join(cell("th", name) for name in names)
    body = "".join("    <tr>\n" + "".join(cell("td", text) for text in row) + "    </tr>\n" for row in rows)
    return ('<table class="dataframe">\n  <thead>\n    <tr style="text-align: right;">\n' + head +
            "    </tr>\n  </thead>\n  <tbody>\n" + body + "  </tbody>\n</table>")


def render(path: Path, title: str, lead: str, sections: list[Section], footer: str, root: str = "",
           download: str | None = None) -> Path:
    sections = [without_empty_charts(s) for s in sections]
    charts = {f"chart-{s.id}": s.chart if isinstance(s.chart, dict) else s.chart.to_dict(validate=False)
              for s in sections if s.chart is not None}
    cells = [s.table.to_numpy(dtype=object).tolist() if s.table is not None else None for s in sections]
    html = TEMPLATES.get_template("page.html").render(
        title=title, lead=lead, footer=footer, root=root, download=download,
        symbols=symbols_used([rows for rows in cells if rows is not None]),
        sections=[{**s.__dict__, "html": Markup(s.html),
                   "table": Markup(table_html(s.table, rows)) if rows is not None else ""}
                  for s, rows in zip(sections, cells)],
        embed_options=Markup(json.dumps(EMBED_OPTIONS, ensure_ascii=False)),
        charts_json=Markup(script_json(charts)) if charts else "",
    )
    return write_text(path, html)
