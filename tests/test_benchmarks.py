"""The benchmark still works (CI runs it at a tiny scale only; the real runs are in benchmarks/README.md).
It runs the floor, the pandas baseline and the whole pipeline in child processes, checks that pandas
and the pipeline compute the same core figures, and writes its table."""

from __future__ import annotations

import subprocess
import sys


def test_benchmark_runs_at_a_tiny_scale(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nBefore.\n\n<!-- results: start -->\nold\n<!-- results: end -->\n\nBetween.\n\n"
                      "<!-- incremental: start -->\nold\n<!-- incremental: end -->\n\nAfter.\n")
    result = subprocess.run([sys.executable, "-m", "benchmarks.run", "--scales", "0.05", "--work", str(tmp_path),
                             "--readme", str(readme)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    text = readme.read_text()
    assert text.startswith("# Benchmarks\n\nBefore.") and text.rstrip().endswith("After.") and "\nold\n" not in text
    assert "<!-- results: end -->\n\nBetween.\n\n<!-- incremental: start -->" in text
    row = next(line for line in text.splitlines() if line.startswith("| 0.05×"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert int(cells[1].replace(",", "")) > 1000          # rows read
    assert all(float(c) > 0 for c in cells[2:17])          # every time and ratio, the four figures' too
    assert cells[17] == "109"                              # every page rendered
    assert "Machine:" in text and "cores" in text
    incremental = next(line for line in text.splitlines() if line.startswith("| 0.05×") and "of" in line)
    assert "identical (EXCEPT both ways)" in incremental      # the quarter's run gives the full run's figures
