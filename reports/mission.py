"""The mission: shared targets and their progress (published/mission.html and a section on each
area's page), and each municipality against its peer group. Read from `target_progress`,
`peer_comparison` and `peer_groups`, which are built from published figures only."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

import pandas as pd

from reports import charts, danish, texts
from reports.page import Section
from reports.published import Area, Published

STATUS = {"reached": "Nået", "on_track": "På vej", "off_track": "Bagud", "no_data": "Ingen tal"}
DIRECTION = {"at_most": "højst", "at_least": "mindst"}
YEAR_AT_END = "I figuren står et års tal ved sit eget år; et kvartals eller en måneds ved periodens sidste dag."
PATH_NOTE = "Faktiske tal og den lige sti fra udgangspunktet til målet. " + YEAR_AT_END
PEER_GROUPS = {"capital": "København og Frederiksberg", "capital_suburbs": "Københavns omegn",
               "large_cities": "Aarhus, Odense og Aalborg", "other_urban": "Andre bykommuner (mindst 40.000 indbyggere)",
               "rural": "Mindre kommuner (under 40.000 indbyggere)"}


def period_end(period: str) -> date:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 12, 31)
    month = int(period[6]) * 3 if period[5] == "Q" else int(period[5:])
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def value_text(indicator: str, value) -> str:
    if value is None or pd.isna(value):
        return STATUS["no_data"].lower()
    if indicator in texts.SHARES:
        return f"{danish.number(value * 100, 1)}\u00a0%"
    if indicator in texts.AMOUNTS:
        return danish.kroner(value)
    return danish.number(value, 1 if indicator.endswith("_per_10k") or value != round(value) else 0)


class Mission:
    def __init__(self, conn, published: Published):
        self.published = published
        self.progress = conn.execute("select * from target_progress order by target_id, level, area_code").df()
        self.peers = conn.execute("select * from peer_comparison").df()
        self.peer_group = dict(conn.execute(
            "select municipality_code::varchar, peer_group from peer_groups").fetchall())
        self._by_area: dict[tuple[str, str], list[dict]] | None = None

    def targets(self) -> pd.DataFrame:
        return self.progress.drop_duplicates("target_id")

    def for_area(self, area: Area) -> list[dict]:
        """The area's targets as plain records, grouped once (each page looks up its own)."""
        if self._by_area is None:
            self._by_area = {}
            for record in self.progress.to_dict("records"):
                self._by_area.setdefault((record["level"], record["area_code"]), []).append(record)
        return self._by_area.get((area.level, area.code), [])

    def area_name(self, level: str, code: str) -> str:
        return self.published.area(level, code).name


def goal_text(target: pd.Series) -> str:
    goal = (f"{'ned' if target['target'] < 0 else 'op'} med {danish.number(abs(target['target']) * 100, 0)}\u00a0% "
            f"fra {target['baseline_period']}" if target["target_kind"] == "change"
            else f"{DIRECTION[target['direction']]} {value_text(target['indicator'], target['target'])}")
    return f"{texts.title(target['indicator'])}{breakdown_text(target)}: {goal} senest {danish.long_date(target['deadline'])}"


def breakdown_text(target: pd.Series) -> str:
    return f" ({danish.label(target['breakdown'].split('=', 1)[1])} år)" if target["breakdown"] else ""


def progress_table(mission: Mission, rows: list[dict]) -> pd.DataFrame:
    """Target progress records (rows of `target_progress`) as a reader's table."""
    return pd.DataFrame({
        "Område": [mission.area_name(r["level"], r["area_code"]) for r in rows],
        "Udgangspunkt": [f"{value_text(r['indicator'], r['baseline_value'])} ({r['baseline_period']})" for r in rows],
        "Seneste": [f"{value_text(r['indicator'], r['latest_value'])}"
                    + (f" ({danish.period_label(r['latest_period'])})" if isinstance(r["latest_period"], str) else "")
                    for r in rows],
        "Stien nu": [value_text(r["indicator"], r["path_value"]) for r in rows],
        "Mål": [f"{DIRECTION[r['direction']]} {value_text(r['indicator'], r['target_value'])}" for r in rows],
        "Status": [STATUS[r["status"]] for r in rows],
    })


