"""The tap's settings as a JSON schema (what --about, Meltano and the checks read), made from
settings.toml, where each setting's type, bounds, default and description are written once."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from singer_sdk import typing as th

# Tencent's ids are signed 64-bit integers; anything larger cannot be an id.
MAX_ID = 2**63 - 1
API_RATE_LIMIT = 20  # Tencent's limit per account and action, in calls a second
REGION_VARIABLE = "TENCENTCLOUD_REGION"

DECLARED: dict[str, dict[str, Any]] = tomllib.loads(
    resources.files("tap_ccc_campaign.config").joinpath("settings.toml").read_text(encoding="utf-8")
)
# JSON Schema's words for the bounds settings.toml writes in singer-sdk's.
_BOUNDS = {"minimum": "minimum", "maximum": "maximum", "exclusive_minimum": "exclusive_minimum"}


def _type(spec: dict[str, Any]) -> th.JSONTypeHelper:
    bounds = {word: spec[key] for key, word in _BOUNDS.items() if key in spec}
    match spec["type"]:
        case "string":
            options = {k: spec[k] for k in ("min_length", "allowed_values") if k in spec}
            return th.StringType(**options)
        case "integer":
            return th.IntegerType(**bounds)
        case "number":
            return th.NumberType(**bounds)
        case "boolean":
            return th.BooleanType()
        case "date-time":
            return th.DateTimeType()
        case "id":
            return th.IntegerType(minimum=1, maximum=MAX_ID)
        case "ids":
            return th.ArrayType(th.IntegerType(minimum=1, maximum=MAX_ID))
    raise ValueError(f"settings.toml: unknown type {spec['type']!r}")


def _property(name: str, spec: dict[str, Any]) -> th.Property:
    extra: dict[str, Any] = {"default": spec["default"]} if "default" in spec else {}
    if spec.get("secret"):
        extra["secret"] = True
    return th.Property(name, _type(spec), description=" ".join(spec["description"].split()), **extra)


def default(name: str) -> Any:
    """A setting's default, as settings.toml declares it (None when it has none)."""
    return DECLARED[name].get("default")


SCHEMA = th.PropertiesList(*(_property(name, spec) for name, spec in DECLARED.items())).to_dict()
DEFAULT_API_URL: str = default("api_url")
MIN_RATE: float = DECLARED["requests_per_second"]["minimum"]  # one call every 100 s at the slowest
# Settings read as numbers: given as text (from the environment), they are converted first.
NUMBER_SETTINGS = tuple(name for name, spec in DECLARED.items() if spec["type"] == "number")
