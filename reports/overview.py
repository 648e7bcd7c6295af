"""The national overview charts as PNG images for the Dagster UI (analysts see them as asset metadata)."""

from __future__ import annotations

import base64

import vl_convert

from reports import charts, texts
from reports.published import Published


def national_overview_png(published: Published) -> str:
    """Markdown with the national yearly charts embedded as PNG (published figures only)."""
    nation = published.area("national", "DK")
    parts = []
    for indicator in ("persons_in_shelter", "exits_to_housing_share", "nights_beyond_refund_cap"):
        series = published.series(nation, indicator).assign(group="Hele landet")
        spec = charts.grouped_bars(series[["period_label", "order", "group", "value", "text", "hidden", "base"]],
                                   texts.title(indicator), texts.title(indicator),
                                   "Andel" if indicator in texts.SHARES else "Antal", share=indicator in texts.SHARES)
        png = vl_convert.vegalite_to_png({**spec, "width": 420}, scale=1)
        parts.append(f"**{texts.title(indicator)}**\n\n![{indicator}](data:image/png;base64,"
                     f"{base64.b64encode(png).decode()})")
    return "\n\n".join(parts)
