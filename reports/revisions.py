"""Revisions: published figures that late or corrected deliveries changed (old -> new, and the
deliveries new since the previous publication). A section on each area's page (its own changes at
the latest publication) and the site-wide page published/revisioner.html (every change kept)."""

from __future__ import annotations

import pandas as pd

from reports import danish, texts
from reports.page import Section
from reports.published import Area

MAX_ROWS = 2000      # the site-wide page shows the newest changes; the warehouse keeps them all


class Revisions:
    def __init__(self, conn):
        tables = {t for (t,) in conn.execute("select table_name from information_schema.tables").fetchall()}
        self.frame = conn.execute("select * from revisions order by published_at desc, indicator, level, area_code, "
                                  "period, breakdown").df() if "revisions" in tables else pd.DataFrame()
        last = conn.execute("select run_id, published_at from publications order by published_at desc limit 1"
                            ).fetchall() if "publications" in tables else []
        self.latest_run, self.published_at = last[0] if last else (None, None)

    def latest_for(self, area: Area) -> pd.DataFrame:
        if self.frame.empty:
            return self.frame
        f = self.frame
        return f[(f["run_id"] == self.latest_run) & (f["level"] == area.level) & (f["area_code"] == area.code)]


def shown(indicator: str, value, status: str, suppression: str) -> str:
    return danish.figure_text(None if pd.isna(value) else value, suppression or "", status,
                              *texts.figure_style(indicator))


def change_table(rows: pd.DataFrame, with_area: bool, names: dict) -> pd.DataFrame:
    table = pd.DataFrame({
        "Nøgletal": [texts.title(i) for i in rows["indicator"]],
        "Periode": [danish.period_label(p) for p in rows["period"]],
        "Opdeling": [danish.label(b.split("=", 1)[1]) if "=" in b else "" for b in rows["breakdown"]],
        "Før": [shown(r.indicator, r.old_value, r.old_status, r.old_suppression) for r in rows.itertuples()],
        "Nu": [shown(r.indicator, r.new_value, r.new_status, r.new_suppression) for r in rows.itertuples()],
        "Nye eller rettede leverancer": rows["changed_deliveries"].fillna("–").to_numpy()})
    if with_area:
        table.insert(0, "Område", [names.get((lv, code), code) for lv, code in zip(rows["level"], rows["area_code"])])
        table.insert(1, "Offentliggjort", [danish.long_date(t.date()) for t in rows["published_at"]])
    return table


def area_revision_section(revisions: Revisions, area: Area, root: str) -> Section:
    rows = revisions.latest_for(area)
    when = danish.long_date(revisions.published_at.date()) if revisions.published_at is not None else "–"
    text = (f"Offentliggjort {when}. " + (f"{len(rows)} tal for {area.name} er ændret siden forrige offentliggørelse, "
            "fordi leverancer kom for sent eller blev rettet." if len(rows) else
            "Ingen tal for området er ændret siden forrige offentliggørelse."))
    return Section(id="revisioner", heading="Ændringer siden sidste offentliggørelse", explanation=text,
                   definition="", table=change_table(rows, False, {}) if len(rows) else None,
                   html=f'<p><a href="{root}revisioner.html">Alle ændringer i hele landet</a></p>')


def revision_sections(revisions: Revisions, names: dict) -> list[Section]:
    rows = revisions.frame.head(MAX_ROWS)
    lead = ("Sene og rettede leverancer kan ændre tal, der allerede er offentliggjort. Her står hvert ændret tal "
            "(før og nu) og de leverancer, der var nye eller rettede ved den offentliggørelse.")
    if rows.empty:
        return [Section(id="revisioner", heading="Ændrede tal", explanation=lead + " Endnu ingen ændringer.",
                        definition="", table=None)]
    more = f" Viser de nyeste {MAX_ROWS} af {len(revisions.frame)}." if len(revisions.frame) > MAX_ROWS else ""
    return [Section(id="revisioner", heading="Ændrede tal", explanation=lead + more, definition="",
                    table=change_table(rows, True, names))]
