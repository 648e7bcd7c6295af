"""A synthetic landing folder in the data contract's format, realistic and deterministic for a seed.

Calibrated to the published Danish figures in shared/reference and the domain notes: about 7,000
persons and 13,000-15,000 stays a year in about 75 shelters, about 6% in shelter all year, 20-30%
of stays a single night, the national count 5,789 (2022) and 5,989 (2024) with København about
23%. `persons` scales everything linearly (persons, stays, beds, cases, count totals).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from checks.contract import MAX_BEDS
from pipelines.synthetic import careers, geography
from pipelines.synthetic.deliveries import (person_keys, quarter_bounds, quarter_index, write_interventions,
                                             write_shelter_stays)
from pipelines.synthetic.faults import add_faulty_deliveries

DEFAULT_PERSONS = 7_000
# Newcomers a year per person in shelter a year; calibrated so `persons` is met (tests: +-10%).
ARRIVALS_PER_PERSON_YEAR = 0.575
BURN_IN_YEARS = 5                     # careers start before the data does, as in real deliveries
TARGET_OCCUPANCY = 0.85               # beds are sized from simulated use
COUNT_TOTALS = {2022: 5_789, 2024: 5_989}
COUNT_DAY = {2022: "2022-02-09", 2024: "2024-02-07"}   # week 6
SITUATIONS = {"street": 0.09, "night_shelter": 0.05, "shelter": 0.40, "hotel_hostel": 0.03,
              "family_friends": 0.21, "transitional_housing": 0.07, "awaiting_discharge": 0.07,
              "other": 0.05, "unknown": 0.03}
AGE_GROUPS = {"18-24": 0.13, "25-29": 0.14, "30-39": 0.24, "40-49": 0.19, "50-59": 0.18, "60+": 0.09,
              "unknown": 0.03}
COUNT_SEXES = {"M": 0.765, "F": 0.23, "X": 0.005}


@dataclass
class GenerationSummary:
    out: Path
    shelters: int
    stay_rows: int
    case_rows: int
    persons_simulated: int
    cutoff: str


def last_quarter_end(day: np.datetime64) -> np.datetime64:
    month = day.astype("datetime64[M]")
    quarter_start = month - (month.astype(int) % 3)
    quarter_end = (quarter_start + 3).astype("datetime64[D]") - 1
    return quarter_end if quarter_end <= day else quarter_start.astype("datetime64[D]") - 1


def write_homeless_counts(out: Path, rng, municipalities: pd.DataFrame, weights: np.ndarray, scale: float,
                          data_start: np.datetime64, cutoff: np.datetime64) -> None:
    folder = out / "homeless_count"
    folder.mkdir(parents=True, exist_ok=True)
    cells = pd.MultiIndex.from_product(
        [municipalities["municipality_code"], list(SITUATIONS), list(AGE_GROUPS), list(COUNT_SEXES)],
        names=["municipality_code", "situation", "age_group", "sex"]).to_frame(index=False)
    p = (np.repeat(weights, len(SITUATIONS) * len(AGE_GROUPS) * len(COUNT_SEXES))
         * np.tile(np.repeat(list(SITUATIONS.values()), len(AGE_GROUPS) * len(COUNT_SEXES)), len(weights))
         * np.tile(np.repeat(list(AGE_GROUPS.values()), len(COUNT_SEXES)), len(weights) * len(SITUATIONS))
         * np.tile(list(COUNT_SEXES.values()), len(weights) * len(SITUATIONS) * len(AGE_GROUPS)))
    for year, total in COUNT_TOTALS.items():
        if not data_start <= np.datetime64(COUNT_DAY[year]) <= cutoff:
            continue
        counted = cells.assign(persons=rng.multinomial(int(round(total * scale)), p / p.sum()))
        counted[counted["persons"] > 0].to_csv(folder / f"count_{year}.csv", index=False)


SAMPLE_TARGETS = Path(__file__).parent / "targets.csv"
# Who pays: nightly rates of roughly 900-2,200 kr. rising a few per cent a year (data contract), a
# little dearer for women's, youth and family shelters; a month of support per method (plausible, not
# official: ACT is a team around the clock, CTI and ICM one case manager).
NIGHT_RATE_RANGE = (900, 1_500)
TARGET_GROUP_RATE = {"adults": 1.0, "youth": 1.1, "women": 1.15, "families": 1.2}
RATE_GROWTH = (0.02, 0.04)
HF_MONTHLY_COST = {"CTI": 6_200, "ICM": 5_400, "ACT": 12_800}
HF_COST_GROWTH = 0.03


def danish_amount(value: float) -> str:
    """1234.5 -> '1.234,50', as Danish Excel writes an amount."""
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def write_rates(folder: Path, shelters: pd.DataFrame, years: range, seed: int) -> None:
    """reference/shelter_rates.csv (semicolons and decimal commas, as a Danish spreadsheet saves it) and
    reference/hf_unit_costs.csv. Their own random stream, so the stays are the same with or without them."""
    rng = np.random.default_rng([seed, 110])
    base = rng.uniform(*NIGHT_RATE_RANGE, len(shelters)) * shelters["target_group"].map(TARGET_GROUP_RATE).to_numpy()
    growth = rng.uniform(*RATE_GROWTH, len(shelters))
    rows = [f"{shelter_id};{year};{danish_amount(round(rate * (1 + g) ** (year - years.start), 2))}"
            for shelter_id, rate, g in zip(shelters["shelter_id"], base, growth) for year in years]
    (folder / "shelter_rates.csv").write_text("shelter_id;year;night_rate_dkk\n" + "\n".join(rows) + "\n")
    costs = pd.DataFrame([(method, year, round(cost * (1 + HF_COST_GROWTH) ** (year - years.start), 2))
                          for method, cost in HF_MONTHLY_COST.items() for year in years],
                         columns=["method", "year", "monthly_cost_dkk"])
    costs.to_csv(folder / "hf_unit_costs.csv", index=False, float_format="%.2f")


def write_reference(out: Path, municipalities: pd.DataFrame, shelters: pd.DataFrame, years: range,
                    seed: int) -> None:
    folder = out / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    # The partners' mission targets (a realistic set, the same at every scale).
    (folder / "targets.csv").write_bytes(SAMPLE_TARGETS.read_bytes())
    municipalities[["municipality_code", "name", "region_code"]].to_csv(folder / "municipalities.csv", index=False)
    geography.population_by_year(municipalities, years).to_csv(folder / "population.csv", index=False)
    frame = shelters.assign(opened=shelters["opened"].dt.strftime("%Y-%m-%d"), closed="")
    frame[["shelter_id", "name", "municipality_code", "beds", "target_group", "opened", "closed"]].to_csv(
        folder / "shelters.csv", index=False)
    write_rates(folder, shelters, years, seed)


def size_beds(shelters: pd.DataFrame, stays: pd.DataFrame, data_start: int, cutoff: int) -> np.ndarray:
    """Beds so that shelters run at about 85% on average and no quarter is over full (up to MAX_BEDS)."""
    exit_ = np.where(stays["exit"] < 0, cutoff + 1, stays["exit"]).astype(np.int64)
    entry = np.clip(stays["entry"].to_numpy(), data_start, cutoff + 1)
    exit_ = np.clip(exit_, data_start, cutoff + 1)
    first_q, last_q = quarter_index(entry), quarter_index(np.maximum(exit_ - 1, entry))
    copies = np.where(exit_ > entry, last_q - first_q + 1, 0)
    row = np.repeat(np.arange(len(stays)), copies)
    quarter = np.repeat(first_q, copies) + (np.arange(len(row)) - np.repeat(np.cumsum(copies) - copies, copies))
    q_start, q_end = quarter_bounds(quarter)
    nights = np.minimum(exit_[row], q_end + 1) - np.maximum(entry[row], q_start)
    per_quarter = pd.DataFrame({"shelter": stays["shelter"].to_numpy()[row], "quarter": quarter,
                                "occupied": nights / (q_end - q_start + 1)}).groupby(["shelter", "quarter"])["occupied"].sum()
    peak = per_quarter.groupby(level="shelter").max().reindex(range(len(shelters)), fill_value=0).to_numpy()
    mean = per_quarter.groupby(level="shelter").mean().reindex(range(len(shelters)), fill_value=0).to_numpy()
    # At 10x and 100x the national scale the 75 shelters would need more beds than any real one has;
    # they stay within the contract's plausible bound (so large runs are over full, and say so).
    return np.clip(np.ceil(np.maximum(mean / TARGET_OCCUPANCY, peak)), 4, MAX_BEDS).astype(int)


def generate(out: Path, persons: int = DEFAULT_PERSONS, seed: int = 2026, start: int = 2021, end: int = 2026,
             cutoff: str | None = None, faults: bool = False) -> GenerationSummary:
    if persons < 1:
        raise ValueError("--persons must be at least 1")
    if end < start:
        raise ValueError("--end must not be before --start")
    rng = np.random.default_rng(seed)
    data_start = np.datetime64(f"{start}-01-01")
    last_day = np.datetime64(cutoff) if cutoff else np.datetime64(f"{end}-12-31")
    last_day = last_quarter_end(min(last_day, np.datetime64(f"{end}-12-31")))
    if last_day < data_start:
        raise ValueError("the cutoff must be at least one whole quarter after the start")
    start_day, cutoff_day = int(data_start.astype(np.int64)), int(last_day.astype(np.int64))

    municipalities = geography.load_municipalities()
    weights = geography.homelessness_weights(municipalities)
    shelters = geography.shelter_sites(municipalities)
    sim_start = int(np.datetime64(f"{start - BURN_IN_YEARS}-01-01").astype(np.int64))
    simulated = careers.simulate(rng, persons, sim_start, cutoff_day, municipalities, weights, shelters,
                                 ARRIVALS_PER_PERSON_YEAR)
    shelters["beds"] = size_beds(shelters, simulated.stays, start_day, cutoff_day)

    out = Path(out)
    keys = person_keys(seed, len(simulated.persons))
    write_reference(out, municipalities, shelters, range(start, end + 1), seed)
    stay_rows = write_shelter_stays(out, simulated.stays, simulated.persons, keys,
                                    shelters["shelter_id"].to_numpy(), start_day, cutoff_day)
    case_rows = write_interventions(out, simulated.cases, keys, municipalities["municipality_code"],
                                    start_day, cutoff_day)
    write_homeless_counts(out, rng, municipalities, weights, persons / DEFAULT_PERSONS, data_start, last_day)
    if faults:
        add_faulty_deliveries(out, rng)
    return GenerationSummary(out=out, shelters=len(shelters), stay_rows=stay_rows, case_rows=case_rows,
                             persons_simulated=len(simulated.persons), cutoff=str(last_day))
