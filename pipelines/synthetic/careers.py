"""Shelter careers: who enters, how long they stay, where they go, whether they come back.

People follow the transitional / episodic / chronic typology found in Danish shelter data
(Benjaminsen & Andrade 2015, domain notes §2.3). Every step is vectorised over all people at once:
the loop runs over "the k-th stay of everyone still in the system", never over people or rows.
Dates are whole days since 1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DESTINATIONS = ["own_housing", "supported_housing", "transitional_housing", "family_friends",
                "other_shelter", "hospital_treatment", "prison", "street", "deceased", "unknown"]
PRIOR_SITUATIONS = ["own_housing", "family_friends", "street", "other_shelter", "transitional_housing",
                    "supported_housing", "hospital_treatment", "prison", "other", "unknown"]
OWN_HOUSING, SUPPORTED_HOUSING, OTHER_SHELTER, DECEASED = 0, 1, 4, 8
HOUSING = [OWN_HOUSING, SUPPORTED_HOUSING]
# The prior situation after leaving to a destination (same words, or their nearest match).
PRIOR_AFTER_DESTINATION = np.array([PRIOR_SITUATIONS.index(d if d in PRIOR_SITUATIONS else "other")
                                    for d in DESTINATIONS])

TRANSITIONAL, EPISODIC, CHRONIC = 0, 1, 2
TYPE_SHARES = [0.55, 0.32, 0.13]
# Stay length: a few stays end the day they start, many after one night, the rest log-normal.
P_ZERO_NIGHTS = 0.01
P_ONE_NIGHT = np.array([0.16, 0.36, 0.04])
MEDIAN_DAYS = np.array([45.0, 7.0, 300.0])
SIGMA_DAYS = np.array([1.0, 1.1, 0.8])
P_TRANSFER = 0.05
DESTINATION_SHARES = np.array([
    # own, supp, trans, fam, shelter, hosp, prison, street, dead, unknown
    [0.36, 0.05, 0.06, 0.13, 0.04, 0.05, 0.03, 0.04, 0.004, 0.186],
    [0.14, 0.03, 0.04, 0.15, 0.08, 0.08, 0.06, 0.15, 0.010, 0.250],
    [0.24, 0.20, 0.07, 0.06, 0.06, 0.08, 0.02, 0.05, 0.030, 0.180],
])
DESTINATION_SHARES /= DESTINATION_SHARES.sum(axis=1, keepdims=True)
# Chance of coming back after an episode, by type: after housing, and after anywhere else.
P_RETURN_AFTER_HOUSING = np.array([0.18, 0.45, 0.35])
P_RETURN_OTHERWISE = np.array([0.40, 0.92, 0.75])
HOUSING_FIRST_RETURN_FACTOR = 0.35      # most people with CTI/ICM/ACT keep their home
MEDIAN_GAP_DAYS = np.array([150.0, 24.0, 60.0])
P_MOVE_MUNICIPALITY = 0.03
FIRST_PRIOR_SHARES = np.array([0.16, 0.24, 0.14, 0.04, 0.03, 0.02, 0.09, 0.07, 0.05, 0.16])
P_PRIOR_FROM_LAST_DESTINATION = 0.7

SEXES = np.array(["M", "F", "X"])
SEX_SHARES = [0.75, 0.24, 0.01]
AGE_BANDS = [(18, 24, 0.17), (25, 29, 0.13), (30, 39, 0.22), (40, 49, 0.19), (50, 59, 0.19), (60, 75, 0.10)]

# Housing First support offered when someone leaves to their own home.
P_HOUSING_FIRST, P_OTHER_SUPPORT = 0.45, 0.20
METHODS = ["CTI", "ICM", "ACT", "OTHER_SUPPORT"]
METHOD_SHARES = [0.50, 0.35, 0.15]
MEDIAN_CASE_DAYS = np.array([270.0, 540.0, 800.0, 300.0])
END_REASONS = ["completed", "moved", "dropped_out", "deceased", "other"]
END_REASON_SHARES = [0.78, 0.07, 0.09, 0.02, 0.04]

REFORM_DATE = np.datetime64("2023-10-01").astype(int)   # action plans for every resident
MAX_STAYS = 400


@dataclass
class Careers:
    persons: pd.DataFrame   # person, sex, birth_year
    stays: pd.DataFrame     # person, shelter, municipality_code, entry, exit, destination, prior, action_plan
    cases: pd.DataFrame     # person, municipality_code, method, start, end, housed, end_reason


def _lognormal_days(rng, median, sigma, minimum):
    return np.maximum(minimum, np.round(rng.lognormal(np.log(median), sigma))).astype(np.int64)


def _pick_rows(rng, shares: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each element, an index drawn from the probability row `shares[rows[i]]`."""
    cdf = np.cumsum(shares, axis=1)
    picks = (rng.random(len(rows))[:, None] > cdf[rows]).sum(axis=1)
    return np.minimum(picks, shares.shape[1] - 1)


