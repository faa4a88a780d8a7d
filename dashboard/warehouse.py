"""The marts the dashboard shows, read from the DuckDB file or the PostgreSQL database dbt built them in.

Every query reads one mart of transform/models/marts as dbt built it (schema `analytics`); the casts only
give both warehouses the same column types (DuckDB's HUGEINT sums and both warehouses' numerics become
plain integers and floats). The one aggregate, call outcomes per campaign, day and outcome, counts the
rows of ccc_call_outcomes (one per call), so that a year of calls is not sent to the browser.

Where it reads (environment variables, also Meltano settings of the `ccc-dashboard` utility):
  CCC_DASHBOARD_WAREHOUSE  duckdb (default) or postgres
  CCC_DASHBOARD_DUCKDB     the DuckDB file (default: output/warehouse.duckdb under the working directory)
  CCC_DASHBOARD_SCHEMA     the schema the marts are in (default: analytics)
  PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE   the PostgreSQL server, as libpq reads them
"""

from __future__ import annotations

import os
import re

import pandas as pd

ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def schema() -> str:
    name = os.environ.get("CCC_DASHBOARD_SCHEMA", "analytics")
    if not ID.match(name):
        raise ValueError(f"CCC_DASHBOARD_SCHEMA is not a plain identifier: {name!r}")
    return name


def kind() -> str:
    value = os.environ.get("CCC_DASHBOARD_WAREHOUSE", "duckdb").strip().lower()
    if value not in ("duckdb", "postgres"):
        raise ValueError(f"CCC_DASHBOARD_WAREHOUSE must be duckdb or postgres, not {value!r}")
    return value


def duckdb_path() -> str:
    return os.environ.get("CCC_DASHBOARD_DUCKDB", "output/warehouse.duckdb")


def describe() -> str:
    """Where the figures come from, for the page footer."""
    if kind() == "postgres":
        host = os.environ.get("PGHOST", "localhost")
        return f"PostgreSQL {host}:{os.environ.get('PGPORT', '5432')}/{os.environ.get('PGDATABASE', '')}, schema {schema()}"
    return f"DuckDB {duckdb_path()}, schema {schema()}"


def query(sql: str) -> pd.DataFrame:
    """Runs one query; the DuckDB file is opened read-only for that query only, so a sync can write
    to it between two page loads."""
    sql = sql.replace("{schema}", schema())
    if kind() == "postgres":
        import psycopg

        with psycopg.connect() as db, db.cursor() as cursor:
            cursor.execute(sql)
            columns = [c.name for c in cursor.description]
            return pd.DataFrame(cursor.fetchall(), columns=columns)
    import duckdb

    path = duckdb_path()
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist: run the demo (bash scripts/demo.sh) or your pipeline first")
    with duckdb.connect(path, read_only=True) as db:
        return db.execute(sql).df()


PERFORMANCE = """
select
    campaign_key, cast(sdk_app_id as varchar) as sdk_app_id, campaign_id, campaign_name, status_label, is_deleted,
    cast(sessions as bigint) as sessions,
    cast(sessions_without_call_record as bigint) as sessions_without_call_record,
    cast(calls as bigint) as calls,
    cast(answered as bigint) as answered,
    cast(abandoned as bigint) as abandoned,
    cast(not_answered as bigint) as not_answered,
    cast(failed as bigint) as failed,
    cast(pick_up_rate_pct as double precision) as pick_up_rate_pct,
    cast(abandon_rate_pct as double precision) as abandon_rate_pct,
    cast(expected_abandon_rate_pct as double precision) as expected_abandon_rate_pct,
    cast(abandon_rate_over_expected_pct as double precision) as abandon_rate_over_expected_pct,
    cast(avg_talk_seconds as double precision) as avg_talk_seconds,
    cast(avg_ring_seconds as double precision) as avg_ring_seconds,
    callee_count, finished_callee_count,
    cast(completion_pct as double precision) as completion_pct,
    first_call_at, last_call_at
from {schema}.ccc_campaign_performance
"""

