"""Readable checks of the config: one line per problem, each naming the setting."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, ValidationError

from tap_ccc_campaign.api.transport import redact_url
from tap_ccc_campaign.config import credentials
from tap_ccc_campaign.config.schema import (
    DEFAULT_API_URL,
    NUMBER_SETTINGS,
    SCHEMA,
)
from tap_ccc_campaign.config.settings import parse_start_date


def config_errors(config: Mapping[str, Any], schema: dict[str, Any] = SCHEMA) -> list[str]:
    """One readable line per problem, each naming the setting."""
    errors = [_describe(e) for e in Draft7Validator(schema).iter_errors(dict(config))]
    has_id, has_key = bool(config.get("secret_id")), bool(config.get("secret_key"))
    if not has_id and not has_key:
        errors.append(
            "secret_id, secret_key: not set; set both in the config, or in "
            f"{credentials.ENV_SECRET_ID}/{credentials.ENV_SECRET_KEY}, or in ~/.tencentcloud/credentials"
        )
    elif has_id != has_key:
        given, missing = ("secret_id", "secret_key") if has_id else ("secret_key", "secret_id")
        errors.append(
            f"{missing}: not set, while {given} is; a credential's two halves come from one place "
            "(give both in the config, or neither to use the environment or ~/.tencentcloud/credentials)"
        )
    for key in ("secret_id", "secret_key", "token"):
        if problem := credentials.problems(config.get(key), key):
            errors.append(problem)
    for key in NUMBER_SETTINGS:
        value = config.get(key)
        if isinstance(value, float) and not math.isfinite(value):
            errors.append(f"{key}: must be a finite number, got {value!r}")
    if config.get("start_date") is not None:
        try:
            parse_start_date(config["start_date"])
        except (TypeError, ValueError):
            errors.append(
                f"start_date: must be an RFC 3339 date-time such as 2026-06-01T00:00:00Z, got {config['start_date']!r}"
            )
    if (config.get("sdk_app_id") is None) == (config.get("sdk_app_ids") is None):
        errors.append("sdk_app_id, sdk_app_ids: give exactly one of the two (one app, or a list of apps)")
    if isinstance(config.get("sdk_app_ids"), list) and not config["sdk_app_ids"]:
        errors.append("sdk_app_ids: is empty; list at least one SdkAppId")
    url = config.get("api_url", DEFAULT_API_URL)
    if isinstance(url, str) and (problem := _url_problem(url)):
        errors.append(problem)
    return sorted(set(errors))


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"api_url: {redact_url(url)!r} is not an http(s) URL of a host, like {DEFAULT_API_URL}"
    shown = redact_url(url)
    if parts.username is not None or parts.password is not None:
        return f"api_url: must not hold a user name or password (given for {shown!r}); Tencent Cloud signs requests"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return f"api_url: must not hold a query string or fragment, got {shown!r}?…; give the host only"
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return f"api_url: {shown!r} is not an http(s) URL of a host, like {DEFAULT_API_URL}"
    return None


def unknown_settings(config: Mapping[str, Any], schema: dict[str, Any] = SCHEMA) -> list[str]:
    """A warning for each setting the tap does not know, naming the closest known one."""
    known = list(schema.get("properties", {}))
    warnings = []
    for key in sorted(set(config) - set(known)):
        if key.startswith("_"):  # Meltano's and the SDK's own private keys
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        warnings.append(f"unknown setting {key!r} is ignored{hint}")
    return warnings


def environment_errors(schema: dict[str, Any], prefix: str, environ: Mapping[str, str]) -> list[str]:
    """Why a TAP_CCC_CAMPAIGN_* variable cannot be read as its setting's type (--config ENV)."""
    errors = []
    for key, spec in schema.get("properties", {}).items():
        variable = prefix + key.upper().replace("-", "_")
        if variable not in environ:
            continue
        value = environ[variable]
        types = spec.get("type", [])
        types = [types] if isinstance(types, str) else types
        if "integer" in types:
            try:
                int(value)
            except ValueError:
                errors.append(f"{key}: {variable} must be an integer, got {value!r}")
        elif "array" in types or "object" in types:
            kind = "array" if "array" in types else "object"
            example = "[2569, 2570]" if kind == "array" else '{"key": "value"}'
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if not isinstance(parsed, list if kind == "array" else dict):
                shown = "(hidden)" if key in credentials.SECRET_SETTINGS else repr(value)
                errors.append(f"{key}: {variable} must be a JSON {kind} like {example}, got {shown}")
    return errors


def _describe(error: ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        name = error.message.split("'")[1]
        return f"{name}: is required"
    key = str(path[0]) + "".join(f"[{p}]" for p in path[1:]) if path else "config"
    # Never echo a secret's value back, even a malformed one.
    if path and path[0] in credentials.SECRET_SETTINGS:
        return f"{key}: must be a non-empty string"
    # jsonschema types validator_value loosely (Unset until validated): here it is the rule's value.
    value, limit = error.instance, cast(Any, error.validator_value)
    match error.validator:
        case "type":
            names = [limit] if isinstance(limit, str) else [t for t in limit if t != "null"]
            expected = f"must be of type {' or '.join(names)}"
        case "minimum":
            expected = f"must be at least {limit}"
        case "maximum":
            expected = f"must be at most {limit}"
        case "exclusiveMinimum":
            expected = f"must be greater than {limit}"
        case "minLength":
            expected = "must not be empty"
        case "enum":
            expected = f"must be one of {', '.join(map(str, limit))}"
        case _:
            expected = error.message
    return f"{key}: {expected}, got {value!r}"
