"""The few chart shapes the reports use, with Danish labels and a colour-blind-safe palette.

A figure hidden by disclosure control is never left out of a chart (which reads as 0): it is drawn
as a grey stub labelled with its mark («<5», «×», «skjult»), explained in the page's key. Data
frames may carry `hidden` (the mark, '' when shown), `base` ("af 1.234 udflytninger") and `text`.

Each shape is built with Altair once per structure (share or count, stacked, a marker) and kept as
a Vega-Lite template; a chart is that template with its data, titles and categories filled in.
Building a thousand Altair objects, one per chart, made the site take a minute."""

from __future__ import annotations

import json
import textwrap
from functools import lru_cache

import altair as alt
import pandas as pd

from reports.danish import PALETTE

HEIGHT = 260
HIDDEN_GREY = "#9e9e9e"
FONT = 12          # the smallest text in a chart (legible on a phone)
TITLE_LINE = 46    # characters per line of a chart title: a longer line is cut off on a 390 px phone
CONFIG = alt.Config(
    aria=False,      # screen readers hear the chart's Danish description (aria-label), not Vega's field names
    axis=alt.AxisConfig(labelFontSize=FONT, titleFontSize=FONT),
    legend=alt.LegendConfig(labelFontSize=FONT, titleFontSize=FONT, orient="bottom", columns=2, labelLimit=0),
    title=alt.TitleConfig(subtitleFontSize=FONT),
    view=alt.ViewConfig(stroke=None))
# Placeholders in a template, replaced per chart (a JSON string value, or a one-element list).
TITLE, DESCRIPTION, AXIS_TITLE, MARKER_AT, MARKER_NOTE = "§title§", "§description§", "§axis§", "§at§", "§note§"
ORDER, COLOURS = "§order§", "§colours§"


def _axis(share: bool, whole: bool | None = None) -> alt.Axis:
    """Shares in percent; counts with whole-number ticks (never 2,5 persons); rates as they are."""
    whole = not share if whole is None else whole
    return alt.Axis(format=".0%" if share else ",~r", tickMinStep=1 if whole else alt.Undefined, labelOverlap=True)


TOOLTIP_VALUE = [alt.Tooltip("text:N", title=AXIS_TITLE), alt.Tooltip("base:N", title="Grundlag")]


def _layered(layers: list, height: int = HEIGHT) -> alt.LayerChart:
    return alt.LayerChart(layer=layers, data=alt.Data(values=[]), description=DESCRIPTION, width="container",
                          height=height, title=alt.TitleParams(TITLE, anchor="start", fontSize=14),
                          config=CONFIG)


def _colour(field: str, columns: int | None = None) -> alt.Color:
    return alt.Color(field, title=None, sort=[ORDER], scale=alt.Scale(domain=[ORDER], range=[COLOURS]),
                     legend=alt.Legend(columns=columns) if columns else alt.Undefined)


@lru_cache(maxsize=64)
def _template(shape: str, share: bool, whole: bool, stacked: bool, marker: bool, height: int) -> str:
    return json.dumps(SHAPES[shape](share=share, whole=whole, stacked=stacked, marker=marker, height=height)
                      .to_dict(validate=False), ensure_ascii=False)


def _records(data: pd.DataFrame) -> list[dict]:
    """Rows as JSON values (NaN as null), by pandas' C writer."""
    return json.loads(data.to_json(orient="records", date_format="iso"))


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


def title_lines(title: str) -> list[str]:
    """A chart title in lines a phone shows whole (Vega draws a list of lines as one title): a long
    title breaks after its last colon or comma that leaves a line short enough, else between words."""
    if len(title) <= TITLE_LINE:
        return [title]
    breaks = [at + 1 for at, char in enumerate(title[:TITLE_LINE + 1]) if char in ":," and title[at + 1:at + 2] == " "]
    if breaks:
        return [title[:breaks[-1]], *title_lines(title[breaks[-1]:].strip())]
    return textwrap.wrap(title, TITLE_LINE, break_long_words=False)


