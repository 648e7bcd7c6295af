"""Child process: the baseline. Four core indicators with pandas, as a competent analyst would
write them (vectorised, no row loops), from the same shelter_stays delivery files.

persons_in_shelter, bed_nights, episodes_over_90_days_share and exits_to_housing_share, for
every complete year, nationally and per municipality, following shared/spec/indicators.md (the
latest delivery of a stay wins; a shared night counts once; episodes join stays at most one day
apart). The national figures are returned so the benchmark can check them against the pipeline.

    python -m benchmarks.pandas_baseline DATA     prints {"seconds": ..., "national": {...}}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HOUSING = ["own_housing", "supported_housing"]


def days(column: pd.Series) -> pd.Series:
    return (pd.to_datetime(column, format="%Y-%m-%d") - pd.Timestamp("1970-01-01")).dt.days


def read_stays(data: Path) -> tuple[pd.DataFrame, int, int]:
    files = sorted((data / "shelter_stays").glob("*.csv"))
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False).assign(file=f.stem) for f in files]
    stays = pd.concat(frames, ignore_index=True)
    stays[["shelter_id", "period"]] = stays["file"].str.split("_", n=1, expand=True)
    quarter_start = pd.PeriodIndex(stays["period"].unique(), freq="Q")
    cutoff = int((quarter_start.max().end_time.normalize() - pd.Timestamp("1970-01-01")).days)
    data_start = int((quarter_start.min().start_time - pd.Timestamp("1970-01-01")).days)
    stays = stays.sort_values("period").drop_duplicates(["shelter_id", "stay_id"], keep="last")
    stays["entry"] = days(stays["entry_date"])
    stays["exit"] = days(stays["exit_date"].replace("", None))
    return stays, data_start, cutoff


def episodes_of(stays: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    s = stays.assign(ends=stays["exit"].fillna(cutoff + 1))
    s = s.sort_values(["person_key", "entry", "ends", "shelter_id", "stay_id"])
    reach = s.groupby("person_key")["ends"].cummax()
    previous_reach = reach.groupby(s["person_key"]).shift()
    s["episode"] = (previous_reach.isna() | (s["entry"] > previous_reach + 1)).cumsum()
    grouped = s.groupby("episode")
    last = s.sort_values(["episode", "ends", "entry", "stay_id"]).drop_duplicates("episode", keep="last")
    return pd.DataFrame({
        "first_entry": grouped["entry"].min(),
        "exit": grouped["exit"].max().where(~s["exit"].isna().groupby(s["episode"]).any()),
        "destination": last.set_index("episode")["exit_destination"],
        "municipality_code": last.set_index("episode")["municipality_code"],
    })


def nights_of(stays: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    n = stays.assign(first=stays["entry"], last=stays["exit"].fillna(cutoff + 1) - 1)
    n = n[n["last"] >= n["first"]].sort_values(["person_key", "first", "last", "shelter_id", "stay_id"])
    earlier = n.groupby("person_key")["last"].cummax().groupby(n["person_key"]).shift()
    n["first"] = np.maximum(n["first"], (earlier + 1).fillna(n["first"]))
    return n[n["first"] <= n["last"]]


def main(data: str) -> dict:
    started = time.perf_counter()
    stays, data_start, cutoff = read_stays(Path(data))
    episodes = episodes_of(stays, cutoff)
    nights = nights_of(stays, cutoff)
    exits = episodes[episodes["exit"].notna() & (episodes["destination"] != "deceased")]
    national, municipal = {}, []
    for year in range(pd.Timestamp(data_start, unit="D").year, pd.Timestamp(cutoff + 1, unit="D").year):
        start = int((pd.Timestamp(f"{year}-01-01") - pd.Timestamp("1970-01-01")).days)
        end = int((pd.Timestamp(f"{year}-12-31") - pd.Timestamp("1970-01-01")).days)
        if start < data_start or end > cutoff:
            continue
        active = stays[(stays["entry"] <= end) & (stays["exit"].isna() | (stays["exit"] >= start))]
        night_count = (np.minimum(nights["last"], end) - np.maximum(nights["first"], start) + 1).clip(lower=0)
        in_year = exits[exits["exit"].between(start, end)]
        long_, housed = (in_year["exit"] - in_year["first_entry"] > 90), in_year["destination"].isin(HOUSING)
        per_municipality = pd.DataFrame({
            "persons_in_shelter": active.groupby("municipality_code")["person_key"].nunique(),
            "bed_nights": night_count.groupby(nights["municipality_code"]).sum(),
            "episodes_over_90_days_share": long_.groupby(in_year["municipality_code"]).mean(),
            "exits_to_housing_share": housed.groupby(in_year["municipality_code"]).mean(),
        }).assign(year=year)
        municipal.append(per_municipality)
        national[str(year)] = {"persons_in_shelter": int(active["person_key"].nunique()),
                               "bed_nights": int(night_count.sum()),
                               "episodes_over_90_days_share": float(long_.mean()),
                               "exits_to_housing_share": float(housed.mean())}
    municipal_rows = int(sum(len(frame) for frame in municipal))
    return {"seconds": time.perf_counter() - started, "national": national, "municipal_rows": municipal_rows}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
