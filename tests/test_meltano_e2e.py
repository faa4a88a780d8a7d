"""The real pipeline: `meltano run` from the emulator into DuckDB and PostgreSQL, queried back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import psycopg
import pytest
import yaml
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.schema import load_schema
from tests import postgres

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
MELTANO = str(Path(sys.executable).with_name("meltano"))
COLUMNS = list(load_schema()["properties"])


def meltano(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {**os.environ, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false", **env}
    done = subprocess.run(
        [MELTANO, *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done


@pytest.fixture(scope="module")
def installed() -> None:
    meltano("install", env={})


@pytest.fixture
def pipeline_env(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=60))
    ids = list(emulator.store.ids())
    env = {
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS": json.dumps(ids),
        "MELTANO_STATE_BACKEND_URI": f"file://{tmp_path}/state",
        "TARGET_DUCKDB_FILEPATH": str(tmp_path / "warehouse.duckdb"),
    }
    return emulator, ids, env


def expected_rows(emulator, ids):
    return {cid: {**emulator.store.campaign(cid), "SdkAppId": emulator.store.sdk_app_id} for cid in ids}


def test_meltano_run_into_duckdb_twice_leaves_one_row_per_campaign_equal_to_the_api(installed, pipeline_env, tmp_path):
    emulator, ids, env = pipeline_env
    for _ in range(2):
        meltano("--environment=demo", "run", "tap-ccc-campaign", "target-duckdb", env=env)
    with duckdb.connect(env["TARGET_DUCKDB_FILEPATH"], read_only=True) as db:
        cursor = db.execute(f"select {', '.join(c.lower() for c in COLUMNS)} from ccc.predictive_dialing_campaigns")
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    assert sorted(r["CampaignId"] for r in rows) == ids
    expected = expected_rows(emulator, ids)
    for row in rows:
        row["Variables"] = json.loads(row["Variables"])
        want = expected[row["CampaignId"]]
        # target-duckdb loads an empty string as NULL (its CSV staging); every other value is exact.
        want = {**want, "UUI": want["UUI"] or None}
        assert row == want


def test_meltano_run_into_postgres_twice_leaves_one_row_per_campaign_equal_to_the_api(installed, pipeline_env):
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    emulator, ids, env = pipeline_env
    with postgres.running_server(bin_dir) as server:
        for _ in range(2):
            meltano("--environment=demo", "run", "tap-ccc-campaign", "target-postgres", env={**env, **server.env()})
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
            quoted = ", ".join(f'"{c}"' for c in COLUMNS)
            cursor = db.execute(f"select {quoted} from ccc.predictive_dialing_campaigns")
            rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    assert sorted(r["CampaignId"] for r in rows) == ids
    expected = expected_rows(emulator, ids)
    for row in rows:
        assert row == expected[row["CampaignId"]]


def test_meltano_config_lists_every_setting_with_its_description(installed):
    # Meltano 4 spells it `config list PLUGIN` (older releases: `config PLUGIN list`).
    listing = meltano("config", "list", "tap-ccc-campaign", "--all", env={}).stdout
    definition = yaml.safe_load((ROOT / "plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml").read_text())
    for setting in definition["settings"]:
        assert setting["name"] in listing
        assert setting["description"].split(".")[0] in " ".join(listing.split())