def chart_spec(shape: str, data: pd.DataFrame, title: str, description: str, axis_title: str, *,
               order: list[str] | None = None, share: bool = False, whole: bool = False, stacked: bool = False,
               marker: tuple[str, str] | None = None, height: int = HEIGHT) -> dict:
    """A Vega-Lite spec (a dict) of one shape, filled with its data, texts and category order."""
    text = _template(shape, share, whole, stacked, marker is not None, height)
    order = order or []
    filled = {TITLE: title_lines(title), DESCRIPTION: description, AXIS_TITLE: axis_title,
              MARKER_AT: marker[0] if marker else "", MARKER_NOTE: marker[1] if marker else ""}
    for token, value in filled.items():
        text = text.replace(json.dumps(token, ensure_ascii=False), json.dumps(value, ensure_ascii=False))
    text = text.replace(json.dumps([ORDER], ensure_ascii=False), json.dumps(order, ensure_ascii=False))
    text = text.replace(json.dumps([COLOURS], ensure_ascii=False), json.dumps(PALETTE[: len(order)]))
    spec = json.loads(text)
    spec["data"] = {"values": _records(data)}
    return spec


def _trend(share, whole, **_) -> alt.LayerChart:
    x = alt.X("period_label:O", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelAngle=-45,
                                                                                        labelOverlap=True))
    lines = alt.Chart().mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title=AXIS_TITLE, axis=_axis(share, whole)), color=_colour("series:N"),
        tooltip=[alt.Tooltip("series:N", title="Område"), alt.Tooltip("period_label:O", title="Periode"),
                 *TOOLTIP_VALUE])
    # A hidden point: its mark at the top of the chart, in its series' colour (not on the 0 line).
    marks = alt.Chart().transform_filter(alt.datum.hidden != "").mark_text(fontSize=FONT, baseline="top").encode(
        x=x, y=alt.value(2), text="hidden:N", color=_colour("series:N"),
        tooltip=[alt.Tooltip("series:N", title="Område"), alt.Tooltip("period_label:O", title="Periode"),
                 alt.Tooltip("hidden:N", title="Skjult")])
    return _layered([lines, marks])


def _bars(share, height, **_) -> alt.LayerChart:
    y = alt.Y("category:N", title=None, sort=[ORDER], axis=alt.Axis(labelLimit=220))
    shown = alt.Chart().transform_filter(alt.datum.hidden == "").mark_bar(color=PALETTE[0]).encode(
        y=y, x=alt.X("drawn:Q", title=AXIS_TITLE, axis=_axis(share)),
        tooltip=[alt.Tooltip("category:N", title=" "), *TOOLTIP_VALUE])
    hidden = alt.Chart().transform_filter(alt.datum.hidden != "")
    stubs = hidden.mark_bar(color=HIDDEN_GREY).encode(y=y, x="drawn:Q", tooltip=[
        alt.Tooltip("category:N", title=" "), alt.Tooltip("hidden:N", title="Skjult")])
    labels = hidden.mark_text(align="left", dx=4, fontSize=FONT, color="#444").encode(y=y, x="drawn:Q",
                                                                                        text="hidden:N")
    return _layered([shown, stubs, labels], height)


def _grouped_bars(share, stacked, marker, **_) -> alt.LayerChart:
    # Periods in time order; `op` keeps the order when the bars are stacked (the stack drops fields).
    x = alt.X("period_label:O", title=None, sort=alt.EncodingSortField("order", op="min"), axis=alt.Axis(labelAngle=0,
                                                                                        labelOverlap=True))
    offset = {} if stacked else {"xOffset": alt.XOffset("group:N", sort=[ORDER])}
    y = alt.Y("drawn:Q", stack="zero" if stacked else None)
    shown = alt.Chart().transform_filter(alt.datum.hidden == "").mark_bar().encode(
        x=x, y=alt.Y("drawn:Q", title=AXIS_TITLE, stack="zero" if stacked else None, axis=_axis(share)),
        # Stacked parts are read top to bottom, one legend line each (their labels are sentences).
        color=_colour("group:N", 1 if stacked else None), tooltip=[alt.Tooltip("group:N", title=" "),
                                           alt.Tooltip("period_label:O", title="Periode"), *TOOLTIP_VALUE], **offset)
    hidden = alt.Chart().transform_filter(alt.datum.hidden != "")
    stubs = hidden.mark_bar(color=HIDDEN_GREY).encode(x=x, y=y, tooltip=[
        alt.Tooltip("group:N", title=" "), alt.Tooltip("period_label:O", title="Periode"),
        alt.Tooltip("hidden:N", title="Skjult")], **offset)
    labels = hidden.mark_text(baseline="bottom", dy=-2, fontSize=FONT, color="#444").encode(
        x=x, y=y, text="hidden:N", **offset)
    layers = [shown, stubs, labels]
    if marker:   # a change in the rules, drawn where its period begins
        at = alt.Data(values=[{"period_label": MARKER_AT, "note": MARKER_NOTE}])
        where = alt.X("period_label:O", sort=alt.EncodingSortField("order", op="min"), bandPosition=0)
        layers += [alt.Chart(at).mark_rule(color="#D55E00", strokeDash=[4, 3], strokeWidth=2).encode(x=where),
                   # Right of the line is the chart's last few periods: the note reads leftwards, so
                   # it stays on a phone's screen.
                   alt.Chart(at).mark_text(align="right", dx=-4, baseline="top", fontSize=FONT, color="#D55E00").encode(
                       x=where, y=alt.value(4), text="note:N")]
    return _layered(layers)


