"""Print how the demo's campaigns are doing, from the dbt marts in the DuckDB file, with terminal charts.

    warehouse_summary.py FILE [SINGER_STATE_JSON]

Given the state the tap left (what `meltano state get` prints), it first checks that the loaded
table holds one row for every record the last run emitted, and fails loudly when it does not: a
loader that drops rows must never go unnoticed.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from itertools import accumulate

import duckdb

STATUSES = ("not started", "running", "paused", "aborted", "finished")
OUTCOMES = (("answered", "█"), ("abandoned", "▓"), ("not_answered", "▒"), ("failed", "░"))
BAR = 40


def check_rows(db: duckdb.DuckDBPyConnection, state_json: str) -> None:
    table = "ccc.predictive_dialing_campaigns"
    state = json.loads(state_json)
    last_sync = state.get("singer_state", state)["bookmarks"]["predictive_dialing_campaigns"]["last_sync"]
    started = datetime.fromisoformat(last_sync["started_at"]).replace(tzinfo=None)  # the loader stores naive UTC
    (loaded,) = db.execute(f"select count(*) from {table} where _sdc_extracted_at >= ?", [started]).fetchone()
    if loaded != last_sync["emitted"]:
        raise SystemExit(
            f"summary: the tap emitted {last_sync['emitted']} record(s) in its last run, "
            f"but {table} holds {loaded} row(s) from that run: the loader lost rows"
        )


def stacked_bar(counts: list[int], width: int = BAR) -> str:
    """One character per 1/width of the total, each outcome's share rounded so the bar is always full."""
    total = sum(counts)
    if total == 0:
        return ""
    bar, done = "", 0
    for (_, mark), seen in zip(OUTCOMES, accumulate(counts), strict=True):
        end = round(width * seen / total)
        bar += mark * (end - done)
        done = end
    return bar


def share_bar(percent: float | None, width: int = 20) -> str:
    filled = round(width * float(percent or 0) / 100)
    return "█" * filled + "░" * (width - filled)


def _figure(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(path: str, state_json: str | None = None) -> None:
    with duckdb.connect(path, read_only=True) as db:
        if state_json:
            check_rows(db, state_json)
        mart = "analytics.ccc_campaign_performance"
        campaigns, deleted, calls, sessions, without = db.execute(
            f"select count(*), count(*) filter (where is_deleted), coalesce(sum(calls), 0), sum(sessions), "
            f"sum(sessions_without_call_record) from {mart}"
        ).fetchone()
        listed = f"{sessions} call sessions, " if sessions is not None else ""
        print(
            f"\n{path}: {campaigns} campaigns ({deleted} deleted), {listed}{calls} call records, modelled by dbt in analytics.*"
        )
        if without:
            print(
                f"{without} sessions have no call record: calls older than the 180 days DescribeTelCdr returns, or "
                "not readable yet (analytics.ccc_campaign_performance.sessions_without_call_record)"
            )
        print()

        by_status = db.execute(
            f"""
            select coalesce(status_label, 'deleted'), count(*), sum(calls), sum(answered), sum(abandoned),
                   sum(not_answered), sum(failed),
                   100.0 * sum(abandoned) / nullif(sum(answered) + sum(abandoned), 0),
                   avg(expected_abandon_rate_pct),
                   sum(talk_seconds) / nullif(sum(answered), 0),
                   100.0 * sum(finished_callee_count) / nullif(sum(callee_count), 0)
            from {mart}
            group by 1
            """
        ).fetchall()
        rows = sorted(by_status, key=lambda r: STATUSES.index(r[0]) if r[0] in STATUSES else len(STATUSES))
        print(
            f"{'Status':<12}{'campaigns':>10}{'calls':>8}{'answered':>10}{'abandon %':>11}{'expected %':>12}"
            f"{'avg talk s':>12}{'completion %':>14}"
        )
        for status, count, n, answered, _, _, _, rate, expected, talk, completion in rows:
            print(
                f"{status:<12}{count:>10}{n:>8}{answered:>10}{_figure(rate, '.1f'):>11}"
                f"{_figure(expected, '.1f'):>12}{_figure(talk, '.0f'):>12}{_figure(completion, '.1f'):>14}"
            )

        legend = "  ".join(f"{mark} {name.replace('_', ' ')}" for name, mark in OUTCOMES)
        print(f"\nCall outcomes per status ({legend})")
        for status, _, n, *counts in (r[:7] for r in rows):
            if n:
                print(f"{status:<12}{stacked_bar(list(counts))}  {n}")

        top = db.execute(
            f"""
            select campaign_id, campaign_name, completion_pct, calls from {mart}
            where not is_deleted order by calls desc, campaign_id limit 8
            """
        ).fetchall()
        print("\nCompletion of the campaigns with the most calls (finished callees of all callees)")
        for campaign_id, name, completion, n in top:
            print(f"{_figure(completion, '5.1f'):>6}% {share_bar(completion)} {n:>5} calls  {campaign_id}  {name}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/warehouse.duckdb", sys.argv[2] if len(sys.argv) > 2 else None)
