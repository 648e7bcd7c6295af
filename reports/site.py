"""Every page: index, the mission, national, 5 regions, 98 municipalities and data quality, each
with a CSV of its own published figures. Reads only the warehouse (`hfmon report` re-renders without recomputing)."""

from __future__ import annotations

import multiprocessing
import signal
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from altair.utils.schemapi import debug_mode

import pandas as pd

from reports import danish, texts
from reports.dictionary import dictionary_sections
from reports.revisions import Revisions, area_revision_section, revision_sections
from reports.downloads import copy_csv, spreadsheet_safe, write_csv, write_text
from reports.area_page import area_sections
from reports.compare import comparison_sections, population_by_year
from reports.index_page import index_sections
from reports.mission import Mission, mission_sections
from reports.page import render, write_vega_bundle
from reports.published import Published
from reports.quality_page import quality_sections

# A page's own figures for Danish Excel: Danish headings and labels, decimal commas, the cutoff; the
# indicator id and codes stay beside them for analysts.
def decimal(column: str) -> str:
    return f"replace(regexp_replace({column}::varchar, '\\.0$', ''), '.', ',')"


AREA_CSV = f"""
    select p.level, p.area_code, t.title as "Nøgletal", p.indicator as "Id", p.period as "Periode",
           l.label as "Opdeling", {decimal('p.value')} as "Værdi", {decimal('p.numerator')} as "Tæller",
           {decimal('p.denominator')} as "Nævner",
           case p.status when 'ok' then '' when 'insufficient_follow_up' then 'for tidligt'
                when 'insufficient_history' then 'for kort historik' else 'intet at beregne' end as "Status",
           case p.suppression when 'primary' then 'skjult (1-4)' when 'secondary' then 'skjult (×)' else '' end
               as "Skjult", p.area_code as "Områdekode", strftime(p.cutoff, '%d-%m-%Y') as "Data til og med",
           p.breakdown
    from indicators_published p
    join indicator_titles t using (indicator)
    left join breakdown_labels l on l.breakdown = p.breakdown"""


def write_area_csvs(conn, out: Path, areas) -> None:
    """Each area page's CSV. The rows are made spreadsheet-safe once for all areas, then cut per
    area with one COPY each (made safe per area, the safe-making was most of the cost)."""
    conn.execute(f"create or replace temp table area_csv_rows as {spreadsheet_safe(conn, AREA_CSV)}")
    for area in areas:
        copy_csv(conn, """select * exclude (level, area_code, breakdown) from area_csv_rows
                          where level = ? and area_code = ? order by "Id", "Periode", breakdown""",
                 (out / area.page).with_suffix(".csv"), [area.level, area.code], excel=True)
    conn.execute("drop table area_csv_rows")


def footer(cutoff, deliveries: int) -> str:
    return (f"Data til og med {danish.long_date(cutoff)}, fra {danish.number(deliveries)} leverancer. "
            "Alle tal er diskretionerede: tal fra 1 til 4 vises som «<5».")


def register_labels(conn) -> None:
    """Danish names of indicators and breakdowns, for the pages' CSV files."""
    titles = pd.DataFrame({"indicator": list(texts.TEXTS), "title": [texts.title(i) for i in texts.TEXTS]})
    breakdowns = [b for (b,) in conn.execute("select distinct breakdown from indicators_published").fetchall()]
    labels = pd.DataFrame({"breakdown": breakdowns,
                           "label": [danish.label(b.split("=", 1)[1]) if "=" in b else "" for b in breakdowns]})
    conn.register("indicator_titles", titles)
    conn.register("breakdown_labels", labels)


def build_site(conn, out: Path, progress: Callable[[int, int, str], None] = lambda done, total, page: None,
               published: Published | None = None) -> list[Path]:
    # Altair checks every chart object against the Vega-Lite schema as it is built (its debug
    # mode): a fifth of the site's time for a thousand charts of a few fixed shapes. The shapes are
    # checked where they are drawn: tests open a page of every kind in Chromium and fail on any
    # Vega error.
    with debug_mode(False):
        return build_pages(conn, out, progress, published)


