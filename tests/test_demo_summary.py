"""The demo's summary refuses a table that holds fewer rows than the tap emitted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "warehouse_summary.py"


@pytest.fixture
def warehouse(tmp_path) -> str:
    path = str(tmp_path / "w.duckdb")
    with duckdb.connect(path) as db:
        db.execute("create schema ccc")
        db.execute(
            "create table ccc.predictive_dialing_campaigns (sdkappid bigint, campaignid bigint, name varchar, "
            "status bigint, priority bigint, expectedabandonrate bigint, _sdc_extracted_at timestamp, "
            "_sdc_deleted_at varchar)"
        )
        db.execute(
            "insert into ccc.predictive_dialing_campaigns values "
            "(7, 1, 'old run', 4, 1, 5, '2026-11-27 10:00:00', null), "
            "(7, 2, 'a', 1, 2, 10, '2026-11-28 13:52:40', null), (7, 3, 'b', 0, 3, 20, '2026-11-28 13:52:41', null)"
        )
        db.execute(
            "create table ccc.predictive_dialing_calls (sdkappid bigint, campaignid bigint, sessionid varchar, "
            "accepttimestamp bigint, duration bigint)"
        )
        db.execute(
            "insert into ccc.predictive_dialing_calls values (7, 2, 's1', 100, 30), (7, 2, 's2', 0, 0), "
            "(7, 2, 's3', 200, 90), (7, 1, 's4', 0, 0)"
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


def test_rows_of_the_last_run_equal_to_what_was_emitted_pass(warehouse):
    done = summary(warehouse, 2)
    assert done.returncode == 0, done.stderr
    assert "holds 3 rows for 3 campaigns (0 marked deleted)" in done.stdout


def test_each_status_line_counts_its_campaigns_calls_answered_and_average_talk(warehouse):
    lines = summary(warehouse, 2).stdout.splitlines()
    assert next(line for line in lines if line.startswith("running")).split()[-3:] == ["3", "2", "60"]
    assert next(line for line in lines if line.startswith("finished")).split()[-3:] == ["1", "0", "-"]
    assert next(line for line in lines if line.startswith("not started")).split()[-3:] == ["0", "0", "-"]


def test_a_lost_row_fails_loudly(warehouse):
    done = summary(warehouse, 3)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "summary: the tap emitted 3 record(s) in its last run, but ccc.predictive_dialing_campaigns "
        "holds 2 row(s) from that run: the loader lost rows"
    )
