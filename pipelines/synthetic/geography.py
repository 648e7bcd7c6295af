"""Municipalities, population and shelters for the synthetic landing folder.

Calibration (shared/reference/README.md, domain notes §1.6, §2.3): København holds about 23% of
the people counted, most shelter beds are in København, Aarhus, Odense and Aalborg, and there are
about 75 § 110 shelters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# A copy of shared/reference/municipalities.csv (tests check it is identical).
MUNICIPALITIES_CSV = Path(__file__).resolve().parent / "municipalities.csv"

KOEBENHAVN, FREDERIKSBERG, AARHUS, ODENSE, AALBORG = 101, 147, 751, 461, 851

# Homelessness per inhabitant relative to a typical municipality; tuned so that København has
# about 23% and the four large cities together about 40% of the people (domain notes §1.6).
URBAN_FACTOR = {KOEBENHAVN: 1.85, FREDERIKSBERG: 1.3, AARHUS: 1.35, ODENSE: 0.9, AALBORG: 1.15}
OTHER_FACTOR_LARGE, OTHER_FACTOR_SMALL, LARGE_POPULATION = 0.75, 0.55, 50_000

# Shelters per large city; then one shelter in each of the next largest municipalities.
CITY_SHELTERS = {KOEBENHAVN: 14, AARHUS: 6, ODENSE: 5, AALBORG: 4, FREDERIKSBERG: 2}
TOWN_SHELTERS = 44
# Special target groups: (municipality, target_group) for the first shelters of these cities.
SPECIAL_SHELTERS = [(KOEBENHAVN, "youth"), (KOEBENHAVN, "women"), (KOEBENHAVN, "women"),
                    (KOEBENHAVN, "families"), (AARHUS, "youth"), (AARHUS, "women"),
                    (ODENSE, "youth"), (AALBORG, "women")]
# Relative size of a shelter when people choose where to go (beds are derived from use later).
CITY_SIZE, TOWN_SIZE = 3.0, 1.0


def load_municipalities() -> pd.DataFrame:
    """The 98 municipalities with code, name, region and approximate 2024 population."""
    frame = pd.read_csv(MUNICIPALITIES_CSV, dtype={"municipality_code": "int64", "region_code": "int64"})
    return frame.sort_values("municipality_code", ignore_index=True)


def homelessness_weights(municipalities: pd.DataFrame) -> np.ndarray:
    """Probability that a homeless person belongs to each municipality."""
    pop = municipalities["population_approx_2024"].to_numpy(dtype=float)
    codes = municipalities["municipality_code"].to_numpy()
    factor = np.where(pop >= LARGE_POPULATION, OTHER_FACTOR_LARGE, OTHER_FACTOR_SMALL)
    for code, value in URBAN_FACTOR.items():
        factor[codes == code] = value
    weights = pop * factor
    return weights / weights.sum()


def population_by_year(municipalities: pd.DataFrame, years: range) -> pd.DataFrame:
    """Inhabitants on 1 January: the 2024 approximation with a gentle, city-led growth."""
    codes = municipalities["municipality_code"].to_numpy()
    base = municipalities["population_approx_2024"].to_numpy(dtype=float)
    growth = np.where(np.isin(codes, list(URBAN_FACTOR)), 0.010, 0.002)
    frames = [pd.DataFrame({"municipality_code": codes, "year": year,
                            "population": np.round(base * (1 + growth * (year - 2024))).astype(int)})
              for year in years]
    return pd.concat(frames, ignore_index=True)


def shelter_sites(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Shelter ids, names, locations, target groups and relative sizes (beds come later)."""
    by_size = municipalities.sort_values("population_approx_2024", ascending=False)
    towns = [c for c in by_size["municipality_code"] if c not in CITY_SHELTERS][:TOWN_SHELTERS]
    names = dict(zip(municipalities["municipality_code"], municipalities["name"]))
    rows, special = [], list(SPECIAL_SHELTERS)
    for code, count in CITY_SHELTERS.items():
        for n in range(count):
            group = "adults"
            if (code, "youth") in special or (code, "women") in special or (code, "families") in special:
                group = next(g for c, g in special if c == code)
                special.remove((code, group))
            rows.append((code, group, CITY_SIZE, n + 1))
    rows += [(code, "adults", TOWN_SIZE, 1) for code in towns]
    kinds = {"adults": "Herberg", "youth": "Ungeherberg", "women": "Kvindeherberg", "families": "Familieherberg"}
    frame = pd.DataFrame(rows, columns=["municipality_code", "target_group", "size", "n"])
    frame["shelter_id"] = [f"S{i + 1:03d}" for i in range(len(frame))]
    frame["name"] = [f"{kinds[g]} {names[c]}" + (f" {n}" if CITY_SHELTERS.get(c, 1) > 1 else "")
                     for c, g, n in zip(frame["municipality_code"], frame["target_group"], frame["n"])]
    frame["region_code"] = frame["municipality_code"].map(
        dict(zip(municipalities["municipality_code"], municipalities["region_code"])))
    # Opened long before the data start and its five burn-in years (the last in 2003), so every
    # synthetic stay falls inside the open window (at 211 days apart the last opened in 2017, and
    # larger runs had stays quarantined as shelter_not_open).
    frame["opened"] = pd.to_datetime("1975-01-01") + pd.to_timedelta(np.arange(len(frame)) * 140, unit="D")
    return frame.drop(columns="n")
