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
            "create table ccc.predictive_dialing_campaigns (campaignid bigint, name varchar, status bigint, "
            "priority bigint, expectedabandonrate bigint, _sdc_extracted_at timestamp, _sdc_deleted_at varchar)"
        )
        db.execute(
            "insert into ccc.predictive_dialing_campaigns values "
            "(1, 'old run', 4, 1, 5, '2026-11-27 10:00:00', null), "
            "(2, 'a', 1, 2, 10, '2026-11-28 13:52:40', null), (3, 'b', 0, 3, 20, '2026-11-28 13:52:41', null)"
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


def test_a_lost_row_fails_loudly(warehouse):
    done = summary(warehouse, 3)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "summary: the tap emitted 3 record(s) in its last run, but ccc.predictive_dialing_campaigns "
        "holds 2 row(s) from that run: the loader lost rows"
    )
