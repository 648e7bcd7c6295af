"""Every page: index, the mission, national, 5 regions, 98 municipalities and data quality, each
with a CSV of its own published figures. Reads only the warehouse (`hfmon report` re-renders without recomputing)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from altair.utils.schemapi import debug_mode

from reports import danish
from reports.downloads import write_csv, write_text
from reports.area_page import area_sections
from reports.compare import comparison_sections, population_by_year
from reports.index_page import index_sections
from reports.mission import Mission, mission_sections
from reports.page import VEGA_SCRIPT, render, vega_bundle
from reports.published import Published
from reports.quality_page import quality_sections

CSV_COLUMNS = ["indicator", "level", "area_code", "period", "breakdown", "value", "numerator", "denominator",
               "status", "suppression"]


def footer(cutoff, deliveries: int) -> str:
    return (f"Data til og med {danish.long_date(cutoff)}, fra {danish.number(deliveries)} leverancer. "
            "Alle tal er diskretionerede: tal fra 1 til 4 vises som «<5».")


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
    write_text(out / VEGA_SCRIPT, vega_bundle())
    population = population_by_year(conn)
    cutoff = conn.execute("select cutoff from data_window").fetchall()[0][0]
    used = conn.execute("select count(*) from deliveries where status = 'loaded'").fetchall()[0][0]
    foot = footer(cutoff, used)
    mission = Mission(conn, published)
    areas = published.areas
    total, pages = len(areas) + 3, []
    pages.append(render(out / "index.html", "Hjemløshed og Housing First i Danmark",
                        "Overblik over herberger og forsorgshjem (§ 110) og Housing First i hele landet.",
                        index_sections(published, mission), foot))
    progress(1, total, "index.html")
    write_csv(conn, "select * from target_progress", out / "mission.csv")
    pages.append(render(out / "mission.html", "Fælles mål",
                        "De mål, stat, kommuner, regioner og herberger har sat sammen, og hvor langt vi er nået. "
                        "Status sammenligner det seneste tal med den lige sti fra udgangspunktet til målet.",
                        mission_sections(mission), foot, download="mission.csv"))
    progress(2, total, "mission.html")
    for area in areas:
        root = "" if area.level == "national" else "../"
        csv_path = (out / area.page).with_suffix(".csv")
        write_csv(conn, f"""select {', '.join(CSV_COLUMNS)} from indicators_published
                            where level = ? and area_code = ? order by indicator, period, breakdown""",
                  csv_path, [area.level, area.code])
        sections = area_sections(published, area, mission)
        if area.level != "municipality":
            sections[1:1] = comparison_sections(published, population, area, root)
        pages.append(render(out / area.page, area.name,
                            f"Herbergsbrug, udflytning og Housing First for {area.name}"
                            f" (seneste hele år: {published.latest_year}).",
                            sections, foot, root=root, download=csv_path.name))
        progress(len(pages), total, area.page)
    pages.append(render(out / "data-quality.html", "Datakvalitet", "Leverancer, afviste filer og karantæne.",
                        quality_sections(conn), foot))
    progress(len(pages), total, "data-quality.html")
    return pages
