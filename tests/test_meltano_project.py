"""meltano.yml and the Hub-style plugin file describe the tap as `--about` does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = ROOT / "plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml"


def extractor() -> dict:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    return next(p for p in project["plugins"]["extractors"] if p["name"] == "tap-ccc-campaign")


def test_the_plugin_definition_is_what_about_generates():
    generated = subprocess.run(
        [sys.executable, str(ROOT / "scripts/plugin_definition.py")], capture_output=True, text=True, check=True
    ).stdout
    assert yaml.safe_load(generated) == yaml.safe_load(DEFINITION.read_text())


def test_meltano_yml_declares_the_same_settings_and_capabilities():
    definition = yaml.safe_load(DEFINITION.read_text())
    assert extractor()["settings"] == definition["settings"]
    assert extractor()["capabilities"] == definition["capabilities"]


def test_secrets_are_sensitive_in_meltano():
    sensitive = {s["name"] for s in extractor()["settings"] if s.get("sensitive")}
    assert sensitive == {"secret_id", "secret_key", "token"}


def test_prod_takes_credentials_and_the_app_from_the_environment():
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    prod = next(e for e in project["environments"] if e["name"] == "prod")
    config = prod["config"]["plugins"]["extractors"][0]["config"]
    assert all(str(value).startswith("$") for value in config.values())


def test_demo_and_prod_find_the_campaigns_themselves():
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    for environment in project["environments"]:
        assert "campaign_ids" not in environment["config"]["plugins"]["extractors"][0]["config"]
