"""The few chart shapes the reports use, with Danish labels and a colour-blind-safe palette.

A figure hidden by disclosure control is never left out of a chart (which reads as 0): it is drawn
as a grey stub labelled with its mark («<5», «×», «skjult»), explained in the page's key. Data
frames may carry `hidden` (the mark, '' when shown) and `base` ("af 1.234 udflytninger")."""

from __future__ import annotations

import altair as alt
import pandas as pd

from reports.danish import PALETTE

HEIGHT = 260
HIDDEN_GREY = "#9e9e9e"
FONT = 12          # the smallest text in a chart (legible on a phone)


def _axis(share: bool, whole: bool | None = None) -> alt.Axis:
    """Shares in percent; counts with whole-number ticks (never 2,5 persons); rates as they are."""
    whole = not share if whole is None else whole
    return alt.Axis(format=".0%" if share else ",~r", tickMinStep=1 if whole else alt.Undefined, labelOverlap=True)


def _tooltip_value(title: str, share: bool) -> list:
    return [alt.Tooltip("text:N", title=title), alt.Tooltip("base:N", title="Grundlag")]


def _prepared(data: pd.DataFrame, share: bool) -> pd.DataFrame:
    """Every chart frame with `hidden`, `base` and `text` (the figure as the table shows it)."""
    data = data.copy()
    for column in ("hidden", "base"):
        if column not in data:
            data[column] = ""
    if "text" not in data:
        data["text"] = data["value"].map(lambda v: "" if pd.isna(v) else (f"{v:.1%}" if share else f"{v:,.0f}"))
    return data


def _stub_size(data: pd.DataFrame) -> float:
    """A stub is 3 % of the largest value shown: visibly not a bar of its own size."""
    top = data["value"].max()
    return float(top) * 0.03 if pd.notna(top) and top > 0 else 0.03


def _chart(data: pd.DataFrame, title: str, description: str, height: int = HEIGHT) -> alt.Chart:
    return alt.Chart(data, title=alt.TitleParams(title, anchor="start", fontSize=14), width="container",
                     height=height, description=description)


def finished(chart):
    # Screen readers hear the chart's Danish description (aria-label), not Vega's field names.
    return chart.configure(aria=False).configure_axis(labelFontSize=FONT, titleFontSize=FONT).configure_legend(
        labelFontSize=FONT, orient="bottom", columns=2, labelLimit=0).configure_view(stroke=None)


def trend(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
          whole: bool = False) -> alt.LayerChart:
    """Lines over periods, one per series: columns period_label, order, series, value."""
    data = _prepared(data, share)
    series = list(dict.fromkeys(data["series"]))
    x = alt.X("period_label:O", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelAngle=-45,
                                                                                        labelOverlap=True))
    colour = alt.Color("series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]))
    base = _chart(data, title, description)
    lines = base.mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title=y_title, axis=_axis(share, whole)), color=colour,
        tooltip=[alt.Tooltip("series:N", title="Område"), alt.Tooltip("period_label:O", title="Periode"),
                 *_tooltip_value(y_title, share)])
    # A hidden point: its mark at the top of the chart, in its series' colour (not on the 0 line).
    marks = base.transform_filter(alt.datum.hidden != "").mark_text(fontSize=FONT, dy=-2, baseline="top").encode(
        x=x, y=alt.value(2), text="hidden:N", color=colour,
        tooltip=[alt.Tooltip("series:N", title="Område"), alt.Tooltip("period_label:O", title="Periode"),
                 alt.Tooltip("hidden:N", title="Skjult")])
    return finished(alt.layer(lines, marks))