class ShelterChooser:
    """Where someone goes: mostly their own municipality's shelters, then the region, rarely afar."""

    LOCAL, REGIONAL, NATIONAL = 10.0, 1.5, 0.06
    GROUPS = 3  # 0 men and others 25+, 1 women, 2 youth 18-24

    def __init__(self, shelters: pd.DataFrame, municipalities: pd.DataFrame):
        codes = municipalities["municipality_code"].to_numpy()
        regions = municipalities["region_code"].to_numpy()
        s_muni = shelters["municipality_code"].to_numpy()
        s_region = shelters["region_code"].to_numpy()
        size = shelters["size"].to_numpy(dtype=float)
        group = shelters["target_group"].to_numpy()
        adults = (group == "adults").astype(float)
        eligible = np.array([
            adults + 0.3 * (group == "families"),
            adults + (group == "women") + (group == "families"),
            adults + 2.0 * (group == "youth"),
        ])
        place = np.where(s_muni[None, :] == codes[:, None], self.LOCAL,
                         np.where(s_region[None, :] == regions[:, None], self.REGIONAL, self.NATIONAL))
        weights = place[:, None, :] * eligible[None, :, :] * size[None, None, :]
        self.cdf = np.cumsum(weights, axis=2)
        self.cdf /= self.cdf[:, :, -1:]
        self.n_shelters = len(shelters)

    def choose(self, rng, municipality_index, group, avoid=None) -> np.ndarray:
        keys = municipality_index * self.GROUPS + group
        flat = self.cdf.reshape(-1, self.n_shelters)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
        chosen = np.empty(len(keys), dtype=np.int64)
        u = rng.random(len(keys))
        for part in np.split(order, bounds):
            if len(part):
                chosen[part] = np.searchsorted(flat[keys[part[0]]], u[part], side="right")
        chosen = np.minimum(chosen, self.n_shelters - 1)
        if avoid is not None:  # a transfer goes to another shelter
            same = chosen == avoid
            chosen[same] = (chosen[same] + 1 + rng.integers(0, self.n_shelters - 1, same.sum())) % self.n_shelters
        return chosen


def _ages(rng, n):
    bands = rng.choice(len(AGE_BANDS), n, p=[b[2] for b in AGE_BANDS])
    low = np.array([b[0] for b in AGE_BANDS])[bands]
    high = np.array([b[1] for b in AGE_BANDS])[bands]
    return rng.integers(low, high + 1)


