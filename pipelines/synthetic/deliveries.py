"""Write simulated careers as deliveries in the data contract's exact format.

Shelters report quarterly: every stay active in the quarter, as it looked at the quarter's end
(a stay that ends later is still open in that file; the latest delivery wins). Municipalities
report Housing First cases yearly, and quarterly in the year still running.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.synthetic.careers import DESTINATIONS, END_REASONS, METHODS, PRIOR_SITUATIONS

STAY_COLUMNS = ["stay_id", "person_key", "municipality_code", "entry_date", "exit_date", "exit_destination",
                "prior_situation", "action_plan_date", "birth_year", "sex"]
CASE_COLUMNS = ["case_id", "person_key", "municipality_code", "method", "start_date", "end_date",
                "housed_date", "end_reason"]


def person_keys(seed: int, n: int) -> np.ndarray:
    """HMAC-SHA256 pseudonyms, as providers make them with the national key."""
    key = f"hfmon-synthetic-national-key-{seed}".encode()
    return np.array([hmac.new(key, str(i).encode(), hashlib.sha256).hexdigest() for i in range(n)])


def quarter_index(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months // 3


def quarter_bounds(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    start = (q * 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    end = ((q + 1) * 3).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1
    return start, end


def quarter_label(q: np.ndarray) -> np.ndarray:
    year = q // 4 + 1970
    return np.char.add(np.char.add(year.astype(str), "-Q"), (q % 4 + 1).astype(str))


def iso(days: np.ndarray, visible: np.ndarray) -> np.ndarray:
    text = days.astype("datetime64[D]").astype(str)
    return np.where(visible, text, "")


def write_shelter_stays(out: Path, stays: pd.DataFrame, persons: pd.DataFrame, keys: np.ndarray,
                        shelter_ids: np.ndarray, data_start: int, cutoff: int) -> int:
    """One file per shelter and quarter; returns the number of rows written.

    Shelters are written a batch at a time so that memory stays bounded at 100x the national scale."""
    stays = stays.sort_values(["shelter", "entry", "person"], ignore_index=True)
    stays["stay_number"] = stays.groupby("shelter").cumcount() + 1
    folder = out / "shelter_stays"
    folder.mkdir(parents=True, exist_ok=True)
    batches = np.array_split(np.arange(len(shelter_ids)), max(1, len(stays) // SHELTER_ROWS_PER_BATCH))
    return sum(write_shelter_batch(folder, stays[stays["shelter"].isin(batch)], persons, keys, shelter_ids,
                                   data_start, cutoff) for batch in batches)


SHELTER_ROWS_PER_BATCH = 200_000


def write_shelter_batch(folder: Path, stays: pd.DataFrame, persons: pd.DataFrame, keys: np.ndarray,
                        shelter_ids: np.ndarray, data_start: int, cutoff: int) -> int:
    last_day = np.where(stays["exit"].to_numpy() < 0, cutoff, stays["exit"].to_numpy())
    first_q = np.maximum(quarter_index(stays["entry"].to_numpy()), quarter_index(np.array([data_start]))[0])
    last_q = np.minimum(quarter_index(last_day), quarter_index(np.array([cutoff]))[0])
    copies = np.maximum(last_q - first_q + 1, 0)
    rows = stays.loc[np.repeat(stays.index.to_numpy(), copies)].reset_index(drop=True)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(copies) - copies, copies)
    rows["quarter"] = np.repeat(first_q, copies) + offset
    _, quarter_end = quarter_bounds(rows["quarter"].to_numpy())

    exit_ = rows["exit"].to_numpy()
    exited = (exit_ >= 0) & (exit_ <= quarter_end)
    plan = rows["action_plan"].to_numpy()
    person = rows["person"].to_numpy()
    shelter = shelter_ids[rows["shelter"].to_numpy()]
    frame = pd.DataFrame({
        "stay_id": np.char.add(np.char.add(shelter.astype(str), "-"),
                               np.char.zfill(rows["stay_number"].to_numpy().astype(str), 7)),
        "person_key": keys[person],
        "municipality_code": rows["municipality_code"].to_numpy(),
        "entry_date": iso(rows["entry"].to_numpy(), np.ones(len(rows), bool)),
        "exit_date": iso(exit_, exited),
        "exit_destination": np.where(exited, np.array(DESTINATIONS)[np.maximum(rows["destination"], 0)], ""),
        "prior_situation": np.array(PRIOR_SITUATIONS)[rows["prior"].to_numpy()],
        "action_plan_date": iso(plan, (plan >= 0) & (plan <= quarter_end)),
        "birth_year": persons["birth_year"].to_numpy()[person],
        "sex": persons["sex"].to_numpy()[person],
    })
    frame["file"] = np.char.add(np.char.add(shelter.astype(str), "_"), quarter_label(rows["quarter"].to_numpy()))
    for name, part in frame.groupby("file", sort=True):
        part[STAY_COLUMNS].to_csv(folder / f"{name}.csv", index=False)
    return len(frame)


def write_interventions(out: Path, cases: pd.DataFrame, keys: np.ndarray, municipality_codes, data_start: int,
                        cutoff: int) -> int:
    """One file per municipality and year (per quarter in the year still running)."""
    cases = cases.sort_values(["municipality_code", "start", "person"], ignore_index=True)
    cases["case_number"] = cases.groupby("municipality_code").cumcount() + 1
    cutoff_date = np.datetime64(int(cutoff), "D")
    last_full_year = int(str((cutoff_date + 1).astype("datetime64[Y]"))) - 1
    periods = [(str(y), np.datetime64(f"{y}-01-01"), np.datetime64(f"{y}-12-31"))
               for y in range(int(str(np.datetime64(int(data_start), "D").astype("datetime64[Y]"))), last_full_year + 1)]
    for q in range(1, 5):
        start = np.datetime64(f"{last_full_year + 1}-{3 * q - 2:02d}-01")
        end = (start.astype("datetime64[M]") + 3).astype("datetime64[D]") - 1
        if end <= cutoff_date:
            periods.append((f"{last_full_year + 1}-Q{q}", start, end))
    folder = out / "interventions"
    folder.mkdir(parents=True, exist_ok=True)
    start_days, end_days = cases["start"].to_numpy(), cases["end"].to_numpy()
    written = 0
    for label, p_start, p_end in periods:
        p_start, p_end = p_start.astype(np.int64), p_end.astype(np.int64)
        active = (start_days <= p_end) & ((end_days < 0) | (end_days >= p_start))
        part = cases[active]
        ended = (part["end"].to_numpy() >= 0) & (part["end"].to_numpy() <= p_end)
        housed = part["housed"].to_numpy()
        frame = pd.DataFrame({
            "case_id": np.char.add(np.char.add(part["municipality_code"].to_numpy().astype(str), "-"),
                                   np.char.zfill(part["case_number"].to_numpy().astype(str), 6)),
            "person_key": keys[part["person"].to_numpy()],
            "municipality_code": part["municipality_code"].to_numpy(),
            "method": np.array(METHODS)[part["method"].to_numpy()],
            "start_date": iso(part["start"].to_numpy(), np.ones(len(part), bool)),
            "end_date": iso(part["end"].to_numpy(), ended),
            "housed_date": iso(housed, (housed >= 0) & (housed <= p_end)),
            "end_reason": np.where(ended, np.array(END_REASONS)[part["end_reason"].to_numpy()], ""),
        })
        for code in municipality_codes:
            chunk = frame[frame["municipality_code"] == code]
            chunk[CASE_COLUMNS].to_csv(folder / f"{code}_{label}.csv", index=False)
            written += len(chunk)
    return written
