#!/usr/bin/env bash
# The demo, from a fresh clone with only Python: set up, start the local CCC emulator,
# run `meltano run tap-ccc-campaign target-duckdb` in the demo environment, stop the
# emulator, and print a summary queried back from the DuckDB file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export MELTANO_SEND_ANONYMOUS_USAGE_STATS=false
.venv/bin/meltano install extractor tap-ccc-campaign >/dev/null 2>&1 || .venv/bin/meltano install extractor tap-ccc-campaign
.venv/bin/meltano install loader target-duckdb >/dev/null 2>&1 || .venv/bin/meltano install loader target-duckdb
mkdir -p output

work=$(mktemp -d)
.venv/bin/ccc-emulator --port 0 --port-file "$work/port" --campaigns 100 --latency-ms 20 >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/emulator.log" >&2; echo "demo: the emulator did not start" >&2; exit 1; }
echo "demo: $(head -1 "$work/emulator.log")"

TAP_CCC_CAMPAIGN_API_URL="http://127.0.0.1:$(cat "$work/port")" \
  .venv/bin/meltano --environment=demo run tap-ccc-campaign target-duckdb
.venv/bin/python scripts/warehouse_summary.py output/warehouse.duckdb
