"""Child process: one whole `hfmon_job` run, timed and measured per stage.

The job runs exactly as `hfmon run` runs it (one process, in-process executor). A sampler thread
reads this process's resident memory every 20 ms; Dagster's own step events give each step's
start and end, so each stage's wall time is the sum of its steps and its peak is the highest
sample while one of its steps ran (DuckDB works inside this process, so its memory counts).

    python -m benchmarks.stages DATA HOME      prints one JSON object
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

# Asset groups → the stages.
STAGE_OF_GROUP = {"reference": "ingest", "ingest": "ingest", "validate": "validation", "core": "validation",
                  "model": "model", "indicators": "indicators", "mission": "indicators", "publish": "publish"}
STAGES = ["ingest", "validation", "model", "indicators", "publish"]


def resident_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class MemorySampler(threading.Thread):
    def __init__(self, every: float = 0.02):
        super().__init__(daemon=True)
        self.every, self.samples, self.stopped = every, [], threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.time(), resident_bytes()))
            time.sleep(self.every)

    def peak(self, start: float, end: float) -> int:
        return max((rss for t, rss in self.samples if start <= t <= end), default=0)


def stage_of_step(step_key: str, groups: dict[str, str]) -> str:
    """An asset's step is named after the asset; a check's step starts with its asset's name."""
    asset = max((name for name in groups if step_key == name or step_key.startswith(name + "_")), key=len)
    return STAGE_OF_GROUP[groups[asset]]


def main(data: str, home: str) -> dict:
    from pipelines.settings import Settings, prepare_offline_environment
    settings = Settings.resolve(data, home)
    settings.export_to_environment()
    prepare_offline_environment(settings)
    import dagster as dg

    from pipelines.definitions import build_definitions

    sampler = MemorySampler()
    sampler.start()
    started = time.time()
    with dg.DagsterInstance.get() as instance:
        defs = build_definitions(settings)
        job = defs.resolve_job_def("hfmon_job")
        graph = defs.resolve_asset_graph()
        groups = {"__".join(node.key.path): node.group_name for node in graph.asset_nodes}
        result = job.execute_in_process(instance=instance, raise_on_error=False,
                                        run_config={"loggers": {"step_progress": {}}})
        ended = time.time()
        windows: dict[str, list[tuple[float, float]]] = {stage: [] for stage in STAGES}
        starts = {}
        for record in instance.all_logs(result.run_id):
            event = record.dagster_event
            if event is None or not event.step_key:
                continue
            if event.event_type_value == "STEP_START":
                starts[event.step_key] = record.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                windows[stage_of_step(event.step_key, groups)].append((starts[event.step_key], record.timestamp))
    sampler.stopped.set()
    sampler.join()
    return {
        "success": result.success,
        "total_seconds": ended - started,
        "peak_rss": sampler.peak(started, ended),
        "stages": {stage: {"seconds": sum(end - start for start, end in spans),
                           "peak_rss": max((sampler.peak(start, end) for start, end in spans), default=0)}
                   for stage, spans in windows.items()},
        "pages": len(list(settings.published_dir.rglob("*.html"))),
    }


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:3])))