def path_chart(mission: Mission, row: pd.Series, area: Area):
    """The actual values from the baseline on, and the straight line from the baseline to the target."""
    kind = "year" if len(row["baseline_period"]) == 4 else "quarter" if "Q" in row["baseline_period"] else "month"
    actual = mission.published.series(area, row["indicator"], periods=kind, breakdown=row["breakdown"])
    actual = actual[actual["period"] >= row["baseline_period"]]
    deadline = pd.Timestamp(row["deadline"])
    if kind == "year":    # a year's value on its year; the deadline as the year whose figure it judges
        where = [int(p) for p in actual["period"]]
        path = [int(row["baseline_period"]), deadline.year - 1 + deadline.dayofyear / (366 if deadline.is_leap_year else 365)]
    else:
        where = [pd.Timestamp(period_end(p)) for p in actual["period"]]
        path = [pd.Timestamp(period_end(row["baseline_period"])), deadline]
    data = pd.concat([
        pd.DataFrame({"x": where, "label": actual["period_label"], "value": actual["value"].astype(float),
                      "hidden": actual["hidden"], "series": "Faktisk"}),
        pd.DataFrame({"x": path, "label": [danish.period_label(row["baseline_period"]), danish.long_date(row["deadline"])],
                      "value": [row["baseline_value"], row["target_value"]], "hidden": "", "series": "Stien mod målet"}),
    ], ignore_index=True)
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    axis = texts.title(row["indicator"])
    if row["indicator"] in texts.AMOUNTS:     # millions on the axis, not 467.480.600
        data["value"] = data["value"] / 1e6
        axis += " (mio. kr.)"
    return charts.path_to_target(data, f"{texts.title(row['indicator'])}{breakdown_text(row)}: faktisk og mål",
                                 f"Linjediagram: {area.name}, faktiske tal og den lige sti fra udgangspunktet til målet",
                                 axis, share=row["indicator"] in texts.SHARES,
                                 yearly=kind == "year")


def target_sections(mission: Mission, area: Area) -> list[Section]:
    """The area's own targets: one section each, with its path chart."""
    sections = []
    for row in mission.for_area(area):
        sections.append(Section(
            id=f"maal-{row['target_id'].lower()}", heading=f"Fælles mål: {row['description']}",
            explanation=f"{goal_text(row)}. Ansvarlig: {row['owner']}. Status: {STATUS[row['status']].lower()}. "
                        f"{YEAR_AT_END}",
            definition=texts.definitions()[row["indicator"]], table=progress_table(mission, [row]),
            chart=path_chart(mission, row, area),
            chart_description=PATH_NOTE))
    return sections


def peer_section(mission: Mission, area: Area) -> Section | None:
    group = mission.peer_group.get(area.code)
    peers = mission.peers[mission.peers["municipality_code"] == int(area.code)]
    if group is None or peers.empty:
        return None
    nation = mission.published.area("national", "DK")
    rows = []
    for peer in peers.sort_values("indicator").itertuples():
        rows.append({"Nøgletal": f"{texts.title(peer.indicator)} ({peer.period})",
                     area.name: mission.published.text(area, peer.indicator, peer.period),
                     "Sammenlignelige kommuner (median)": f"{value_text(peer.indicator, peer.peer_median)} "
                                                          f"({peer.peers_with_value} af {peer.peers})",
                     "Hele landet": mission.published.text(nation, peer.indicator, peer.period)})
    others = [a for a in mission.published.areas if a.level == "municipality" and a.code != area.code
              and mission.peer_group.get(a.code) == group]
    links = ", ".join(f'<a href="{escape(a.code)}.html">{escape(a.name)}</a>' for a in others)
    region = mission.published.area("region", area.region)
    return Section(id="sammenlign", heading=f"Sammenlignet med kommuner som {area.name}",
                   html=f'<p>Region: <a href="../{region.page}">{escape(region.name)}</a>. '
                        f"Sammenlignelige kommuner: {links}.</p>",
                   explanation=f"{area.name} hører til gruppen «{PEER_GROUPS[group]}». Medianen er den midterste af "
                               f"de andre kommuner i gruppen ({area.name} selv er ikke med); kommuner med skjulte tal "
                               "(under 5 personer) er heller ikke med.",
                   definition="Grupper: København og Frederiksberg; Københavns omegn; Aarhus, Odense og Aalborg; "
                              "andre kommuner med mindst 40.000 indbyggere; resten.",
                   table=pd.DataFrame(rows))


