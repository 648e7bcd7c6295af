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


def kroner(value: float | None) -> str:
    """An amount as Danish reports write it: 1.234.567.890 → '1,23 mia. kr.', 12_345_678 → '12,3 mio. kr.',
    823_400 → '823.400 kr.'."""
    if value is None:
        return SUPPRESSED
    size = abs(value)
    if size >= 1e9:
        return f"{number(value / 1e9, 2)}\u00a0mia.\u00a0kr."
    if size >= 1e6:
        return f"{number(value / 1e6, 1)}\u00a0mio.\u00a0kr."
    return f"{number(value, 0)}\u00a0kr."


def long_date(day: date) -> str:
    """date(2026, 3, 3) → '3. marts 2026'."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"

REGION_NAMES = {1081: "Region Nordjylland", 1082: "Region Midtjylland", 1083: "Region Syddanmark",
                1084: "Region Hovedstaden", 1085: "Region Sjælland"}
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

STATUS_TEXT = {"insufficient_follow_up": "for tidligt", "insufficient_history": "for kort historik",
               "no_data": "–"}
SECONDARY = "×"            # hidden so a small number cannot be found by subtraction
HIDDEN_RATE = "skjult"     # a share, rate, median or amount built on 1-4 persons: not "<5", which reads as "under 5 %"
# Every mark a page can show instead of a figure, and what it means (the key on every page).
SYMBOLS = {
    SUPPRESSED: "et antal fra 1 til 4, skjult for at beskytte de enkelte (i figurer: en grå stub)",
    SECONDARY: "skjult, så et lille tal ikke kan regnes ud ved at trække fra (i figurer: en grå stub)",
    HIDDEN_RATE: "en andel, rate, median eller et beløb, der bygger på færre end 5 personer eller hændelser",
    "for tidligt": "der er endnu ikke gået tid nok til at måle (fx 12 måneder efter udflytning)",
    "for kort historik": "data går ikke langt nok tilbage (to år) til at afgøre, om borgeren er ny",
    "–": "intet at beregne: ingen hændelser i perioden (fx ingen udflytninger at tage andelen af)",
}

# Plain-language names for the contract's codes.
CODE_LABELS = {
    "own_housing": "Egen bolig", "supported_housing": "Botilbud (§§ 107–108)",
    "transitional_housing": "Udslusningsbolig", "family_friends": "Familie og venner",
    "other_shelter": "Andet herberg", "hospital_treatment": "Hospital og behandling", "prison": "Fængsel",
    "street": "Gaden / natvarmestue", "deceased": "Død", "unknown": "Uoplyst", "other": "Andet",
    "CTI": "CTI", "ICM": "ICM", "ACT": "ACT",
    "night_shelter": "Natvarmestue", "shelter": "Herberg / forsorgshjem", "hotel_hostel": "Hotel / vandrerhjem",
    "awaiting_discharge": "Venter på løsladelse/udskrivning",
    "inflow_new": "Nye", "inflow_returning": "Vender tilbage", "outflow_housing": "Ud til bolig",
    "outflow_other": "Ud til andet", "active_end": "På herberg ved månedens udgang",
}


def label(code: str) -> str:
    return CODE_LABELS.get(code, code)


def period_label(period: str) -> str:
    """2024 → '2024'; 2024-Q3 → '3. kvt. 2024'; 2024-07 → 'juli 2024'."""
    if len(period) == 7 and period[5] == "Q":
        return f"{period[6]}. kvt. {period[:4]}"
    if len(period) == 7:
        return f"{MONTHS[int(period[5:]) - 1]} {period[:4]}"
    return period


def figure_text(value, suppression: str, status: str, share: bool = False, decimals: int = 0,
                count: bool = True, amount: bool = False) -> str:
    """A published figure as a reader sees it: '1.234', '45,3 %', '12,3 mio. kr.', '<5' (a count),
    'skjult' (a share, rate, median or amount), '×', 'for tidligt' or '–'."""
    if status != "ok":
        return STATUS_TEXT.get(status, "–")
    if suppression == "primary":
        return SUPPRESSED if count else HIDDEN_RATE
    if suppression == "secondary" or value is None:
        return SECONDARY
    if amount:
        return kroner(value)
    return f"{number(value * 100, 1)}\u00a0%" if share else number(value, decimals)
