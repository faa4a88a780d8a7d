"""meltano.yml and the Hub-style plugin file describe the tap as `--about` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import meltano
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


# The Meltano Hub's rules for an extractor's definition file, in our words (meltano/hub's
# schemas/plugin_definitions/extractors.schema.json, read 2026-12-05): the keys it requires and
# allows, each setting's keys and kinds, the capabilities and maintenance statuses it knows.
HUB_REQUIRED = {"name", "namespace", "variant", "label"}
HUB_KEYS = {
    "name", "namespace", "variant", "label", "description", "pip_url", "executable", "settings", "docs", "repo",
    "logo_url", "hidden", "settings_group_validation", "commands", "capabilities", "metadata", "schema", "select",
    "maintenance_status", "quality", "domain_url", "keywords", "requires", "definition", "next_steps",
    "settings_preamble", "usage", "prereq", "python", "supported_python_versions", "log_parser",
}  # fmt: skip
HUB_SETTING_KEYS = {
    "name", "aliases", "label", "value", "placeholder", "kind", "description", "tooltip", "documentation", "env",
    "hidden", "sensitive", "value_processor", "value_post_processor", "oauth", "options", "docs",
}  # fmt: skip
HUB_KINDS = {"oauth", "hidden", "password", "date_iso8601", "file", "email", "integer", "options", "object", "array",
             "boolean", "string", "decimal"}  # fmt: skip
HUB_CAPABILITIES = {"properties", "catalog", "discover", "state", "about", "stream-maps", "schema-flattening",
                    "activate-version", "batch", "test", "log-based", "structured-logging"}  # fmt: skip


def test_the_plugin_definition_keeps_to_the_hubs_rules_and_meltanos_schema():
    definition = yaml.safe_load(DEFINITION.read_text())
    assert HUB_REQUIRED <= set(definition) <= HUB_KEYS
    assert set(definition["capabilities"]) <= HUB_CAPABILITIES
    assert definition["maintenance_status"] in {"active", "beta", "development", "inactive", "unknown"}
    assert all(isinstance(k, str) for k in definition["keywords"])
    for setting in definition["settings"]:
        assert "name" in setting
        assert set(setting) <= HUB_SETTING_KEYS, setting["name"]
        assert setting["kind"] in HUB_KINDS, setting["name"]
    about = json.loads(
        subprocess.run(
            [str(Path(sys.executable).with_name("tap-ccc-campaign")), "--about", "--format", "json"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    assert definition["description"] == about["description"]
    assert definition["capabilities"] == about["capabilities"]
    # And Meltano's own schema of an extractor, shipped with Meltano.
    schema = json.loads((Path(next(iter(meltano.__path__))) / "schemas/meltano.schema.json").read_text())
    extractor_schema = {"$ref": "#/$defs/plugins/extractors", "$defs": schema["$defs"]}
    errors = list(jsonschema.Draft7Validator(extractor_schema).iter_errors(definition))
    assert [e.message for e in errors] == []


def test_the_recipes_loader_and_dbt_definitions_are_this_projects():
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())["plugins"]
    for kind, name, path in (
        ("loaders", "target-duckdb", "plugins/loaders/target-duckdb--jwills.yml"),
        ("utilities", "dbt-duckdb", "plugins/utilities/dbt-duckdb--tap-ccc-campaign.yml"),
        ("loaders", "target-postgres", "plugins/loaders/target-postgres--meltanolabs.yml"),
        ("utilities", "dbt-postgres", "plugins/utilities/dbt-postgres--tap-ccc-campaign.yml"),
        ("utilities", "ccc-dashboard", "plugins/utilities/ccc-dashboard--tap-ccc-campaign.yml"),
    ):
        ours = next(p for p in project[kind] if p["name"] == name)
        shipped = yaml.safe_load((ROOT / path).read_text())
        assert {k: v for k, v in ours.items() if k != "config"} == {
            k: v for k, v in shipped.items() if k not in ("variant", "label")
        }
