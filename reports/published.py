"""The published figures, read once from `indicators_published`, and the views pages need of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from reports import danish, texts


@dataclass(frozen=True)
class Area:
    level: str           # national | region | municipality
    code: str            # DK, 1084, 101
    name: str
    region: str | None = None

    @property
    def page(self) -> str:
        return {"national": "national.html", "region": f"region/{self.code}.html",
                "municipality": f"municipality/{self.code}.html"}[self.level]


SERIES_COLUMNS = ["period", "period_label", "order", "breakdown", "value", "text", "hidden", "base"]
SERIES_SOURCES = {"period": "period", "period_label": "period_label", "breakdown": "breakdown", "value": "shown",
                  "text": "text", "hidden": "hidden", "base": "base"}
EMPTY_SERIES = pd.DataFrame({column: [] for column in SERIES_COLUMNS})


class Point(NamedTuple):
    """One published figure of a series, as plain values: what a page's tables and notes read
    (a small pandas frame per look-up was most of a page's time). `value` is NaN when not shown."""
    period: str
    period_label: str
    order: int
    breakdown: str
    value: float
    text: str
    hidden: str
    base: str


@dataclass(frozen=True)
class RateCoverage:
    """Whether the optional rate files were delivered, and the shelters and methods whose rate for a
    year is missing (their areas and periods show «–»)."""
    shelter_rates: bool
    hf_costs: bool
    missing: tuple[tuple[str, str, int], ...]       # (shelter | method, its name, year)

    @classmethod
    def read(cls, conn) -> "RateCoverage":
        delivered = conn.execute("""select (select count(*) from shelter_rates) > 0,
                                           (select count(*) from hf_unit_costs) > 0""").fetchall()[0]
        missing = conn.execute("select kind, name, year from missing_rates order by all").fetchall()
        return cls(delivered[0], delivered[1], tuple(missing))

    def note(self, kind: str) -> str:
        """What a reader must know before reading the amounts, or ''."""
        if kind == "shelter" and not self.shelter_rates:
            return (" Herbergernes takster er ikke leveret (reference/shelter_rates.csv), så udgifterne kan ikke "
                    "beregnes endnu: tabellen viser «–».")
        if kind == "method" and not self.hf_costs:
            return (" Månedsprisen for Housing First-metoderne er ikke leveret (reference/hf_unit_costs.csv), så "
                    "udgiften kan ikke beregnes endnu: tabellen viser «–».")
        gaps = [(item, year) for k, item, year in self.missing if k == kind]
        if not gaps:
            return ""
        listed = ", ".join(f"{item} ({year})" for item, year in gaps[:6]) + (" m.fl." if len(gaps) > 6 else "")
        return (f" For {listed} mangler taksten for året. Perioder og områder med nætter eller sagsdage uden takst "
                "vises som «–» (vi gætter aldrig en takst); se siden Datakvalitet.")


class Published:
    def __init__(self, conn):
        frame = conn.execute("""select indicator, level, area_code, period, breakdown, value, numerator, denominator,
                                       status, suppression
                                from indicators_published order by indicator, level, area_code, period""").df()
        frame["value"] = frame["value"].astype("float64")
        # Formatted once for the whole table; pages then only look figures up.
        frame["kind"] = frame["period"].str.len().map({4: "year", 7: "month"}).where(
            ~frame["period"].str.contains("Q"), "quarter")
        frame["shown"] = frame["value"].where((frame["status"] == "ok") & (frame["suppression"] == ""))
        labels = {p: danish.period_label(p) for p in frame["period"].unique()}
        frame["period_label"] = frame["period"].map(labels)
        indicators = frame["indicator"].tolist()
        styles = {i: texts.figure_style(i) for i in set(indicators)}
        # Plain lists: iterating a pandas column boxes every element, 3x the formatting itself.
        frame["text"] = [danish.figure_text(v, s, st, *styles[i]) for v, s, st, i in
                         zip(frame["value"].tolist(), frame["suppression"].tolist(), frame["status"].tolist(),
                             indicators)]
        # A figure hidden by disclosure control is drawn as a marked stub with its mark, never as 0.
        frame["hidden"] = frame["text"].where(frame["suppression"] != "", "")
        frame["base"] = [f"af {danish.number(d)} {texts.BASES[i]}" if i in texts.BASES and d == d and d is not None
                         and st == "ok" and not sup else "" for i, d, st, sup in
                         zip(*(frame[c].tolist() for c in ("indicator", "denominator", "status", "suppression")))]
        self.frame = frame
        # Each series pages ask for is a slice of one frame in series order (a page asks for dozens;
        # filtering the whole frame per ask was the report's main cost, and building each small
        # frame anew was 5x a slice). `order` counts from 0 in each series, of all its breakdowns
        # or of one: charts sort periods by it across series.
        key = ["level", "area_code", "indicator", "kind"]
        ordered = frame.sort_values(key, kind="stable").reset_index(drop=True)
        starts = np.flatnonzero(ordered[key].ne(ordered[key].shift()).any(axis=1).to_numpy())
        bounds = np.append(starts, len(ordered))
        rows = pd.DataFrame({c: ordered[source].to_numpy() for c, source in SERIES_SOURCES.items()})
        in_series = np.arange(len(ordered)) - np.repeat(starts, np.diff(bounds))
        in_breakdown = ordered.groupby([*key, "breakdown"], sort=False).cumcount().to_numpy()
        self.series_rows = {"all": rows.assign(order=in_series)[SERIES_COLUMNS],
                            "one": rows.assign(order=in_breakdown)[SERIES_COLUMNS]}
        self.series_bounds = {tuple(k): (a, b) for k, a, b in
                              zip(ordered.loc[starts, key].itertuples(index=False), bounds, bounds[1:])}
        self.years = sorted(frame.loc[(frame["indicator"] == "persons_in_shelter") & (frame["kind"] == "year"),
                                      "period"].unique())
        self.latest_year = self.years[-1] if self.years else None
        self.areas = self._areas(conn)
        self.rates = RateCoverage.read(conn)
        self._series: dict[tuple, pd.DataFrame] = {}
        self._columns: dict[str, dict[str, list]] = {}
        self._memo: dict[str, pd.DataFrame] = {}

    def _areas(self, conn) -> list[Area]:
        rows = conn.execute("""select a.level, a.area_code, coalesce(a.name, ''), a.region_code
                               from areas a order by a.level <> 'national', a.level <> 'region', a.area_code""").fetchall()
        return [Area(level, code, "Hele landet" if level == "national" else
                     danish.REGION_NAMES.get(int(code), code) if level == "region" else name,
                     str(region) if region is not None and level == "municipality" else None)
                for level, code, name, region in rows]

    def memo(self, name: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame several pages derive alike from these figures, built once (per worker process)."""
        if name not in self._memo:
            self._memo[name] = build()
        return self._memo[name]

    def area(self, level: str, code: str) -> Area:
        return next(a for a in self.areas if a.level == level and a.code == code)

    def series(self, area: Area, indicator: str, periods: str = "year", breakdown: str | None = "") -> pd.DataFrame:
        """One indicator for an area: period, label, order, value (NaN when not shown), text, hidden,
        base. Pages ask for the same series several times: each is built once (callers get a copy)."""
        key = (area.level, area.code, indicator, periods, breakdown)
        if key not in self._series:
            self._series[key] = self._build_series(area, indicator, periods, breakdown)
        return self._series[key].copy(deep=False)

    def points(self, area: Area, indicator: str, periods: str = "year") -> dict[str, Point]:
        """An indicator's figures for an area without a breakdown, by period, in period order."""
        return {point.period: point for point in self._points("one", area, indicator, periods) if point.breakdown == ""}

    def text(self, area: Area, indicator: str, period: str, periods: str = "year") -> str:
        """A figure as a reader sees it, or «–» when the area has none for the period."""
        point = self.points(area, indicator, periods).get(period)
        return point.text if point else "–"

    def breakdown_points(self, area: Area, indicator: str, periods: str = "year") -> list[Point]:
        """Every figure of an indicator for an area, each breakdown's too, in series order; `order`
        counts all of them (as `series(..., breakdown=None)`)."""
        return self._points("all", area, indicator, periods)

    def _points(self, rows: str, area: Area, indicator: str, periods: str) -> list[Point]:
        bounds = self.series_bounds.get((area.level, area.code, indicator, periods))
        if bounds is None:
            return []
        if rows not in self._columns:     # once per worker, not in the parent before the fork
            self._columns[rows] = {c: self.series_rows[rows][c].tolist() for c in Point._fields}
        columns = self._columns[rows]
        return list(map(Point._make, zip(*(columns[c][bounds[0]:bounds[1]] for c in Point._fields))))

    def _build_series(self, area: Area, indicator: str, periods: str, breakdown: str | None) -> pd.DataFrame:
        bounds = self.series_bounds.get((area.level, area.code, indicator, periods))
        if bounds is None:
            return EMPTY_SERIES.copy()
        if breakdown is None:
            return self.series_rows["all"].iloc[bounds[0]:bounds[1]].reset_index(drop=True)
        rows = self.series_rows["one"].iloc[bounds[0]:bounds[1]]
        return rows[rows["breakdown"].to_numpy() == breakdown].reset_index(drop=True)