def bars(data: pd.DataFrame, title: str, description: str, x_title: str, share: bool = False,
         height: int = HEIGHT) -> alt.LayerChart:
    """Horizontal bars, largest first: columns category, value."""
    data = _prepared(data, share)
    data["drawn"] = data["value"].where(data["hidden"] == "", _stub_size(data))
    order = list(data.sort_values("drawn", ascending=False, kind="stable")["category"])   # one order for every layer
    y = alt.Y("category:N", title=None, sort=order, axis=alt.Axis(labelLimit=220))
    base = _chart(data, title, description, height)
    shown = base.transform_filter(alt.datum.hidden == "").mark_bar(color=PALETTE[0]).encode(
        y=y, x=alt.X("drawn:Q", title=x_title, axis=_axis(share)),
        tooltip=[alt.Tooltip("category:N", title=" "), *_tooltip_value(x_title, share)])
    hidden = base.transform_filter(alt.datum.hidden != "")
    stubs = hidden.mark_bar(color=HIDDEN_GREY).encode(y=y, x="drawn:Q", tooltip=[
        alt.Tooltip("category:N", title=" "), alt.Tooltip("hidden:N", title="Skjult")])
    labels = hidden.mark_text(align="left", dx=4, fontSize=FONT, color="#444").encode(y=y, x="drawn:Q",
                                                                                        text="hidden:N")
    return finished(alt.layer(shown, stubs, labels))


def grouped_bars(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
                 stacked: bool = False, marker: tuple[str, str] | None = None) -> alt.LayerChart:
    """Bars per period, one colour per group: columns period_label, order, group, value."""
    data = _prepared(data, share)
    data["drawn"] = data["value"].where(data["hidden"] == "", _stub_size(data))
    groups = list(dict.fromkeys(data["group"]))
    x = alt.X("period_label:O", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelAngle=0,
                                                                                        labelOverlap=True))
    offset = {} if stacked else {"xOffset": alt.XOffset("group:N", sort=groups)}
    colour = alt.Color("group:N", title=None, sort=groups, scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]))
    base = _chart(data, title, description)
    shown = base.transform_filter(alt.datum.hidden == "").mark_bar().encode(
        x=x, y=alt.Y("drawn:Q", title=y_title, stack="zero" if stacked else None, axis=_axis(share)), color=colour,
        tooltip=[alt.Tooltip("group:N", title=" "), alt.Tooltip("period_label:O", title="Periode"),
                 *_tooltip_value(y_title, share)], **offset)
    hidden = base.transform_filter(alt.datum.hidden != "")
    stubs = hidden.mark_bar(color=HIDDEN_GREY).encode(
        x=x, y=alt.Y("drawn:Q", stack="zero" if stacked else None), tooltip=[
            alt.Tooltip("group:N", title=" "), alt.Tooltip("period_label:O", title="Periode"),
            alt.Tooltip("hidden:N", title="Skjult")], **offset)
    labels = hidden.mark_text(baseline="bottom", dy=-2, fontSize=FONT, color="#444").encode(
        x=x, y=alt.Y("drawn:Q", stack="zero" if stacked else None), text="hidden:N", **offset)
    layers = [shown, stubs, labels]
    if marker:   # a change in the rules, drawn where its period begins: (period_label, what changed)
        at = pd.DataFrame({"period_label": [marker[0]], "note": [marker[1]]})
        where = alt.X("period_label:O", sort=alt.SortField("order"), bandPosition=0)
        rule = alt.Chart(at).mark_rule(color="#D55E00", strokeDash=[4, 3], strokeWidth=2).encode(x=where)
        note = alt.Chart(at).mark_text(align="left", dx=4, baseline="top", fontSize=FONT, color="#D55E00").encode(
            x=where, y=alt.value(4), text="note:N")
        layers += [rule, note]
    return finished(alt.layer(*layers))


def path_to_target(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
                   yearly: bool = False) -> alt.LayerChart:
    """Actual values and the straight path to a target: columns x, label, value, series. Yearly
    targets have the year as x, so a year's value sits on its own year's label; others the period's
    last day."""
    data = _prepared(data, share)
    series = list(dict.fromkeys(data["series"]))
    x = (alt.X("x:Q", title=None, scale=alt.Scale(zero=False, nice=False),
               axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True)) if yearly else
         alt.X("x:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True)))
    colour = alt.Color("series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]))
    base = _chart(data, title, description)
    lines = base.mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title=y_title, axis=_axis(share, whole=False)), color=colour,
        strokeDash=alt.StrokeDash("series:N", sort=series, legend=None,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [6, 4]][: len(series)])),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("label:N", title="Periode"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%" if share else ",.1~f")])
    marks = base.transform_filter(alt.datum.hidden != "").mark_text(fontSize=FONT, baseline="top").encode(
        x=x, y=alt.value(2), text="hidden:N", color=colour)
    return finished(alt.layer(lines, marks))
