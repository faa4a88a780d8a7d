#!/usr/bin/env bash
# The demo, from a fresh clone with only Python: set up, start the local CCC emulator,
# run `meltano run tap-ccc-campaign target-duckdb dbt-duckdb:build` in the demo environment
# (tap -> DuckDB file -> dbt models and tests), stop the emulator, and print a summary
# queried from the dbt marts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
bash scripts/setup.sh
# Meltano's install log is long: keep it, and show it only if the install fails.
for plugin in "extractor tap-ccc-campaign" "loader target-duckdb" "utility dbt-duckdb"; do
  # shellcheck disable=SC2086 # the kind and the name are two words on purpose
  .venv/bin/meltano install $plugin >.meltano-install.log 2>&1 || { cat .meltano-install.log >&2; exit 1; }
done
mkdir -p output

work=$(mktemp -d)
.venv/bin/ccc-emulator --port 0 --port-file "$work/port" --campaigns 100 --latency-ms 20 >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/emulator.log" >&2; echo "demo: the emulator did not start" >&2; exit 1; }
echo "demo: $(head -1 "$work/emulator.log")"

# State without its warehouse (the file was deleted): start over, or the sync would skip what is
# no longer there.
[ -f output/warehouse.duckdb ] ||
  .venv/bin/meltano --environment=demo state clear --force demo:tap-ccc-campaign-to-target-duckdb >/dev/null 2>&1 || true

TAP_CCC_CAMPAIGN_API_URL="http://127.0.0.1:$(cat "$work/port")" \
  .venv/bin/meltano --environment=demo run tap-ccc-campaign target-duckdb dbt-duckdb:build
# The tap's own count of what it emitted, from the state Meltano kept, checked against the table.
state=$(.venv/bin/meltano --environment=demo state get demo:tap-ccc-campaign-to-target-duckdb 2>/dev/null)
.venv/bin/python scripts/warehouse_summary.py output/warehouse.duckdb "$state"
echo
echo "The dashboard over these marts: bash scripts/dashboard.sh   (serves it on 127.0.0.1, prints its address)"
