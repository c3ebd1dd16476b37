# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PEOPLE ?= 5000
SEED ?= 42
export DAGSTER_DISABLE_TELEMETRY := 1
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export PYTHONHASHSEED := 0

.PHONY: demo test test-fast dev lint format bench bench-accuracy clean check-java

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + ")")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,demo]'
	touch $(STAMP)

check-java:
	@if [ "$${IDENTITY_ENGINE:-spark}" = "spark" ] && ! command -v java >/dev/null 2>&1; then \
	  echo "Java 17+ is required for the Spark engine but 'java' was not found."; \
	  echo "Install it (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17),"; \
	  echo "or run on one machine without Spark: IDENTITY_ENGINE=duckdb make demo"; \
	  exit 1; \
	fi

demo: $(STAMP) check-java
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/identity generate --people $(PEOPLE) --out $${IDENTITY_LANDING_DIR:-landing} --seed $(SEED)
	$(BIN)/identity run --landing $${IDENTITY_LANDING_DIR:-landing} --warehouse $${IDENTITY_WAREHOUSE_DIR:-warehouse} \
	  --engine $${IDENTITY_ENGINE:-spark} --truth $${IDENTITY_LANDING_DIR:-landing}/truth.csv

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The quick tier for development: no Spark session and no end-to-end runs of the job, one
# pytest worker per core (each test module stays on one worker, so its fixtures are built once).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -m "not slow and not spark" -q -n auto --dist loadscope

dev: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || printf 'telemetry:\n  enabled: false\n' > $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $${DAGSTER_PORT:-3000}

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m identity_bench.scale

bench-accuracy: $(STAMP)
	$(BIN)/python -m identity_bench.accuracy

clean:
	rm -rf landing warehouse .dagster_home spark-warehouse
