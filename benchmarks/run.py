"""The benchmark: landing folders at 1x, 10x and 100x the national scale, the pipeline against
the floors (DuckDB reading the files once; storing them once) and the baseline (pandas), a table
in README.md.

    python -m benchmarks.run                          # 1x, 10x, 100x (about 35 minutes)
    python -m benchmarks.run --scales 0.05 --readme /tmp/x.md    # what CI runs

Each measurement runs in its own process, so its peak memory (RSS) is its own. Landing folders
are generated once into --work and reused while the generator's parameters are the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks import incremental
from benchmarks.stages import STAGES
from pipelines import synthetic
from pipelines.synthetic import DEFAULT_PERSONS

README = Path(__file__).parent / "README.md"
GENERATE = ["--seed", "2026", "--start", "2021", "--end", "2026", "--cutoff", "2026-09-30"]
CORE_INDICATORS = ["persons_in_shelter", "bed_nights", "episodes_over_90_days_share", "exits_to_housing_share"]
TABLE_START, TABLE_END = "<!-- results: start -->", "<!-- results: end -->"
INCREMENTAL_START, INCREMENTAL_END = "<!-- incremental: start -->", "<!-- incremental: end -->"


@dataclass
class Measured:
    seconds: float
    peak_rss: int
    output: dict


def measure(module: str, *args: str) -> Measured:
    """Run `python -m module args` as a child; its wall time, its own peak RSS and its JSON."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"benchmark step {module} failed (exit {child.returncode}); its output is above")
    return Measured(time.perf_counter() - started, usage.ru_maxrss * 1024, json.loads(output))


def generator_version() -> str:
    """A change to the generator's code makes new landing folders."""
    sources = sorted(Path(synthetic.__file__).parent.glob("*.py"))
    return "\n" + hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()


def landing_folder(work: Path, scale: float) -> Path:
    folder = work / f"landing-{scale:g}x"
    persons = max(1, round(DEFAULT_PERSONS * scale))
    stamp = " ".join(["--persons", str(persons), *GENERATE])
    marker = folder / ".generated-with"
    if not (marker.exists() and marker.read_text() == stamp + generator_version()):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pipelines.cli", "generate", "--out", str(folder), *stamp.split()],
                       check=True)
        marker.write_text(stamp + generator_version())
    return folder


def pipeline_figures(home: Path) -> dict:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        rows = conn.execute("""
            select period, indicator, value from indicators
            where level = 'national' and breakdown = '' and length(period) = 4 and indicator in ?
        """, [CORE_INDICATORS]).fetchall()
    figures: dict = {}
    for period, indicator, value in rows:
        figures.setdefault(period, {})[indicator] = value
    return figures


def disagreements(pipeline: dict, baseline: dict) -> list[str]:
    """Where pandas and the pipeline compute a different national figure (they must not)."""
    return [f"{year} {name}: pipeline {pipeline.get(year, {}).get(name)} vs pandas {value}"
            for year, values in baseline.items() for name, value in values.items()
            if pipeline.get(year, {}).get(name) is None or abs(pipeline[year][name] - value) > 1e-9 * max(1, abs(value))]


def bench_scale(work: Path, scale: float, with_incremental: bool) -> dict:
    print(f"\n== {scale:g}x: landing folder", file=sys.stderr, flush=True)
    data = landing_folder(work, scale)
    home = work / f"home-{scale:g}x"
    shutil.rmtree(home, ignore_errors=True)
    print(f"== {scale:g}x: floors (DuckDB count(*) over the files, then storing them)", file=sys.stderr, flush=True)
    floor = measure("benchmarks.floor", str(data))
    print(f"== {scale:g}x: pandas baseline", file=sys.stderr, flush=True)
    baseline = measure("benchmarks.pandas_baseline", str(data))
    print(f"== {scale:g}x: pipeline (hfmon_job)", file=sys.stderr, flush=True)
    pipeline = measure("benchmarks.stages", str(data), str(home))
    if not pipeline.output["success"]:
        raise SystemExit(f"the pipeline run at {scale:g}x failed; see {home}")
    differ = disagreements(pipeline_figures(home), baseline.output["national"])
    if differ:
        raise SystemExit("pandas and the pipeline disagree:\n  " + "\n  ".join(differ))
    # Like for like: the pipeline's own indicator units for the baseline's four figures, on its warehouse.
    four = measure("benchmarks.indicator_units", str(home / "warehouse.duckdb"), "--only", *CORE_INDICATORS, "--json")
    result = {"scale": scale, "rows": floor.output["rows"], "floor": floor, "baseline": baseline, "pipeline": pipeline,
              "four": four,
              "bytes": sum(f.stat().st_size for f in data.rglob("*.csv"))}
    if with_incremental:
        print(f"== {scale:g}x: incremental runs (last quarter held back, then added, then nothing new, then one corrected row)",
              file=sys.stderr, flush=True)
        result["incremental"] = incremental.bench_incremental(work, data, scale, home, measure)
    return result


