"""The few chart shapes the reports use, with Danish labels and a colour-blind-safe palette.

Suppressed figures are left out of a chart (a gap); the table under it shows "<5" or "×"."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reports.danish import PALETTE

HEIGHT = 260


def _axis_format(share: bool) -> str:
    return ".0%" if share else ",~r"


def _chart(data: pd.DataFrame, title: str, description: str) -> alt.Chart:
    return alt.Chart(data, title=alt.TitleParams(title, anchor="start"), width="container", height=HEIGHT,
                     description=description)


def trend(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False) -> alt.Chart:
    """Lines over periods, one per series: columns period_label, order, series, value."""
    series = list(dict.fromkeys(data["series"]))
    return _chart(data, title, description).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("period_label:O", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=_axis_format(share))),
        color=alt.Color("series:N", title=None, sort=series,
                        scale=alt.Scale(domain=series, range=PALETTE[: len(series)]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title="Område"), alt.Tooltip("period_label:O", title="Periode"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%" if share else ",.1~f")])


def bars(data: pd.DataFrame, title: str, description: str, x_title: str, share: bool = False) -> alt.Chart:
    """Horizontal bars, largest first: columns category, value."""
    return _chart(data, title, description).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("category:N", title=None, sort="-x"),
        x=alt.X("value:Q", title=x_title, axis=alt.Axis(format=_axis_format(share))),
        tooltip=[alt.Tooltip("category:N", title=" "), alt.Tooltip("value:Q", title=x_title,
                                                                    format=".1%" if share else ",d")])


def grouped_bars(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
                 stacked: bool = False) -> alt.Chart:
    """Bars per period, one colour per group: columns period_label, order, group, value."""
    groups = list(dict.fromkeys(data["group"]))
    encoding = dict(
        x=alt.X("period_label:O", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=y_title, stack="zero" if stacked else None,
                axis=alt.Axis(format=_axis_format(share))),
        color=alt.Color("group:N", title=None, sort=groups, scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("group:N", title=" "), alt.Tooltip("period_label:O", title="Periode"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%" if share else ",d")])
    if not stacked:
        encoding["xOffset"] = alt.XOffset("group:N", sort=groups)
    return _chart(data, title, description).mark_bar().encode(**encoding)


def path_to_target(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False) -> alt.Chart:
    """Actual values and the straight path to a target over time: columns day, value, series."""
    series = list(dict.fromkeys(data["series"]))
    return _chart(data, title, description).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=_axis_format(share))),
        color=alt.Color("series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", sort=series, legend=None,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [6, 4]][: len(series)])),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("day:T", title="Dato", format="%d.%m.%Y"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%" if share else ",.1~f")])