COMPLIANCE = """
select
    cast(t.sdk_app_id as varchar) as sdk_app_id, t.campaign_id, t.campaign_key, p.campaign_name, t.called_on,
    cast(t.picked_up as bigint) as picked_up,
    cast(t.abandoned as bigint) as abandoned,
    cast(t.abandon_rate_pct as double precision) as abandon_rate_pct,
    cast(t.picked_up_30d as bigint) as picked_up_30d,
    cast(t.abandoned_30d as bigint) as abandoned_30d,
    cast(t.abandon_rate_30d_pct as double precision) as abandon_rate_30d_pct,
    cast(t.limit_pct as double precision) as limit_pct,
    cast(t.expected_abandon_rate_pct as double precision) as expected_abandon_rate_pct,
    t.day_over_limit, t.rolling_30d_over_limit
from {schema}.ccc_abandon_rate_compliance as t
left join {schema}.ccc_campaign_performance as p on p.campaign_key = t.campaign_key
"""

OUTCOMES = """
select
    cast(sdk_app_id as varchar) as sdk_app_id, campaign_id, campaign_key, called_on, outcome,
    cast(count(*) as bigint) as calls,
    cast(sum(talk_seconds) as bigint) as talk_seconds
from {schema}.ccc_call_outcomes
group by sdk_app_id, campaign_id, campaign_key, called_on, outcome
"""

DAILY_PROGRESS = """
select
    cast(sdk_app_id as varchar) as sdk_app_id, campaign_id, campaign_key, campaign_name, observed_on,
    callee_count, finished_callee_count,
    cast(completion_pct as double precision) as completion_pct
from {schema}.ccc_campaign_daily_progress
"""

OCCUPANCY = """
select
    cast(t.sdk_app_id as varchar) as sdk_app_id, t.campaign_id, t.campaign_key, p.campaign_name, t.called_on,
    cast(t.agents as bigint) as agents,
    cast(t.logged_in_seconds as bigint) as logged_in_seconds,
    cast(t.busy_seconds as bigint) as busy_seconds,
    cast(t.free_seconds as bigint) as free_seconds,
    cast(t.after_call_work_seconds as bigint) as after_call_work_seconds,
    cast(t.busy_share_pct as double precision) as busy_share_pct,
    cast(t.free_share_pct as double precision) as free_share_pct,
    cast(t.after_call_work_share_pct as double precision) as after_call_work_share_pct,
    cast(t.picked_up as bigint) as picked_up,
    cast(t.abandoned as bigint) as abandoned,
    cast(t.abandon_rate_pct as double precision) as abandon_rate_pct,
    cast(t.expected_abandon_rate_pct as double precision) as expected_abandon_rate_pct
from {schema}.ccc_agent_occupancy as t
left join {schema}.ccc_campaign_performance as p on p.campaign_key = t.campaign_key
"""

AUTO_CALLOUT = """
select
    cast(sdk_app_id as varchar) as sdk_app_id, task_id, task_name, state_label,
    cast(callees as bigint) as callees,
    cast(answered as bigint) as answered,
    cast(not_answered as bigint) as not_answered,
    cast(pending as bigint) as pending,
    cast(retried as bigint) as retried,
    cast(attempts as bigint) as attempts,
    cast(reached_rate_pct as double precision) as reached_rate_pct,
    cast(calls as bigint) as calls,
    cast(calls_picked_up as bigint) as calls_picked_up
from {schema}.ccc_auto_callout_performance
"""

MARTS = {
    "performance": PERFORMANCE,
    "compliance": COMPLIANCE,
    "outcomes": OUTCOMES,
    "daily_progress": DAILY_PROGRESS,
    "occupancy": OCCUPANCY,
    "auto_callout": AUTO_CALLOUT,
}
