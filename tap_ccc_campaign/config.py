"""The tap's settings: their schema, Tencent-style fallbacks, and readable checks."""

from __future__ import annotations

import configparser
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, ValidationError
from singer_sdk import typing as th

from tap_ccc_campaign.signer import Credentials

DEFAULT_API_URL = "https://ccc.intl.tencentcloudapi.com"
API_RATE_LIMIT = 20

# Where Tencent's SDK and tccli look when a value is not given explicitly.
ENV_FALLBACKS = {
    "secret_id": "TENCENTCLOUD_SECRET_ID",
    "secret_key": "TENCENTCLOUD_SECRET_KEY",
    "token": "TENCENTCLOUD_TOKEN",
    "region": "TENCENTCLOUD_REGION",
}
CREDENTIALS_FILE = Path("~/.tencentcloud/credentials")

SCHEMA = th.PropertiesList(
    th.Property(
        "secret_id",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretId. Falls back to TENCENTCLOUD_SECRET_ID, "
        "then to ~/.tencentcloud/credentials [default], as Tencent's SDK does.",
    ),
    th.Property(
        "secret_key",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretKey. Falls back to TENCENTCLOUD_SECRET_KEY, "
        "then to ~/.tencentcloud/credentials [default]. Never logged.",
    ),
    th.Property(
        "token",
        th.StringType,
        secret=True,
        description="STS session token for temporary credentials, sent as X-TC-Token. "
        "Falls back to TENCENTCLOUD_TOKEN.",
    ),
    th.Property(
        "sdk_app_id",
        th.IntegerType(minimum=1),
        required=True,
        description="CCC application id (SdkAppId), shown in the CCC console.",
    ),
    th.Property(
        "campaign_ids",
        th.ArrayType(th.IntegerType(minimum=1)),
        required=True,
        description="Predictive-dialing campaign (task) ids to extract, one record each, "
        "emitted in this order. Duplicates are dropped with a warning.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        description="API endpoint: the international site by default; "
        "https://ccc.tencentcloudapi.com for the China site, a regional host such as "
        "https://ccc.ap-guangzhou.tencentcloudapi.com, or http://127.0.0.1:PORT for the "
        "local emulator.",
    ),
    th.Property(
        "region",
        th.StringType,
        description="Optional region sent as X-TC-Region (e.g. ap-singapore). "
        "Falls back to TENCENTCLOUD_REGION. The predictive-dialing actions do not need one.",
    ),
    th.Property(
        "language",
        th.StringType(allowed_values=["en-US", "zh-CN"]),
        description="Language of error messages, sent as X-TC-Language: en-US or zh-CN.",
    ),
    th.Property(
        "requests_per_second",
        th.NumberType(exclusive_minimum=0),
        default=API_RATE_LIMIT,
        description="Most calls started in any one-second window, retries included. "
        "Tencent allows 20/s per account for this action: lower it when several jobs "
        "share an account; above 20 is allowed with a warning.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType(exclusive_minimum=0),
        default=30,
        description="Seconds to wait for a connection and for each read of an answer.",
    ),
    th.Property(
        "max_attempts",
        th.IntegerType(minimum=1),
        default=5,
        description="Attempts per campaign for transient faults (throttling, "
        "InternalError, HTTP 5xx, timeouts, dropped connections), the first included.",
    ),
    th.Property(
        "max_retry_seconds",
        th.NumberType(minimum=0),
        default=120,
        description="Most seconds one campaign may spend waiting between its attempts.",
    ),
    th.Property(
        "retry_backoff_seconds",
        th.NumberType(minimum=0),
        default=1,
        description="Base of the exponential backoff: the wait before attempt n+1 is "
        "random in [0, base * 2^(n-1)], capped at 30 s (full jitter).",
    ),
).to_dict()


def with_fallbacks(
    config: Mapping[str, Any],
    environ: Mapping[str, str],
    credentials_file: Path = CREDENTIALS_FILE,
) -> dict[str, Any]:
    """The config with unset credentials and region filled in the way Tencent's tools do."""
    resolved = dict(config)
    for key, variable in ENV_FALLBACKS.items():
        if not resolved.get(key) and environ.get(variable):
            resolved[key] = environ[variable]
    if not resolved.get("secret_id") or not resolved.get("secret_key"):
        profile = _credentials_profile(credentials_file.expanduser())
        for key in ("secret_id", "secret_key"):
            if not resolved.get(key) and profile.get(key):
                resolved[key] = profile[key]
    return resolved


