"""Write the Meltano Hub-style definition of the extractor from `tap-ccc-campaign --about`.

    python scripts/plugin_definition.py > plugins/extractors/tap-ccc-campaign--tap-ccc-campaign.yml

Meltano Hub builds its plugin files the same way; meltano.yml carries the same settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

SDK_SETTINGS = {
    "stream_maps",
    "stream_map_config",
    "faker_config",
    "flattening_enabled",
    "flattening_max_depth",
    "flattening_max_key_length",
    "flattening_separator",
}
KINDS = {
    "string": "string",
    "integer": "integer",
    "number": "decimal",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}
LABELS = {
    "sdk_app_id": "SdkAppId",
    "api_url": "API URL",
    "secret_id": "SecretId",
    "secret_key": "SecretKey",
    "token": "STS Token",
    "campaign_ids": "Campaign IDs",
    "sdk_app_ids": "SdkAppIds",
}


def about() -> dict[str, Any]:
    script = Path(sys.executable).with_name("tap-ccc-campaign")
    out = subprocess.run([str(script), "--about", "--format", "json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def settings(info: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for name, prop in info["settings"]["properties"].items():
        if name in SDK_SETTINGS:
            continue
        kinds = [
            t for t in ([prop["type"]] if isinstance(prop.get("type"), str) else prop.get("type", [])) if t != "null"
        ]
        setting: dict[str, Any] = {
            "name": name,
            "label": LABELS.get(name, name.replace("_", " ").capitalize()),
            "kind": KINDS[kinds[0]],
            "description": prop.get("description", ""),
        }
        if prop.get("secret"):
            setting["sensitive"] = True
        if "default" in prop:
            setting["value"] = prop["default"]
        if "enum" in prop:
            setting["kind"] = "options"
            setting["options"] = [{"label": v, "value": v} for v in prop["enum"]]
        result.append(setting)
    return result


def definition(info: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "tap-ccc-campaign",
        "namespace": "tap_ccc_campaign",
        "variant": "tap-ccc-campaign",
        "label": "Tencent Cloud Contact Center (CCC)",
        "description": info["description"],
        "domain_url": "https://www.tencentcloud.com/products/ccc",
        "maintenance_status": "beta",
        "pip_url": "tap-ccc-campaign",
        "executable": "tap-ccc-campaign",
        "capabilities": info["capabilities"],
        "supported_python_versions": info["supported_python_versions"],
        "keywords": ["meltano_sdk", "tencent-cloud", "contact-center", "predictive-dialing"],
        "settings_group_validation": [["sdk_app_id"], ["sdk_app_ids"]],
        "settings": settings(info),
    }


def main() -> None:
    yaml.safe_dump(definition(about()), sys.stdout, sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    main()
