"""Danish number and date formats, and the Vega locale that makes charts use them."""

from __future__ import annotations

from datetime import date

MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
SUPPRESSED = "<5"

# Vega's d3-format locale: 1.234,5
VEGA_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}
VEGA_TIME_LOCALE = {
    "dateTime": "%A den %d. %B %Y %X", "date": "%d.%m.%Y", "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    "shortDays": ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    "months": MONTHS,
    "shortMonths": ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}


def number(value: float | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; None (suppressed) → '<5'."""
    if value is None:
        return SUPPRESSED
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "§").replace(".", ",").replace("§", ".")


def long_date(day: date) -> str:
    """date(2026, 3, 3) → '3. marts 2026'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"

REGION_NAMES = {1081: "Region Nordjylland", 1082: "Region Midtjylland", 1083: "Region Syddanmark",
                1084: "Region Hovedstaden", 1085: "Region Sjælland"}
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
