"""The demo's summary: figures per status from the dbt mart, terminal charts, and a loud failure on a lost row."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "warehouse_summary.py"

# (campaign_id, name, status_label, is_deleted, calls, answered, abandoned, not_answered, failed,
#  expected_abandon_rate_pct, talk_seconds, callee_count, finished_callee_count, completion_pct,
#  sessions, sessions_without_call_record)
MART = [
    (1, "old", None, True, 0, 0, 0, 0, 0, None, 0, None, None, None, 0, 0),
    (2, "a", "running", False, 40, 20, 10, 5, 5, 10, 2000, 100, 50, 50.0, 40, 0),
    (3, "b", "running", False, 0, 0, 0, 0, 0, 30, 0, 20, 0, 0.0, 0, 0),
    (4, "c", "finished", False, 4, 3, 1, 0, 0, 5, 300, 4, 4, 100.0, 30, 26),
]


@pytest.fixture
def warehouse(tmp_path) -> str:
    path = str(tmp_path / "w.duckdb")
    with duckdb.connect(path) as db:
        db.execute("create schema ccc")
        db.execute(
            "create table ccc.predictive_dialing_campaigns (sdkappid bigint, campaignid bigint, "
            "_sdc_extracted_at timestamp, _sdc_deleted_at timestamp)"
        )
        db.execute(
            "insert into ccc.predictive_dialing_campaigns values (7, 1, '2026-11-27 10:00:00', '2026-11-28 13:52:40'), "
            "(7, 2, '2026-11-28 13:52:40', null), (7, 3, '2026-11-28 13:52:41', null), (7, 4, '2026-11-28 13:52:41', null)"
        )
        db.execute("create schema analytics")
        db.execute(
            "create table analytics.ccc_campaign_performance (campaign_id bigint, campaign_name varchar, "
            "status_label varchar, is_deleted boolean, calls bigint, answered bigint, abandoned bigint, "
            "not_answered bigint, failed bigint, expected_abandon_rate_pct integer, talk_seconds bigint, "
            "callee_count integer, finished_callee_count integer, completion_pct decimal(9, 2), "
            "sessions bigint, sessions_without_call_record bigint)"
        )
        db.executemany(
            "insert into analytics.ccc_campaign_performance values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            MART,
        )
    return path


def summary(warehouse: str, emitted: int) -> subprocess.CompletedProcess:
    state = {
        "bookmarks": {
            "predictive_dialing_campaigns": {
                "last_sync": {"started_at": "2026-11-28T13:52:39+00:00", "emitted": emitted}
            }
        }
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), warehouse, json.dumps({"singer_state": state})],
        capture_output=True,
        text=True,
        check=False,
    )


def line(output: str, start: str, after: int = 0) -> str:
    lines = output.splitlines()
    return next(text for text in lines[after:] if text.startswith(start))


def test_rows_of_the_last_run_equal_to_what_was_emitted_pass(warehouse):
    done = summary(warehouse, 3)
    assert done.returncode == 0, done.stderr
    assert ": 4 campaigns (1 deleted), 70 call sessions, 44 call records, modelled by dbt" in done.stdout


def test_each_status_line_adds_up_its_campaigns_from_the_mart(warehouse):
    out = summary(warehouse, 3).stdout
    # campaigns, calls, answered, abandon % (over picked up), expected % (mean), avg talk s, completion %
    assert line(out, "running").split()[1:] == ["2", "40", "20", "33.3", "20.0", "100", "41.7"]
    assert line(out, "finished").split()[1:] == ["1", "4", "3", "25.0", "5.0", "100", "100.0"]
    assert line(out, "deleted").split()[1:] == ["1", "0", "0", "-", "-", "-", "-"]


def test_outcomes_are_drawn_as_one_bar_per_status_split_in_proportion(warehouse):
    out = summary(warehouse, 3).stdout
    chart = out.splitlines().index(next(t for t in out.splitlines() if t.startswith("Call outcomes")))
    bar = line(out, "running", chart).split()[1]
    assert (bar.count("█"), bar.count("▓"), bar.count("▒"), bar.count("░")) == (20, 10, 5, 5)
    assert "deleted" not in "\n".join(out.splitlines()[chart:])  # no calls, no bar


def test_completion_bars_fill_in_proportion_for_the_campaigns_with_most_calls(warehouse):
    out = summary(warehouse, 3).stdout
    top = out.splitlines()[
        out.splitlines().index(next(t for t in out.splitlines() if t.startswith("Completion"))) + 1 :
    ]
    assert [t.split()[-2] for t in top] == ["2", "4", "3"]  # by calls, deleted campaigns left out
    assert top[0].split()[0:2] == ["50.0%", "█" * 10 + "░" * 10]


def test_a_lost_row_fails_loudly(warehouse):
    done = summary(warehouse, 4)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "summary: the tap emitted 4 record(s) in its last run, but ccc.predictive_dialing_campaigns "
        "holds 3 row(s) from that run: the loader lost rows"
    )


def test_the_header_shows_sessions_beside_call_records_and_those_without_one(warehouse):
    out = summary(warehouse, emitted=3).stdout
    assert ": 4 campaigns (1 deleted), 70 call sessions, 44 call records" in out
    assert line(out, "26 sessions have no call record: calls older than the 180 days DescribeTelCdr returns")
