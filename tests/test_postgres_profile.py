"""The production profile for real: a throwaway PostgreSQL server (Debian's package, started here),
Dagster's run and event storage in it, and the whole pipeline run with that storage."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

import pytest

from tests.test_operations import SNAPSHOT

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def as_server_user(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: use the package's postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture()
def postgres_url():
    if not INITDB:
        pytest.fail("PostgreSQL is needed for this test: `make test` installs it (apt-get install postgresql)")
    bin_dir = os.path.dirname(INITDB[-1])
    data = tempfile.mkdtemp(prefix="hfmon-pg-", dir="/tmp")
    os.chmod(data, 0o700)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(as_server_user(f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "--auth=trust"),
                   check=True, capture_output=True)
    subprocess.run(as_server_user(f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", f"{data}/server.log", "-o",
                                  f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    try:
        subprocess.run(as_server_user(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                      "dagster"), check=True, capture_output=True)
        # dagster-postgres is written for psycopg2; SQLAlchemy 2.1 would pick psycopg 3 for "postgresql://".
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/dagster"
    finally:
        subprocess.run(as_server_user(f"{bin_dir}/pg_ctl", "-D", data, "-m", "fast", "stop"), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def test_pipeline_runs_with_postgres_storage(small_landing, tmp_path, postgres_url):
    import psycopg2

    env = {**os.environ, "HFMON_PROFILE": "production", "HFMON_POSTGRES_URL": postgres_url}
    home = tmp_path / "home"
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(small_landing),
                             "--home", str(home)], capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    config = (home / "dagster" / "dagster.yaml").read_text()
    assert "postgres_url" in config and "max_concurrent_runs: 1" in config and "127.0.0.1" not in config
    with psycopg2.connect(postgres_url.replace("+psycopg2", "")) as conn, conn.cursor() as cursor:
        cursor.execute("select status from runs")
        assert [row[0] for row in cursor.fetchall()] == ["SUCCESS"]
        cursor.execute("select count(distinct asset_key) from event_logs "
                       "where dagster_event_type = 'ASSET_MATERIALIZATION'")
        materialised = cursor.fetchone()[0]
    assert materialised == len(json.loads(SNAPSHOT.read_text())["assets"])   # every asset, recorded in PostgreSQL
    assert not list((home / "dagster").rglob("runs.db")), "nothing stored in the local SQLite files"


def test_production_profile_without_a_database_says_what_to_set(tmp_path, small_landing):
    env = {**os.environ, "HFMON_PROFILE": "production"}
    env.pop("HFMON_POSTGRES_URL", None)
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "run", "--data", str(small_landing),
                             "--home", str(tmp_path)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2 and "HFMON_POSTGRES_URL" in result.stderr and "Traceback" not in result.stderr
