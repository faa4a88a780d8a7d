#!/usr/bin/env bash
# Creates .venv with the tap, the emulator, Meltano, the test tools and the dashboard (Streamlit). Idempotent and
# quick when nothing changed; needs only python3 (3.11+) on the PATH.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed
inputs=$(cat pyproject.toml emulator/pyproject.toml requirements-dev.txt dashboard/requirements.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$inputs" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]" -e "./emulator[testing]" -r requirements-dev.txt -r dashboard/requirements.txt
  echo "$inputs" > "$stamp"
fi
