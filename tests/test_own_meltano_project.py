"""README's recipe for adding the tap to your own Meltano project, performed from `meltano init`."""

from __future__ import annotations

import json

import pytest
import yaml
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore

from tests.meltano import ROOT, meltano

pytestmark = pytest.mark.slow

DEFINITION = ROOT / "plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml"
# The loader, described in full so that Meltano needs no Hub look-up (tests have no internet).
JSONL = {
    "name": "target-jsonl",
    "namespace": "target_jsonl",
    "pip_url": "target-jsonl~=0.1.4",
    "executable": "target-jsonl",
    "settings": [{"name": "destination_path", "kind": "string"}, {"name": "do_timestamp_file", "kind": "boolean"}],
}


def test_the_readme_recipe_adds_configures_and_runs_the_tap_in_a_fresh_project(start_emulator, tmp_path):
    store = CampaignStore(count=30)
    emulator = start_emulator(store=store)
    project = tmp_path / "my-ccc"
    loader = tmp_path / "target-jsonl.yml"
    loader.write_text(yaml.safe_dump(JSONL))
    out = tmp_path / "out"
    out.mkdir()
    env = {"MELTANO_PROJECT_ROOT": str(project)}

    def step(*args: str) -> None:
        meltano(*args, env=env, cwd=project)

    meltano("init", str(project), "--no_usage_stats", env={}, cwd=tmp_path)
    # The recipe, as README gives it (the pip_url line is the only one that goes once on PyPI).
    step("add", "--plugin-type", "extractor", "--from-ref", str(DEFINITION), "--no-install", "tap-ccc-campaign")
    step("config", "set", "tap-ccc-campaign", "_pip_url", str(ROOT))
    step("config", "set", "tap-ccc-campaign", "sdk_app_id", str(store.sdk_app_id))
    step("config", "set", "tap-ccc-campaign", "secret_id", DEMO_CREDENTIAL.secret_id)
    step("config", "set", "tap-ccc-campaign", "secret_key", DEMO_CREDENTIAL.secret_key)
    step("config", "set", "tap-ccc-campaign", "api_url", emulator.url)
    step("select", "tap-ccc-campaign", "predictive_dialing_campaigns", "*")
    step("select", "tap-ccc-campaign", "predictive_dialing_campaign_progress", "*")
    step("add", "--plugin-type", "loader", "--from-ref", str(loader), "--no-install", "target-jsonl")
    step("config", "set", "target-jsonl", "destination_path", str(out))
    step("config", "set", "target-jsonl", "do_timestamp_file", "false")
    step("install")
    step("run", "tap-ccc-campaign", "target-jsonl")

    plugins = yaml.safe_load((project / "meltano.yml").read_text())["plugins"]
    assert [p["name"] for p in plugins["extractors"]] == ["tap-ccc-campaign"]
    assert "utilities" not in plugins  # added once, as an extractor
    settings = [json.loads(line) for line in (out / "predictive_dialing_campaigns.jsonl").read_text().splitlines()]
    progress = (out / "predictive_dialing_campaign_progress.jsonl").read_text().splitlines()
    assert sorted(r["CampaignId"] for r in settings) == store.ids()
    assert len(progress) == 30
