"""Runs started by a change to what the landing folder delivers.

What the folder delivers is summed up in one digest (`assets.delivery_files.landing_digest`): every
delivery's (dataset, provider, period) with its content's sha256, and every reference file's
content. So a touched but identical file, or a resubmission renamed with the same content
(`S017_2024-Q3_rettet.csv`), changes nothing, while any content change does, a return to an
earlier content (B -> C -> B) included.

- The cursor is small: the digest last asked for and how many runs the sensor has asked for.
- Switched on with no cursor, the sensor starts from the digest the last run read
  (`<home>/landing_read.json`, written by `delivery_files`), so an already-processed folder starts
  nothing.
- Files are re-hashed only when their size or mtime changed; that cache lives in the home folder
  (`<home>/sensor/file_hashes.json`), not in the cursor, so the tick history stays readable.
- The run is tagged with the digest the tick saw; `delivery_files` records whether it read the
  same folder or a newer one.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from assets.delivery_files import DIGEST_TAG, file_hash, landing_digest, read_digest_record
from pipelines.jobs import everything_job
from pipelines.resources import HomeFolder, LandingFolder


def hashed_files(root: Path, cache_path: Path) -> dict[str, str]:
    """path relative to `root` -> sha256 of every file the digest covers; unchanged size and mtime
    are taken from the cache."""
    try:
        cache = json.loads(cache_path.read_text())
    except (OSError, ValueError):
        cache = {}
    hashes, fresh = {}, {}
    for folder in ("reference", "shelter_stays", "interventions", "homeless_count"):
        for path in sorted((root / folder).glob("*")) if (root / folder).is_dir() else []:
            if not path.is_file() or path.name.startswith("."):
                continue
            name, stat = path.relative_to(root).as_posix(), path.stat()
            size, mtime, sha = cache.get(name, (None, None, None))
            if (size, mtime) != (stat.st_size, stat.st_mtime_ns):
                try:
                    sha = file_hash(path)
                except OSError:     # unreadable: the run refuses it with a reason; the sensor goes on
                    sha = f"unreadable-{stat.st_size}-{stat.st_mtime_ns}"
            fresh[name] = (stat.st_size, stat.st_mtime_ns, sha)
            hashes[name] = sha
    if fresh != cache:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(fresh))
        temporary.replace(cache_path)
    return hashes


@dg.sensor(job=everything_job, minimum_interval_seconds=60,
           description="Starts the pipeline when what the landing folder delivers changed (by content, not "
                       "by name or time stamp).")
def landing_folder_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder, home: HomeFolder):
    state = json.loads(context.cursor) if context.cursor else {
        "digest": read_digest_record(home.root()).get("digest"), "runs": 0}
    root = Path(landing.path)
    if not root.is_dir():
        return dg.SkipReason(f"landing folder {root} not found")
    digest = landing_digest(hashed_files(root, home.root() / "sensor" / "file_hashes.json"))
    if digest == state["digest"]:
        context.update_cursor(json.dumps(state))
        return dg.SkipReason("no delivery is new or changed since the last run")
    runs = state["runs"] + 1
    context.update_cursor(json.dumps({"digest": digest, "runs": runs}))
    # The count makes a return to an earlier content a new run; replaying a tick gives the same key.
    return dg.RunRequest(run_key=f"landing-{runs}-{digest[:16]}", tags={DIGEST_TAG: digest})