def mission_sections(mission: Mission) -> list[Section]:
    """published/mission.html: every target, its national and regional status, who is off track."""
    sections = []
    for target in (t for _, t in mission.targets().iterrows()):
        rows = mission.progress[mission.progress["target_id"] == target["target_id"]]
        html, chart = "", None
        if target["level"] == "municipality" and (rows["area_code"].nunique() > 1):
            table = municipal_summary(mission, rows)
            behind = rows[rows["status"] == "off_track"]
            links = "".join(f'<li><a href="municipality/{escape(code)}.html">'
                            f'{escape(mission.area_name("municipality", code))}</a></li>' for code in behind["area_code"])
            html = (f"<p>Kommuner bagud ({len(behind)}):</p><ul class=\"areas\">{links}</ul>" if len(behind)
                    else "<p>Ingen kommuner er bagud.</p>")
        else:
            table = progress_table(mission, rows.to_dict("records"))
            if target["level"] == "national" or len(rows) == 1:
                first = rows.iloc[0]
                chart = path_chart(mission, first, mission.published.area(first["level"], first["area_code"]))
        sections.append(Section(
            id=f"maal-{target['target_id'].lower()}", heading=f"{target['target_id']}: {target['description']}",
            explanation=f"{goal_text(target)}. Ansvarlig: {target['owner']}. Status: {status_text(rows)}."
                        + (f" {YEAR_AT_END}" if chart is not None else ""),
            definition=texts.definitions()[target["indicator"]], table=table, chart=chart, html=html,
            chart_description=PATH_NOTE))
    return sections


def status_text(rows: pd.DataFrame) -> str:
    """One area: its status; several: how many are in each status."""
    if len(rows) == 1:
        return STATUS[rows["status"].iloc[0]].lower()
    counts = rows["status"].value_counts()
    return ", ".join(f"{counts[s]} {STATUS[s].lower()}" for s in STATUS if s in counts) + f" (af {len(rows)})"


def municipal_summary(mission: Mission, rows: pd.DataFrame) -> pd.DataFrame:
    """Per region (and the nation): how many of its municipalities have reached, are on track, behind."""
    region_of = {a.code: mission.area_name("region", a.region) for a in mission.published.areas
                 if a.level == "municipality"}
    counted = rows.assign(region=rows["area_code"].map(region_of), status=rows["status"].map(STATUS))
    table = pd.crosstab(counted["region"], counted["status"], margins=True, margins_name="Hele landet")
    table = table.reindex(columns=[*STATUS.values(), "Hele landet"], fill_value=0)
    return table.rename(columns={"Hele landet": "Kommuner i alt"}).rename_axis(None, axis=1).reset_index(
        names="Område")


def mission_summary(mission: Mission) -> Section:
    """The index's first section: how the national targets stand, and the way to the mission page."""
    national = mission.progress[mission.progress["level"] == "national"]
    counts = national["status"].map(STATUS).value_counts()
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items()) or "ingen mål endnu"
    return Section(id="maal", heading="Fælles mål", table=None, definition="",
                   explanation=f"Nationale mål: {summary}.",
                   html='<p><a class="primary" href="mission.html">Se alle fælles mål og hvem der er bagud</a></p>')