def gib(n: int) -> str:
    return f"{n / 2**30:.2f}"


def table(results: list[dict]) -> str:
    head = ["scale", "rows read", "floor s", "store floor s", "pandas s", *[f"{s} s" for s in STAGES], "pipeline s",
            "ingest→indicators s", "÷ floor", "÷ store floor", "pandas ÷ it", "its 4 figures s", "pandas ÷ its 4",
            "pages", "peak RSS GiB (pipeline / pandas)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        stages = r["pipeline"].output["stages"]
        core = sum(stages[s]["seconds"] for s in ("ingest", "validation", "model", "indicators"))
        floor, store = r["floor"].output["seconds"], r["floor"].output["store_seconds"]
        lines.append("| " + " | ".join([
            f"{r['scale']:g}×", f"{r['rows']:,}", f"{floor:.1f}", f"{store:.1f}", f"{r['baseline'].output['seconds']:.1f}",
            *[f"{stages[s]['seconds']:.1f}" for s in STAGES], f"{r['pipeline'].output['total_seconds']:.1f}",
            f"{core:.1f}", f"{core / floor:.1f}", f"{core / store:.1f}", f"{r['baseline'].output['seconds'] / core:.2f}",
            f"{r['four'].output['seconds']:.2f}", f"{r['baseline'].output['seconds'] / r['four'].output['seconds']:.1f}",
            str(r["pipeline"].output["pages"]),
            f"{gib(r['pipeline'].peak_rss)} / {gib(r['baseline'].peak_rss)}"]) + " |")
    peaks = ["", "Peak RSS per stage (GiB): " + "; ".join(
        f"{r['scale']:g}×: " + ", ".join(f"{s} {gib(r['pipeline'].output['stages'][s]['peak_rss'])}" for s in STAGES)
        for r in results)]
    return "\n".join(lines + peaks)


def machine() -> str:
    cpus = os.cpu_count()
    memory = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1]) * 1024
    return (f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {cpus} cores, {gib(memory)} GiB RAM, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
            f"DuckDB memory limit {os.environ.get('HFMON_DUCKDB_MEMORY', '2GB')}")


def replace_block(text: str, start: str, end: str, block: str) -> str:
    if start not in text:
        return text.rstrip() + f"\n\n{start}\n{block}\n{end}\n"
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    return before + f"{start}\n{block}\n{end}" + after


def write_readme(path: Path, results: list[dict]) -> None:
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{TABLE_START}\n{TABLE_END}\n"
    text = replace_block(text, TABLE_START, TABLE_END, f"Machine: {machine()}.\n\n{table(results)}")
    measured = [r for r in results if "incremental" in r]
    if measured:
        text = replace_block(text, INCREMENTAL_START, INCREMENTAL_END,
                             f"Machine: {machine()}.\n\n{incremental.table(measured)}")
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 100],
                        help="multiples of the national scale (7,000 persons a year); default 1 10 100")
    parser.add_argument("--work", type=Path, default=Path("/tmp/hfmon-benchmarks"),
                        help="where landing folders and warehouses go (default /tmp/hfmon-benchmarks)")
    parser.add_argument("--readme", type=Path, default=README, help="file whose results table is replaced")
    parser.add_argument("--no-incremental", action="store_true",
                        help="skip the incremental runs (four more pipeline runs per scale)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = [bench_scale(args.work, scale, not args.no_incremental) for scale in args.scales]
    write_readme(args.readme, results)
    print(table(results))
    if any("incremental" in r for r in results):
        print(incremental.table([r for r in results if "incremental" in r]))
    print(f"\nwritten to {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
