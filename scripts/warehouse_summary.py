"""Print what the demo loaded: campaigns by status with their calls, from the DuckDB file.

    warehouse_summary.py FILE [SINGER_STATE_JSON]

Given the state the tap left (what `meltano state get` prints), it first checks that the table
holds one row for every record the last run emitted, and fails loudly when it does not: a loader
that drops rows must never go unnoticed.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import duckdb

STATUS = {0: "not started", 1: "running", 2: "paused", 3: "aborted", 4: "finished"}


def check_rows(db: duckdb.DuckDBPyConnection, table: str, state_json: str) -> None:
    state = json.loads(state_json)
    last_sync = state.get("singer_state", state)["bookmarks"]["predictive_dialing_campaigns"]["last_sync"]
    started = datetime.fromisoformat(last_sync["started_at"]).replace(tzinfo=None)  # the loader stores naive UTC
    (loaded,) = db.execute(f"select count(*) from {table} where _sdc_extracted_at >= ?", [started]).fetchone()
    if loaded != last_sync["emitted"]:
        raise SystemExit(
            f"summary: the tap emitted {last_sync['emitted']} record(s) in its last run, "
            f"but {table} holds {loaded} row(s) from that run: the loader lost rows"
        )


def main(path: str, state_json: str | None = None) -> None:
    with duckdb.connect(path, read_only=True) as db:
        table = "ccc.predictive_dialing_campaigns"
        if state_json:
            check_rows(db, table, state_json)
        total, distinct, deleted = db.execute(
            f"select count(*), count(distinct campaignid), count(_sdc_deleted_at) from {table}"
        ).fetchone()
        print(f"\n{path}: {table} holds {total} rows for {distinct} campaigns ({deleted} marked deleted)\n")
        print(
            f"{'Status':<14}{'campaigns':>10}{'avg priority':>14}{'avg abandon %':>15}"
            f"{'calls':>8}{'answered':>10}{'avg talk s':>12}"
        )
        # Calls per campaign status: answered means the callee picked up (AcceptTimestamp > 0).
        rows = db.execute(
            f"""
            with calls as (
                select sdkappid, campaignid, count(*) as calls,
                       count(*) filter (where accepttimestamp > 0) as answered,
                       sum(duration) filter (where accepttimestamp > 0) as talk
                from ccc.predictive_dialing_calls group by 1, 2
            )
            select c.status, count(*), avg(c.priority), avg(c.expectedabandonrate),
                   coalesce(sum(k.calls), 0), coalesce(sum(k.answered), 0),
                   sum(k.talk) / nullif(sum(k.answered), 0)
            from {table} c left join calls k using (sdkappid, campaignid)
            where c._sdc_deleted_at is null group by 1 order by 1
            """
        ).fetchall()
        for status, count, priority, abandon, calls, answered, talk in rows:
            print(
                f"{STATUS.get(status, status):<14}{count:>10}{priority:>14.1f}{abandon:>15.1f}"
                f"{calls:>8}{answered:>10}{(f'{talk:.0f}' if talk is not None else '-'):>12}"
            )
        print("\nA few names, as loaded:")
        for campaign_id, name in db.execute(
            f"select campaignid, name from {table} order by campaignid limit 6"
        ).fetchall():
            print(f"  {campaign_id}  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/warehouse.duckdb", sys.argv[2] if len(sys.argv) > 2 else None)