def _credentials_profile(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return {}
    return dict(parser["default"]) if parser.has_section("default") else {}


def config_errors(config: Mapping[str, Any], schema: dict[str, Any] = SCHEMA) -> list[str]:
    """One readable line per problem, each naming the setting."""
    errors = [_describe(e) for e in Draft7Validator(schema).iter_errors(dict(config))]
    for key, variable in (("secret_id", "TENCENTCLOUD_SECRET_ID"), ("secret_key", "TENCENTCLOUD_SECRET_KEY")):
        if not config.get(key):
            errors.append(f"{key}: not set; set it in the config or in {variable}")
    if isinstance(config.get("campaign_ids"), list) and not config["campaign_ids"]:
        errors.append("campaign_ids: is empty; list at least one campaign id")
    url = config.get("api_url", DEFAULT_API_URL)
    if isinstance(url, str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            errors.append(f"api_url: {url!r} is not an http(s) URL of a host, like {DEFAULT_API_URL}")
    return sorted(set(errors))


def _describe(error: ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        name = error.message.split("'")[1]
        return f"{name}: is required"
    key = str(path[0]) + "".join(f"[{p}]" for p in path[1:]) if path else "config"
    # Never echo a secret's value back, even a malformed one.
    if path and path[0] in ENV_FALLBACKS and path[0] != "region":
        return f"{key}: must be a non-empty string"
    value, limit = error.instance, error.validator_value
    match error.validator:
        case "type":
            names = [limit] if isinstance(limit, str) else [t for t in limit if t != "null"]
            expected = f"must be of type {' or '.join(names)}"
        case "minimum":
            expected = f"must be at least {limit}"
        case "exclusiveMinimum":
            expected = f"must be greater than {limit}"
        case "minLength":
            expected = "must not be empty"
        case "enum":
            expected = f"must be one of {', '.join(map(str, limit))}"
        case _:
            expected = error.message
    return f"{key}: {expected}, got {value!r}"


@dataclass(frozen=True)
class Settings:
    credentials: Credentials
    sdk_app_id: int
    campaign_ids: tuple[int, ...]
    api_url: str
    region: str | None
    language: str | None
    requests_per_second: float
    request_timeout: float
    max_attempts: int
    max_retry_seconds: float
    retry_backoff_seconds: float

    @property
    def workers(self) -> int:
        # Enough calls in flight to keep the limiter busy with answers up to ~2 s slow.
        return max(4, min(64, math.ceil(self.requests_per_second * 2)))

    @classmethod
    def from_config(cls, config: Mapping[str, Any], logger: logging.Logger) -> Settings:
        ids = [int(i) for i in config["campaign_ids"]]
        unique = tuple(dict.fromkeys(ids))
        if len(unique) != len(ids):
            dropped = sorted({i for i in ids if ids.count(i) > 1})
            logger.warning(
                "campaign_ids lists %d duplicate(s), dropped: %s",
                len(ids) - len(unique),
                ", ".join(map(str, dropped[:20])) + (" …" if len(dropped) > 20 else ""),
            )
        rate = float(config.get("requests_per_second", API_RATE_LIMIT))
        if rate > API_RATE_LIMIT:
            logger.warning(
                "requests_per_second is %g, above Tencent's limit of %d/s for this action: "
                "expect RequestLimitExceeded answers (they are retried).",
                rate,
                API_RATE_LIMIT,
            )
        return cls(
            credentials=Credentials(config["secret_id"], config["secret_key"], config.get("token") or None),
            sdk_app_id=int(config["sdk_app_id"]),
            campaign_ids=unique,
            api_url=config.get("api_url", DEFAULT_API_URL),
            region=config.get("region") or None,
            language=config.get("language") or None,
            requests_per_second=rate,
            request_timeout=float(config.get("request_timeout", 30)),
            max_attempts=int(config.get("max_attempts", 5)),
            max_retry_seconds=float(config.get("max_retry_seconds", 120)),
            retry_backoff_seconds=float(config.get("retry_backoff_seconds", 1)),
        )
