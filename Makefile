# Two commands for a fresh machine (Python 3.11, pip, make):
#   make run    install pinned dependencies, run the whole pipeline on sample_data/
#   make test   install pinned dependencies, run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install run test browser postgres ui lock sample-data benchmark clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/hfmon run

test: install browser postgres
	$(BIN)/python -m pytest

# The report tests open pages in Debian's Chromium (no browser download: the machines are offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "Chromium is missing and could not be installed: apt-get install chromium" >&2; exit 1; }

# The production-profile test starts a throwaway PostgreSQL server from Debian's package.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
	  || { echo "PostgreSQL is missing and could not be installed: apt-get install postgresql" >&2; exit 1; }

# The Dagster UI on the same definitions and settings as `hfmon run` (telemetry off).
ui: install
	DAGSTER_HOME=$$($(BIN)/python -m pipelines.settings dagster-home) $(BIN)/dg dev

# Benchmarks at 1x, 10x and 100x the national scale; writes the table in benchmarks/README.md
# (about 30 minutes; landing folders are generated once into /tmp/hfmon-benchmarks).
benchmark: install
	$(BIN)/python -m benchmarks.run --scales 1 10 100

# Re-create sample_data/ (deterministic: the same seed gives the same files).
sample-data: install
	rm -rf sample_data/reference sample_data/shelter_stays sample_data/interventions sample_data/homeless_count
	$(BIN)/hfmon generate --out sample_data --start 2021 --end 2026 --cutoff 2026-09-30 --seed 2026 --faults

lock: install
	{ echo "# Exact versions the project is tested with. Regenerate: make lock"; \
	  $(BIN)/python -m pip freeze --all --exclude-editable | grep -vE "^(hfmon|pip)=="; } > requirements.lock

clean:
	rm -rf $(VENV) hfmon-home