def _path(share, stacked, **_) -> alt.LayerChart:
    yearly = stacked      # the flag's second use: a yearly target's x is the year itself
    x = (alt.X("x:Q", title=None, scale=alt.Scale(zero=False, nice=False),
               axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True)) if yearly else
         alt.X("x:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelOverlap=True)))
    lines = alt.Chart().mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y("value:Q", title=AXIS_TITLE, axis=_axis(share, whole=False)), color=_colour("series:N"),
        strokeDash=alt.StrokeDash("series:N", sort=[ORDER], legend=None,
                                  scale=alt.Scale(domain=[ORDER], range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("label:N", title="Periode"),
                 alt.Tooltip("value:Q", title=AXIS_TITLE, format=".1%" if share else ",.1~f")])
    marks = alt.Chart().transform_filter(alt.datum.hidden != "").mark_text(fontSize=FONT, baseline="top").encode(
        x=x, y=alt.value(2), text="hidden:N", color=_colour("series:N"))
    return _layered([lines, marks])


SHAPES = {"trend": _trend, "bars": _bars, "grouped_bars": _grouped_bars, "path": _path}


def trend(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
          whole: bool = False) -> dict:
    """Lines over periods, one per series: columns period_label, order, series, value."""
    data = _prepared(data, share)
    return chart_spec("trend", data, title, description, y_title, order=list(dict.fromkeys(data["series"])),
                      share=share, whole=whole)


def bars(data: pd.DataFrame, title: str, description: str, x_title: str, share: bool = False,
         height: int = HEIGHT) -> dict:
    """Horizontal bars, largest first: columns category, value."""
    data = _prepared(data, share)
    data["drawn"] = data["value"].where(data["hidden"] == "", _stub_size(data))
    order = list(data.sort_values("drawn", ascending=False, kind="stable")["category"])
    return chart_spec("bars", data, title, description, x_title, order=order, share=share, height=height)


def grouped_bars(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
                 stacked: bool = False, marker: tuple[str, str] | None = None) -> dict:
    """Bars per period, one colour per group: columns period_label, order, group, value; `marker`
    (period_label, what changed) draws a dashed line where that period begins."""
    data = _prepared(data, share)
    data["drawn"] = data["value"].where(data["hidden"] == "", _stub_size(data))
    return chart_spec("grouped_bars", data, title, description, y_title, order=list(dict.fromkeys(data["group"])),
                      share=share, stacked=stacked, marker=marker)


def path_to_target(data: pd.DataFrame, title: str, description: str, y_title: str, share: bool = False,
                   yearly: bool = False) -> dict:
    """Actual values and the straight path to a target: columns x, label, value, series. Yearly
    targets have the year as x, so a year's value sits on its own year's label; others the period's
    last day."""
    data = _prepared(data, share)
    if not yearly:
        data["x"] = pd.to_datetime(data["x"]).dt.strftime("%Y-%m-%d")
    return chart_spec("path", data, title, description, y_title, order=list(dict.fromkeys(data["series"])),
                      share=share, stacked=yearly)
