"""The dbt project's declarations match the tap: a source per stream with the stream's keys, the
var listing every stream, the dbt version range the project's syntax needs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tap_ccc_campaign.tap import TapCCCCampaign

TRANSFORM = Path(__file__).resolve().parent.parent / "transform"


def streams() -> dict:
    return TapCCCCampaign(config={"sdk_app_id": 1, "secret_id": "x", "secret_key": "y"}).streams


def test_every_stream_has_a_source_documented_with_its_keys():
    tables = yaml.safe_load((TRANSFORM / "models/staging/_sources.yml").read_text())["sources"][0]["tables"]
    keys = {t["name"]: re.search(r"\(key ([^)]+)\)", t["description"]).group(1).split(", ") for t in tables}
    assert keys == {name: list(stream.primary_keys) for name, stream in streams().items()}


def test_the_default_ccc_streams_var_lists_every_stream():
    project = yaml.safe_load((TRANSFORM / "dbt_project.yml").read_text())
    assert sorted(project["vars"]["ccc_streams"]) == sorted(streams())


def test_the_dbt_version_range_admits_no_version_older_than_the_syntax_needs():
    project = yaml.safe_load((TRANSFORM / "dbt_project.yml").read_text())
    # Data tests with `arguments:` and source freshness under `config:` came with dbt 1.10.
    uses_arguments = any("arguments:" in path.read_text() for path in TRANSFORM.rglob("*.yml"))
    assert uses_arguments
    assert ">=1.10.0" in project["require-dbt-version"]
