"""The DuckDB loader Meltano installs keeps every record, with metadata columns on.

target-duckdb 0.8.0 stages a batch as CSV and COPYs it without a header option; from
DuckDB 1.3 the sniffer takes the first row of such a batch for a header whenever the
records carry time_extracted (as singer-sdk's do) and metadata columns are on. These
records make the broken versions drop a row every time (seen with DuckDB 2.0.1).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest
from ccc_emulator.data import CampaignStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.validation import load_schema
from tests.meltano import meltano, plugin_executable

pytestmark = pytest.mark.slow
STREAM = "predictive_dialing_campaigns"


@pytest.fixture(scope="module")
def target_duckdb():
    meltano("install", "loader", "target-duckdb", env={})
    return plugin_executable("loaders", "target-duckdb")


def singer_lines(store: CampaignStore, schema: dict | None = None) -> str:
    schema = schema or load_schema()
    lines = [{"type": "SCHEMA", "stream": STREAM, "schema": schema, "key_properties": ["SdkAppId", "CampaignId"]}]
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


MIGRATE = Path(__file__).resolve().parent.parent / "scripts" / "migrate_duckdb_widths.py"


def without_widths(schema: dict) -> dict:
    """The schema as it was before integers carried their width: no maximum, so target-duckdb chose HUGEINT."""
    properties = {
        name: {k: v for k, v in spec.items() if k != "maximum"} for name, spec in schema["properties"].items()
    }
    return {**schema, "properties": properties}


def load(target_duckdb, work: Path, lines: str) -> None:
    config = {"filepath": str(work / "w.duckdb"), "default_target_schema": "ccc", "add_metadata_columns": True}
    (work / "config.json").write_text(json.dumps(config))
    done = subprocess.run(
        [str(target_duckdb), "--config", str(work / "config.json")],
        input=lines,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def column_types(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as db:
        found = db.execute(
            "select column_name, data_type from information_schema.columns where table_name = ?", [STREAM]
        )
        return dict(found.fetchall())


def test_a_warehouse_loaded_before_the_widths_is_migrated_in_place_and_keeps_loading(target_duckdb, tmp_path):
    load(target_duckdb, tmp_path, singer_lines(CampaignStore(count=5), without_widths(load_schema())))
    assert column_types(tmp_path / "w.duckdb")["campaignid"] == "HUGEINT"

    # With the loader's own Python and DuckDB, as README says.
    python = target_duckdb.with_name("python")
    migrated = subprocess.run([str(python), str(MIGRATE), str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    assert "predictive_dialing_campaigns.campaignid: HUGEINT -> BIGINT" in migrated.stdout
    again = subprocess.run([str(python), str(MIGRATE), str(tmp_path / "w.duckdb")], capture_output=True, text=True)
    assert "nothing to do" in again.stdout

    store = CampaignStore(count=8)  # the same five campaigns and three more
    load(target_duckdb, tmp_path, singer_lines(store))
    types = column_types(tmp_path / "w.duckdb")
    assert (types["campaignid"], types["starttime"], types["priority"]) == ("BIGINT", "BIGINT", "INTEGER")
    assert not [name for name in types if name.endswith(tuple("0123456789"))], "the loader versioned a column"
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as db:
        loaded = [row[0] for row in db.execute(f"select campaignid from ccc.{STREAM} order by 1").fetchall()]
    assert loaded == list(store.ids())


def test_every_stream_loads_twice_with_the_loaders_default_settings(target_duckdb, tmp_path, start_emulator):
    from tests.helpers import sync_in_process, tap_config

    store = CampaignStore(count=15, callees=10, history_days=60, seed=4)
    emulator = start_emulator(store=store, rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000)
    del config["campaign_ids"]
    streams = ["predictive_dialing_campaigns", "predictive_dialing_campaign_progress"]
    streams += ["predictive_dialing_sessions", "predictive_dialing_calls"]
    loader = {"filepath": str(tmp_path / "w.duckdb"), "default_target_schema": "ccc"}  # add_metadata_columns: false
    (tmp_path / "loader.json").write_text(json.dumps(loader))
    state = None
    for _ in range(2):
        messages = sync_in_process(config, state=state, streams=streams)
        state = [m["value"] for m in messages if m["type"] == "STATE"][-1]
        done = subprocess.run(
            [str(target_duckdb), "--config", str(tmp_path / "loader.json")],
            input="\n".join(json.dumps(m, ensure_ascii=False) for m in messages) + "\n",
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    sessions = {s for cid in store.ids() for s in store.sessions(cid)}
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as db:
        got = dict(db.execute('select "SessionId", "CampaignId" from ccc.predictive_dialing_sessions').fetchall())
        calls = db.execute("select count(*) from ccc.predictive_dialing_calls").fetchone()[0]
        campaigns = db.execute("select count(*) from ccc.predictive_dialing_campaigns").fetchone()[0]
    assert set(got) == sessions
    assert calls == len(sessions)
    assert campaigns == store.count
