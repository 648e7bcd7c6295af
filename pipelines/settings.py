"""Where the pipeline reads and writes, and the switches that keep it offline.

One place for every path, so `hfmon`, `dagster dev` and the tests agree:
- the landing folder: `--data`, else `$HFMON_DATA_DIR`, else the repository's `sample_data/`;
- the home folder: `--home`, else `$HFMON_HOME`, else `./hfmon-home` (git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOME_NAME = "hfmon-home"

# Dagster writes telemetry to $DAGSTER_HOME/logs and `dagster dev` uploads it; this config turns
# both off (engineering notes §3), and the UI's "Join the Dagster community" pop-up (nux), which
# links out. GX 1.x makes no calls, but its switch costs nothing. The run queue admits one run at a
# time, because DuckDB allows one writer per warehouse file: runs from the UI, sensor and schedules
# wait their turn (and every run also takes the warehouse's writer lock, pipelines/writer_lock.py).
RUN_QUEUE = """\
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
    tag_concurrency_limits:
      - key: hfmon/duckdb-writer
        limit: 1
"""
DAGSTER_YAML = """\
telemetry:
  enabled: false
nux:
  enabled: false
""" + RUN_QUEUE
# The production profile (HFMON_PROFILE=production): runs and events in PostgreSQL, so several
# machines and the daemon share one history (engineering notes §5).
PRODUCTION_YAML = DAGSTER_YAML + """\
storage:
  postgres:
    postgres_url:
      env: HFMON_POSTGRES_URL
"""
PROFILES = {"local": DAGSTER_YAML, "production": PRODUCTION_YAML}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    home_dir: Path

    @classmethod
    def resolve(cls, data: str | os.PathLike | None = None, home: str | os.PathLike | None = None) -> "Settings":
        data_dir = Path(data or os.environ.get("HFMON_DATA_DIR") or REPO_ROOT / "sample_data")
        home_dir = Path(home or os.environ.get("HFMON_HOME") or Path.cwd() / DEFAULT_HOME_NAME)
        return cls(data_dir=data_dir.resolve(), home_dir=home_dir.resolve())

    @property
    def warehouse(self) -> Path:
        return self.home_dir / "warehouse.duckdb"

    @property
    def duckdb_memory_limit(self) -> str:
        """DuckDB's memory cap (`HFMON_DUCKDB_MEMORY`, default 2GB): peak RSS stays under 4 GB at 100x."""
        return os.environ.get("HFMON_DUCKDB_MEMORY", "2GB")

    @property
    def max_volume_drop(self) -> float:
        """How far a core table may shrink in one run (`HFMON_MAX_VOLUME_DROP`, a share, default 0.25)."""
        text = os.environ.get("HFMON_MAX_VOLUME_DROP", "0.25")
        try:
            share = float(text.replace(",", "."))
        except ValueError:
            share = -1
        if not 0 <= share <= 1:
            raise ValueError(f"HFMON_MAX_VOLUME_DROP must be a share from 0 to 1 (e.g. 0.25), not {text!r}")
        return share

    @property
    def published_dir(self) -> Path:
        return self.home_dir / "published"

    @property
    def dagster_home(self) -> Path:
        return self.home_dir / "dagster"

    def export_to_environment(self) -> None:
        """Make `pipelines.definitions` (imported later, or by `dagster dev`) see these paths."""
        os.environ["HFMON_DATA_DIR"] = str(self.data_dir)
        os.environ["HFMON_HOME"] = str(self.home_dir)


@cache
def code_version(*parts: str) -> str:
    """sha256 of the code figures are computed with: the Python, SQL and templates of the given
    folders or files of the repository (default: all four packages). A run after an upgrade never
    counts as "nothing new"."""
    digest = hashlib.sha256()
    for part in parts or ("pipelines", "assets", "checks", "reports"):
        root = REPO_ROOT / part
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.suffix in (".py", ".sql", ".html", ".csv") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepare_offline_environment(settings: Settings) -> Path:
    """Create the Dagster instance folder with telemetry off (and, in the production profile,
    PostgreSQL storage and a one-writer run queue), and point Dagster and GX at it."""
    profile = os.environ.get("HFMON_PROFILE", "local")
    if profile not in PROFILES:
        raise ValueError(f"HFMON_PROFILE must be one of {', '.join(PROFILES)}, not {profile!r}")
    if profile == "production" and not os.environ.get("HFMON_POSTGRES_URL"):
        raise ValueError("the production profile needs HFMON_POSTGRES_URL="
                         "postgresql+psycopg2://user:password@host:port/database")
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != PROFILES[profile]:
        config.write_text(PROFILES[profile])
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
    quiet_libraries()
    return settings.dagster_home


def quiet_libraries() -> None:
    """GX analytics off: GX 1.x makes no calls, but the switch costs nothing."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


if __name__ == "__main__":  # `python -m pipelines.settings dagster-home` (used by `make ui`)
    if sys.argv[1:] == ["dagster-home"]:
        settings = Settings.resolve()
        settings.export_to_environment()
        print(prepare_offline_environment(settings))
    else:
        sys.exit("usage: python -m pipelines.settings dagster-home")