def simulate(rng, persons_per_year: float, sim_start: int, cutoff: int, municipalities: pd.DataFrame,
             weights: np.ndarray, shelters: pd.DataFrame, arrivals_per_person_year: float) -> Careers:
    years = (cutoff - sim_start) / 365.25
    n = int(round(persons_per_year * arrivals_per_person_year * years))
    arrival = np.sort(rng.integers(sim_start, cutoff + 1, n))
    kind = rng.choice(3, n, p=TYPE_SHARES)
    sex = rng.choice(3, n, p=SEX_SHARES)
    arrival_year = arrival.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
    birth_year = arrival_year - _ages(rng, n)
    home = rng.choice(len(municipalities), n, p=weights)
    chooser = ShelterChooser(shelters, municipalities)
    codes = municipalities["municipality_code"].to_numpy()

    person = np.arange(n)
    entry = arrival
    prior = rng.choice(len(PRIOR_SITUATIONS), n, p=FIRST_PRIOR_SHARES)
    previous_shelter = np.full(n, -1)
    stays, cases = [], []
    for _ in range(MAX_STAYS):
        inside = entry <= cutoff
        person, entry, prior, previous_shelter = (a[inside] for a in (person, entry, prior, previous_shelter))
        if not len(person):
            break
        t, m = kind[person], len(person)
        u = rng.random(m)
        days = np.where(u < P_ZERO_NIGHTS, 0, np.where(u < P_ZERO_NIGHTS + P_ONE_NIGHT[t], 1,
                        _lognormal_days(rng, MEDIAN_DAYS[t], SIGMA_DAYS[t], 2)))
        exit_ = entry + days
        still_open = exit_ > cutoff
        transfer = (rng.random(m) < P_TRANSFER) & ~still_open & (days > 0)
        destination = _pick_rows(rng, DESTINATION_SHARES, t)
        destination[transfer] = OTHER_SHELTER
        destination[still_open] = -1
        entry_year = entry.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970
        age = entry_year - birth_year[person]
        group = np.where(age <= 24, 2, np.where(sex[person] == 1, 1, 0))
        is_transfer_in = previous_shelter >= 0
        shelter = chooser.choose(rng, home[person], group, np.where(is_transfer_in, previous_shelter, -1))
        # Action plans: required for every resident from the 2023 reform, made within days.
        after_reform = entry >= REFORM_DATE
        has_plan = rng.random(m) < np.where(after_reform, 0.86, 0.5)
        plan = entry + _lognormal_days(rng, np.where(after_reform, 12.0, 30.0), 0.9, 0)
        plan_ok = has_plan & (days >= 2) & ((plan <= exit_) | still_open) & (plan <= cutoff)
        stays.append(pd.DataFrame({
            "person": person, "shelter": shelter, "municipality_code": codes[home[person]],
            "entry": entry, "exit": np.where(still_open, -1, exit_), "destination": destination,
            "prior": prior, "action_plan": np.where(plan_ok, plan, -1)}))

        # Support after moving into an own home; most people who get CTI/ICM/ACT keep it.
        housed = (destination == OWN_HOUSING) & ~transfer
        draw = rng.random(m)
        housing_first = housed & (draw < P_HOUSING_FIRST)
        other_support = housed & (draw >= P_HOUSING_FIRST) & (draw < P_HOUSING_FIRST + P_OTHER_SUPPORT)
        with_case = housing_first | other_support
        if with_case.any():
            k = int(with_case.sum())
            method = np.where(housing_first[with_case], rng.choice(3, k, p=METHOD_SHARES), 3)
            start = exit_[with_case] - rng.integers(0, 61, k)
            end = start + _lognormal_days(rng, MEDIAN_CASE_DAYS[method], 0.35, 30)
            housed_date = np.where(rng.random(k) < 0.92, exit_[with_case], -1)
            cases.append(pd.DataFrame({
                "person": person[with_case], "municipality_code": codes[home[person[with_case]]],
                "method": method, "start": start, "end": np.where(end > cutoff, -1, end),
                "housed": housed_date, "end_reason": rng.choice(len(END_REASONS), k, p=END_REASON_SHARES)}))

        at_housing = np.isin(destination, HOUSING)
        p_return = np.where(at_housing, P_RETURN_AFTER_HOUSING[t], P_RETURN_OTHERWISE[t])
        p_return = np.where(housing_first, p_return * HOUSING_FIRST_RETURN_FACTOR, p_return)
        goes_on = transfer | (~still_open & (destination != DECEASED) & (rng.random(m) < p_return))
        gap = np.where(transfer, rng.integers(0, 2, m), _lognormal_days(rng, MEDIAN_GAP_DAYS[t], 1.0, 2))
        next_prior = np.where(rng.random(m) < P_PRIOR_FROM_LAST_DESTINATION,
                              PRIOR_AFTER_DESTINATION[np.maximum(destination, 0)],
                              rng.choice(len(PRIOR_SITUATIONS), m, p=FIRST_PRIOR_SHARES))
        next_prior = np.where(transfer, PRIOR_SITUATIONS.index("other_shelter"), next_prior)
        movers = person[goes_on & ~transfer & (rng.random(m) < P_MOVE_MUNICIPALITY)]
        home[movers] = rng.choice(len(municipalities), len(movers), p=weights)
        person, entry = person[goes_on], exit_[goes_on] + gap[goes_on]
        prior = next_prior[goes_on]
        previous_shelter = np.where(transfer, shelter, -1)[goes_on]

    persons = pd.DataFrame({"person": np.arange(n), "sex": SEXES[sex], "birth_year": birth_year})
    case_frame = pd.concat(cases, ignore_index=True) if cases else pd.DataFrame(
        columns=["person", "municipality_code", "method", "start", "end", "housed", "end_reason"])
    return Careers(persons=persons, stays=pd.concat(stays, ignore_index=True), cases=case_frame)
