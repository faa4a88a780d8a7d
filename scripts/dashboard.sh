#!/usr/bin/env bash
# The campaigns dashboard (dashboard/, Streamlit) over the dbt marts, on 127.0.0.1 and a free port
# (or --port N). It reads output/warehouse.duckdb, the file the demo writes (or --duckdb FILE), or
# PostgreSQL with --postgres (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). Stop it with Ctrl-C.
#   bash scripts/dashboard.sh [--duckdb FILE | --postgres] [--port N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
bash scripts/setup.sh
port=""
export CCC_DASHBOARD_WAREHOUSE=${CCC_DASHBOARD_WAREHOUSE:-duckdb}
export CCC_DASHBOARD_DUCKDB=${CCC_DASHBOARD_DUCKDB:-output/warehouse.duckdb}
while [ $# -gt 0 ]; do
  case "$1" in
    --duckdb) CCC_DASHBOARD_WAREHOUSE=duckdb; CCC_DASHBOARD_DUCKDB=$2; shift 2 ;;
    --postgres) CCC_DASHBOARD_WAREHOUSE=postgres; shift ;;
    --port) port=$2; shift 2 ;;
    *) echo "dashboard: unknown argument $1 (see the head of $0)" >&2; exit 2 ;;
  esac
done
if [ "$CCC_DASHBOARD_WAREHOUSE" = duckdb ] && [ ! -f "$CCC_DASHBOARD_DUCKDB" ]; then
  echo "dashboard: $CCC_DASHBOARD_DUCKDB does not exist: run bash scripts/demo.sh first" >&2
  exit 1
fi
[ -n "$port" ] || port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
source=$CCC_DASHBOARD_WAREHOUSE
[ "$source" = duckdb ] && source="$source $CCC_DASHBOARD_DUCKDB"
echo "dashboard: http://127.0.0.1:$port/ (figures from $source; Ctrl-C stops it)"
exec .venv/bin/streamlit run dashboard/app.py \
  --server.address 127.0.0.1 --server.port "$port" --server.headless true \
  --browser.gatherUsageStats false --global.developmentMode false --server.fileWatcherType none \
  --client.toolbarMode minimal
