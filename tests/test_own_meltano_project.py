"""README's recipe for your own Meltano project, run word for word in an empty directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import psycopg
import pytest
import yaml
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore

from tests import postgres
from tests.meltano import ROOT

pytestmark = pytest.mark.slow


def recipe(marker: str = "own-project-recipe") -> str:
    """The bash block that follows README's <!-- marker --> line, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- {marker} -->\s*```bash\n(.*?)```", text, re.S)
    assert block, f"README lost its {marker} block"
    return block.group(1)


def run_block(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=1500
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return done


def test_the_readme_recipe_builds_a_project_that_loads_duckdb_and_postgres_and_models_them(start_emulator, tmp_path):
    store = CampaignStore(count=20, callees=10, history_days=60)
    emulator = start_emulator(store=store, rate_limit=None)
    script = recipe()
    assert str(store.sdk_app_id) in script  # the recipe's example SdkAppId is the emulator's app
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TAP_CCC_CAMPAIGN", "MELTANO_", "PG"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # meltano, as installed
        "TAP": str(ROOT),
        "TENCENTCLOUD_SECRET_ID": DEMO_CREDENTIAL.secret_id,
        "TENCENTCLOUD_SECRET_KEY": DEMO_CREDENTIAL.secret_key,
        # The one thing the recipe does not say: where the API is (here the emulator, not Tencent).
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    done = run_block(script, tmp_path, env)
    project = tmp_path / "my-ccc"
    plugins = yaml.safe_load((project / "meltano.yml").read_text())["plugins"]
    assert [p["name"] for p in plugins["extractors"]] == ["tap-ccc-campaign"]
    with duckdb.connect(str(project / "output/warehouse.duckdb"), read_only=True) as db:
        loaded = sorted(r[0] for r in db.execute("select campaignid from ccc.predictive_dialing_campaigns").fetchall())
        calls = db.execute("select count(*) from ccc.predictive_dialing_calls").fetchone()[0]
        mart = db.execute("select count(*), sum(calls) from analytics.ccc_campaign_performance").fetchone()
    assert loaded == store.ids()
    assert calls == sum(len(store.sessions(cid)) for cid in store.ids())
    assert mart == (len(store.ids()), calls)
    assert "Done. PASS=" in done.stdout + done.stderr

    # The PostgreSQL block, from the same project.
    bin_dir = postgres.server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/ensure_postgres.sh installs them)")
    with postgres.running_server(bin_dir) as server:
        done = run_block(recipe("own-project-recipe-postgres"), project, {**env, **server.env()})
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=server.database) as db:
            loaded = sorted(r[0] for r in db.execute('select "CampaignId" from ccc.predictive_dialing_campaigns'))
            mart = db.execute("select count(*), sum(calls) from analytics.ccc_campaign_performance").fetchone()
    assert loaded == store.ids()
    assert mart == (len(store.ids()), calls)
    assert "Done. PASS=" in done.stdout + done.stderr
