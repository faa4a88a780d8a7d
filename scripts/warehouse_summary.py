"""Print what the demo loaded: campaigns by status, from the DuckDB file."""

from __future__ import annotations

import sys

import duckdb

STATUS = {0: "not started", 1: "running", 2: "paused", 3: "aborted", 4: "finished"}


def main(path: str) -> None:
    with duckdb.connect(path, read_only=True) as db:
        table = "ccc.predictive_dialing_campaigns"
        total, distinct = db.execute(f"select count(*), count(distinct campaignid) from {table}").fetchone()
        print(f"\n{path}: {table} holds {total} rows for {distinct} campaigns\n")
        print(f"{'Status':<14}{'campaigns':>10}{'avg priority':>14}{'avg abandon %':>15}")
        rows = db.execute(
            f"select status, count(*), avg(priority), avg(expectedabandonrate) from {table} group by 1 order by 1"
        ).fetchall()
        for status, count, priority, abandon in rows:
            print(f"{STATUS.get(status, status):<14}{count:>10}{priority:>14.1f}{abandon:>15.1f}")
        print("\nA few names, as loaded:")
        for campaign_id, name in db.execute(
            f"select campaignid, name from {table} order by campaignid limit 6"
        ).fetchall():
            print(f"  {campaign_id}  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/warehouse.duckdb")
