"""A Dagster logger that shows one short line per finished step, for people running `hfmon run`."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg


class StepProgress(logging.Handler):
    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}
        self.done = 0

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[event.step_key] = time.monotonic()
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            self.done += 1
            seconds = time.monotonic() - self.started.get(event.step_key, time.monotonic())
            mark = "ok    " if kind == "STEP_SUCCESS" else "FAILED"
            print(f"  [{self.done:>2}] {mark} {event.step_key:<28} {seconds:6.1f} s", file=self.stream, flush=True)


@dg.logger(description="One line per finished step (used by `hfmon run`).")
def step_progress(_init_context) -> logging.Logger:
    logger = logging.getLogger("hfmon.progress")
    logger.handlers = [StepProgress()]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger
