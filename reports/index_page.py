"""The entry page: the national picture in brief, and a link to every area's page."""

from __future__ import annotations

from html import escape

from reports import charts, texts
from reports.page import Section
from reports.mission import Mission, mission_summary
from reports.published import Published


def area_links(published: Published, root: str = "") -> str:
    regions = [a for a in published.areas if a.level == "region"]
    parts = [f'<p><a href="{root}mission.html">Fælles mål</a> · <a href="{root}national.html">Hele landet</a> · '
             f'<a href="{root}data-quality.html">Datakvalitet</a> · '
             f'<a href="{root}dataordbog.html">Alle tal som data (CSV) og dataordbog</a></p>']
    for region in regions:
        municipalities = [a for a in published.areas if a.level == "municipality" and a.region == region.code]
        links = "".join(f'<li><a href="{root}{m.page}">{escape(m.name)}</a></li>' for m in municipalities)
        parts.append(f'<h3><a href="{root}{region.page}">{escape(region.name)}</a></h3><ul class="areas">{links}</ul>')
    return "".join(parts)


def index_sections(published: Published, mission: Mission) -> list[Section]:
    nation = published.area("national", "DK")
    persons = published.series(nation, "persons_in_shelter")
    chart = charts.grouped_bars(persons.assign(group="Hele landet")[["period_label", "order", "group", "value",
                                                                      "text", "hidden", "base"]],
                                "Personer på herberg og forsorgshjem pr. år",
                                "Søjlediagram: antal personer på § 110-boformer i hele landet pr. år", "Personer")
    return [mission_summary(mission),
            Section(id="personer", heading="Personer på herberg", explanation=texts.explanation("persons_in_shelter"),
                    definition=texts.definitions()["persons_in_shelter"], chart=chart,
                    table=persons[["period_label", "text"]].rename(columns={"period_label": "År", "text": "Personer"}),
                    chart_description="Antal personer på herberg i hele landet pr. år"),
            Section(id="omraader", heading="Find dit område", table=None, definition="",
                    explanation="Hver region og kommune har sin egen side med de samme tal.",
                    html=area_links(published))]
