#!/usr/bin/env bash
# Runs every test from a fresh clone: sets up .venv, lints and type-checks, runs the fast suite, then the
# slow end-to-end suite (Meltano, DuckDB, PostgreSQL, the installed console script, the dashboard
# in Chromium).
# Extra arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
bash scripts/setup.sh
bash scripts/ensure_postgres.sh
bash scripts/ensure_chromium.sh
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy
.venv/bin/python -m pytest -m "not slow" "$@"
.venv/bin/python -m pytest -m slow "$@"
