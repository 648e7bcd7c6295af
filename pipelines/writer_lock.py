"""One writer per warehouse, whatever starts the run.

DuckDB lets one process write a database file; a second run that starts while the first writes
fails half-way with `Could not set lock on file`, after it has replaced some tables. So every run
takes `<home>/warehouse.lock` (an exclusive `flock`, released by the kernel when the process ends,
so a killed run leaves no stale lock) before it writes anything: `hfmon run` before it starts the
job, a run from the UI, the sensor or a schedule when its warehouse resource starts. The file says
who holds it, so the one that is refused can say whom to wait for. (The Dagster run queue admits
one run at a time as well; this lock is what also holds `hfmon run` and a second machine's runs.)
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path

# Locks this process holds, by path: the job's resource re-enters the lock `hfmon run` took.
_HELD: dict[str, int] = {}


class WarehouseBusy(Exception):
    """Another run holds the warehouse; the message says who, since when, and what to do."""


def lock_path(home: Path) -> Path:
    return Path(home) / "warehouse.lock"


def acquire(home: Path, run_id: str = "") -> bool:
    """Take the warehouse's lock for this process; False when this process already held it.
    Raises WarehouseBusy when another process holds it."""
    path = lock_path(home)
    key = str(path.resolve()) if path.exists() else str(path.absolute())
    if key in _HELD:
        if run_id:
            _write(_HELD[key], {**_read(_HELD[key]), "run_id": run_id})
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read(fd)
        os.close(fd)
        raise WarehouseBusy(busy_message(Path(home), holder)) from None
    _HELD[key] = fd
    _write(fd, {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds"), "run_id": run_id})
    return True


def release(home: Path) -> None:
    path = lock_path(home)
    fd = _HELD.pop(str(path.resolve()), None)
    if fd is not None:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def busy_message(home: Path, holder: dict) -> str:
    since = holder.get("started", "")
    when = datetime.fromisoformat(since).strftime("%H:%M on %d-%m-%Y") if since else "an unknown time"
    run = f", run id {holder['run_id']}" if holder.get("run_id") else ""
    return (f"another run is writing {home} since {when} (process {holder.get('pid', '?')}{run}); "
            "wait for it to finish, or stop it, and run again")


def _write(fd: int, holder: dict) -> None:
    text = json.dumps(holder).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, text, 0)


def _read(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}
