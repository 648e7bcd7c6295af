"""Runs started by new or changed deliveries in the landing folder.

A file counts as changed when its content hash changes (a touched but identical file does not);
the run key is made from the changed files' hashes, so the same content never starts two runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.jobs import everything_job
from pipelines.resources import LandingFolder

WATCHED = ("reference", "shelter_stays", "interventions", "homeless_count")


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landing_changes(root: Path, known: dict) -> tuple[dict, dict]:
    """(files with new content: path -> sha256, the new cursor). Unchanged size and mtime: not re-hashed."""
    seen, changed = {}, {}
    for folder in WATCHED:
        for path in sorted((root / folder).glob("*")) if (root / folder).is_dir() else []:
            if not path.is_file() or path.name.startswith("."):
                continue
            name, stat = path.relative_to(root).as_posix(), path.stat()
            size, mtime, sha = known.get(name, (None, None, None))
            if (size, mtime) != (stat.st_size, stat.st_mtime_ns):
                try:
                    sha = file_hash(path)
                except OSError:     # unreadable: the run refuses it with a reason; the sensor goes on
                    sha = f"unreadable-{stat.st_size}-{stat.st_mtime_ns}"
            seen[name] = (stat.st_size, stat.st_mtime_ns, sha)
            if known.get(name, (None, None, None))[2] != sha:
                changed[name] = sha
    return changed, seen


@dg.sensor(job=everything_job, minimum_interval_seconds=60,
           description="Starts the pipeline when a delivery in the landing folder is new or its content changed.")
def landing_folder_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder):
    known = {k: tuple(v) for k, v in json.loads(context.cursor or "{}").items()}
    changed, seen = landing_changes(Path(landing.path), known)
    context.update_cursor(json.dumps(seen))
    if not changed:
        return dg.SkipReason("no new or changed deliveries")
    key = hashlib.sha256("\n".join(f"{n}:{s}" for n, s in sorted(changed.items())).encode()).hexdigest()[:32]
    return dg.RunRequest(run_key=f"landing-{key}", tags={"hfmon/changed_files": str(len(changed))})
