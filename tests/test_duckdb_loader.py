"""The DuckDB loader Meltano installs keeps every record, with metadata columns on.

target-duckdb 0.8.0 stages a batch as CSV and COPYs it without a header option; from
DuckDB 1.3 the sniffer takes the first row of such a batch for a header whenever the
records carry time_extracted (as singer-sdk's do) and metadata columns are on. These
records make the broken versions drop a row every time (seen with DuckDB 2.0.1).
"""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest
from ccc_emulator.data import CampaignStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.schema import load_schema
from tests.meltano import meltano, plugin_executable

pytestmark = pytest.mark.slow
STREAM = "predictive_dialing_campaigns"


@pytest.fixture(scope="module")
def target_duckdb():
    meltano("install", "loader", "target-duckdb", env={})
    return plugin_executable("loaders", "target-duckdb")


def singer_lines(store: CampaignStore) -> str:
    lines = [
        {"type": "SCHEMA", "stream": STREAM, "schema": load_schema(), "key_properties": ["SdkAppId", "CampaignId"]}
    ]
    for cid in store.ids():
        record = {**store.campaign(cid), "SdkAppId": store.sdk_app_id}
        lines.append(
            {"type": "RECORD", "stream": STREAM, "record": record, "time_extracted": "2026-11-28T13:00:00.123456+00:00"}
        )
    return "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(1, 40), first_id=st.integers(1, 10**6), seed=st.integers(0, 1000))
def test_every_record_becomes_a_row(target_duckdb, tmp_path_factory, count, first_id, seed):
    work = tmp_path_factory.mktemp("duckdb")
    config = {"filepath": str(work / "w.duckdb"), "default_target_schema": "ccc", "add_metadata_columns": True}
    (work / "config.json").write_text(json.dumps(config))
    store = CampaignStore(count=count, first_id=first_id, seed=seed)
    done = subprocess.run(
        [str(target_duckdb), "--config", str(work / "config.json")],
        input=singer_lines(store),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with duckdb.connect(config["filepath"], read_only=True) as db:
        loaded = [row[0] for row in db.execute(f"select campaignid from ccc.{STREAM} order by 1").fetchall()]
    assert loaded == list(store.ids())