def build_pages(conn, out: Path, progress: Callable[[int, int, str], None], published: Published | None) -> list[Path]:
    published = published or Published(conn)
    write_vega_bundle(out)
    population = population_by_year(conn)
    cutoff = conn.execute("select cutoff from data_window").fetchall()[0][0]
    used = conn.execute("select count(*) from deliveries where status = 'loaded'").fetchall()[0][0]
    foot = footer(cutoff, used)
    mission = Mission(conn, published)
    revisions = Revisions(conn)
    areas = published.areas
    total, pages = len(areas) + 5, []
    pages.append(render(out / "index.html", "Hjemløshed og Housing First i Danmark",
                        "Overblik over herberger og forsorgshjem (§ 110) og Housing First i hele landet.",
                        index_sections(published, mission), foot))
    progress(1, total, "index.html")
    write_csv(conn, "select * from target_progress", out / "mission.csv")
    register_labels(conn)
    pages.append(render(out / "mission.html", "Fælles mål",
                        "De mål, stat, kommuner, regioner og herberger har sat sammen, og hvor langt vi er nået. "
                        "Status sammenligner det seneste tal med den lige sti fra udgangspunktet til målet.",
                        mission_sections(mission), foot, download="mission.csv"))
    progress(2, total, "mission.html")
    global _RENDERING
    _RENDERING = AreaRendering(out, published, mission, population, revisions, foot)
    # Area pages render from the figures in memory only, so forked workers draw them (a page is
    # ~0.1 s of pandas and Altair, 104 of them the site's main cost) while this process, the only
    # one that touches the warehouse connection, writes each page's CSV.
    with multiprocessing.get_context("fork").Pool(workers(), initializer=default_signals) as pool:
        rendered = pool.imap(render_area_page, areas, chunksize=4)
        write_area_csvs(conn, out, areas)
        for area, page in zip(areas, rendered):
            pages.append(page)
            progress(len(pages), total, area.page)
        # Let the workers end on their own: the pool's exit would terminate them mid-exit.
        pool.close()
        pool.join()
    _RENDERING = None
    pages.append(render(out / "data-quality.html", "Datakvalitet", "Leverancer, afviste filer og karantæne.",
                        quality_sections(conn), foot))
    progress(len(pages), total, "data-quality.html")
    pages.append(render(out / "dataordbog.html", "Tallene som data", "Alle offentliggjorte tal i én fil, og hvad "
                        "kolonnerne og nøgletallene betyder.", dictionary_sections(), foot))
    progress(len(pages), total, "dataordbog.html")
    names = {(a.level, a.code): a.name for a in areas}
    pages.append(render(out / "revisioner.html", "Revisioner", "Tal, der er ændret siden de først blev "
                        "offentliggjort.", revision_sections(revisions, names), foot))
    progress(len(pages), total, "revisioner.html")
    return pages


@dataclass(frozen=True)
class AreaRendering:
    """What every area page is drawn from, set before the workers fork (so nothing is pickled)."""
    out: Path
    published: Published
    mission: Mission
    population: dict
    revisions: Revisions
    footer: str


_RENDERING: AreaRendering | None = None


def default_signals() -> None:
    """A worker forked from a Dagster step inherits Dagster's interrupt handlers, which print a
    traceback when the pool stops it; a worker ends quietly instead."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def render_area_page(area) -> Path:
    site = _RENDERING
    root = "" if area.level == "national" else "../"
    sections = area_sections(site.published, area, site.mission)
    if area.level != "municipality":
        sections[1:1] = comparison_sections(site.published, site.population, area, root)
    sections.append(area_revision_section(site.revisions, area, root))
    return render(site.out / area.page, area.name,
                  f"Herbergsbrug, udflytning og Housing First for {area.name}"
                  f" (seneste hele år: {site.published.latest_year}).",
                  sections, site.footer, root=root, download=Path(area.page).with_suffix(".csv").name)
