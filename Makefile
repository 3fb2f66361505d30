# Everyday commands. Each one creates .venv and installs the project first when needed
# (scripts/run.sh --install-only: reinstalls only when pyproject.toml changed).
#
#   make run               set up and start web + worker + beat on http://127.0.0.1:8000/ (PORT=...)
#   make test              the whole test suite (PYTEST_ARGS="-x -k sign_in" to narrow it)
#   make journeys          the browser journey suite alone (tests/browser); JOURNEY_SCREENSHOTS=1 keeps every step
#   make lint              ruff check + ruff format --check
#   make format            apply ruff's fixes and formatting
#   make migrations-check  fail if a model change has no migration
#   make translations      compile locale/*/LC_MESSAGES/*.po
#   make ci                what CI runs (.ci/run: PostgreSQL, Redis, lint, checks, tests)

VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Two test processes: one per core. Each gets its own test database (test_<name>_gw0, _gw1).
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install run test journeys test-tools lint format migrations-check translations ci

help:
	@sed -n 's/^#   //p' Makefile

install:
	@scripts/run.sh --install-only

run:
	@scripts/run.sh

test: install translations test-tools
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

journeys: install translations test-tools
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(PYTEST_WORKERS) tests/browser $(PYTEST_ARGS)

test-tools:
	@scripts/test_tools.sh

translations: install
	@$(BIN)/python scripts/compile_translations.py

ci:
	CI=true bash .ci/run

# --- Benchmark (issue #8) -------------------------------------------------------------------------
#   make bench             seed a million orders into PostgreSQL (gendan_bench) and measure every page
#                          against the floor with wrk; BENCH_ORDERS=50000 for a quick try (bench/README.md)
.PHONY: bench
bench: install
	$(BIN)/python bench/run.py
