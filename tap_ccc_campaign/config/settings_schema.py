"""The tap's settings: their schema, Tencent-style fallbacks, and readable checks."""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft7Validator, ValidationError
from singer_sdk import typing as th

from tap_ccc_campaign.api.signer import Credentials
from tap_ccc_campaign.api.transport import redact_url
from tap_ccc_campaign.config import credentials
from tap_ccc_campaign.errors import ConfigError

DEFAULT_API_URL = "https://ccc.intl.tencentcloudapi.com"
API_RATE_LIMIT = 20
# Tencent's ids are signed 64-bit integers; anything larger cannot be an id.
MAX_ID = 2**63 - 1
# Slowest pace accepted: one call every 100 s (a smaller rate would wait for hours in silence).
MIN_RATE = 0.01
REGION_VARIABLE = "TENCENTCLOUD_REGION"
NUMBER_SETTINGS = (
    "requests_per_second",
    "request_timeout",
    "max_retry_seconds",
    "retry_backoff_seconds",
    "max_deleted_share",
)

SCHEMA = th.PropertiesList(
    th.Property(
        "secret_id",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretId. Give it with secret_key, or give neither: the pair then "
        "comes from TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (with TENCENTCLOUD_TOKEN), else from "
        "~/.tencentcloud/credentials, else /etc/tencentcloud/credentials ([default]), as Tencent's SDK "
        "finds it; both halves always come from one place. Surrounding whitespace is trimmed.",
    ),
    th.Property(
        "secret_key",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretKey, from the same place as secret_id (see there). Never logged.",
    ),
    th.Property(
        "token",
        th.StringType,
        secret=True,
        description="STS session token for temporary credentials, sent as X-TC-Token; "
        "taken from the same place as the SecretId/SecretKey pair.",
    ),
    th.Property(
        "sdk_app_id",
        th.IntegerType(minimum=1, maximum=MAX_ID),
        description="CCC application id (SdkAppId), shown in the CCC console. Give this or sdk_app_ids.",
    ),
    th.Property(
        "sdk_app_ids",
        th.ArrayType(th.IntegerType(minimum=1, maximum=MAX_ID)),
        description="Several CCC application ids to read in one run, instead of sdk_app_id. The apps "
        "of one account share its per-action budget: requests_per_second is for all of them together.",
    ),
    th.Property(
        "campaign_ids",
        th.ArrayType(th.IntegerType(minimum=1, maximum=MAX_ID)),
        description="Predictive-dialing campaign (task) ids to extract, one record each, emitted in "
        "this order; duplicates are dropped with a warning. With several apps, the ids apply to each "
        "app. Absent, null or empty: every campaign of every app is found with "
        "DescribePredictiveDialingCampaigns (discovery) and read.",
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
        th.NumberType(minimum=MIN_RATE),
        default=API_RATE_LIMIT,
        description="Most calls sent in any one-second window, retries included; a fractional rate "
        "is kept on average with calls evenly spaced (1.5: one call every 0.67 s). Tencent allows "
        "20/s per account and "
        "action. The tap slows down by itself when the API answers RequestLimitExceeded (another "
        "client is using the budget) and climbs back to this ceiling; above 20 is allowed with a "
        "warning. At least 0.01.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType(exclusive_minimum=0),
        default=30,
        description="Seconds one call may take in all: connecting, waiting and reading the whole "
        "answer (a server that trickles its answer is cut off at this deadline).",
    ),
    th.Property(
        "max_attempts",
        th.IntegerType(minimum=1),
        default=5,
        description="Attempts per campaign for transient faults (InternalError, HTTP 5xx, "
        "timeouts, dropped connections), the first included. Throttling answers "
        "(RequestLimitExceeded) do not count: they are retried within max_retry_seconds.",
    ),
    th.Property(
        "max_retry_seconds",
        th.NumberType(minimum=0),
        default=120,
        description="Most seconds one campaign may spend waiting between its attempts.",
    ),
    th.Property(
        "full_refresh",
        th.BooleanType,
        default=False,
        description="Read every campaign's settings again, even those that cannot have changed. By "
        "default a discovery sync reads a campaign only when it is new, not yet started (its settings "
        "are still editable), or its list entry (Name, Status, StatusReason, Priority, SkillGroupId) "
        "differs from what the last complete sync saw; the others keep the row already loaded.",
    ),
    th.Property(
        "full_refresh_days",
        th.IntegerType(minimum=0),
        default=7,
        description="A discovery sync reads everything again when the last full one is older than this "
        "many days (0: every sync is full).",
    ),
    th.Property(
        "max_deleted_share",
        th.NumberType(minimum=0, maximum=1),
        default=0.5,
        description="The most campaigns one sync may mark deleted, as a share of those loaded before "
        "(0 to 1). Above it, none is marked: the run names them and exits non-zero, since an account "
        "that suddenly answers 'does not exist' for many campaigns is more likely misconfigured or "
        "being migrated than emptied. Set 1 for a run after deleting many campaigns on purpose.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description="How far back predictive_dialing_calls reads call records (RFC 3339, e.g. "
        "2026-06-01T00:00:00Z). Default: as far as DescribeTelCdr allows (its start may be at most "
        "180 days back; the tap stays two days inside that). Calls before it are counted and named "
        "in one log line, not loaded.",
    ),
    th.Property(
        "log_metrics",
        th.BooleanType,
        default=False,
        description="Log singer-sdk's METRIC lines: one per API call (the http_request_duration "
        "timer, with the action, HTTP status and Tencent error code) and each stream's record count "
        "and sync duration. Off by default: a progress line every 15 s and one closing line per "
        "stream say how a sync goes.",
    ),
    th.Property(
        "retry_backoff_seconds",
        th.NumberType(minimum=0),
        default=1,
        description="Base of the exponential backoff: the wait before attempt n+1 is "
        "random in [0, base * 2^(n-1)], capped at 30 s (full jitter).",
    ),
).to_dict()


def resolved(
    config: Mapping[str, Any],
    environ: Mapping[str, str],
    profile_files: Sequence[Path] = credentials.PROFILE_FILES,
) -> dict[str, Any]:
    """The config as the tap will use it: credentials from Tencent's provider chain, region
    from TENCENTCLOUD_REGION when unset, whitespace trimmed from credentials, and numbers
    given as strings (as environment variables are) read as numbers."""
    result = {k: credentials.clean(v) if k in credentials.SECRET_SETTINGS else v for k, v in config.items()}
    found = credentials.resolve(result, environ, profile_files)
    if found is not None:
        result.update(secret_id=found.secret_id, secret_key=found.secret_key, token=found.token)
        if found.token is None:
            result.pop("token", None)
    if not result.get("region") and environ.get(REGION_VARIABLE):
        result["region"] = environ[REGION_VARIABLE]
    for key in NUMBER_SETTINGS:
        value = result.get(key)
        if isinstance(value, str) and value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity"):
            with contextlib.suppress(ValueError):  # left as is, config_errors names it
                result[key] = float(value)
    return result


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
            _start_date(config["start_date"])
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


def read_config_file(path: str) -> dict[str, Any]:
    """One --config file's settings, or a ConfigError naming the file and what is wrong with it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--config {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--config {path}: cannot be read ({type(exc).__name__})") from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        # The position only: the text around it may be a secret.
        raise ConfigError(f"--config {path}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ConfigError(f"--config {path}: must hold a JSON object of settings, got a {type(value).__name__}")
    return value


def _describe(error: ValidationError) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        name = error.message.split("'")[1]
        return f"{name}: is required"
    key = str(path[0]) + "".join(f"[{p}]" for p in path[1:]) if path else "config"
    # Never echo a secret's value back, even a malformed one.
    if path and path[0] in credentials.SECRET_SETTINGS:
        return f"{key}: must be a non-empty string"
    value, limit = error.instance, error.validator_value
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


@dataclass(frozen=True)
class Settings:
    credentials: Credentials
    sdk_app_ids: tuple[int, ...]
    campaign_ids: tuple[int, ...]  # empty: discover every campaign of each app
    api_url: str
    region: str | None
    language: str | None
    requests_per_second: float
    request_timeout: float
    max_attempts: int
    max_retry_seconds: float
    retry_backoff_seconds: float
    log_metrics: bool = False
    full_refresh: bool = False
    full_refresh_days: int = 7
    start_date: datetime | None = None
    max_deleted_share: float = 0.5

    @property
    def workers(self) -> int:
        # Enough calls in flight to keep the limiter busy with answers up to ~2 s slow.
        return max(4, min(64, math.ceil(self.requests_per_second * 2)))

    @property
    def discovery(self) -> bool:
        return not self.campaign_ids

    @classmethod
    def from_config(cls, config: Mapping[str, Any], logger: logging.Logger) -> Settings:
        ids = [int(i) for i in config.get("campaign_ids") or ()]
        unique = tuple(dict.fromkeys(ids))
        if len(unique) != len(ids):
            dropped = sorted(i for i, n in Counter(ids).items() if n > 1)
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
            sdk_app_ids=tuple(dict.fromkeys(int(a) for a in config.get("sdk_app_ids") or [config["sdk_app_id"]])),
            campaign_ids=unique,
            api_url=config.get("api_url", DEFAULT_API_URL),
            region=config.get("region") or None,
            language=config.get("language") or None,
            requests_per_second=rate,
            request_timeout=float(config.get("request_timeout", 30)),
            max_attempts=int(config.get("max_attempts", 5)),
            max_retry_seconds=float(config.get("max_retry_seconds", 120)),
            retry_backoff_seconds=float(config.get("retry_backoff_seconds", 1)),
            log_metrics=bool(config.get("log_metrics", False)),
            full_refresh=bool(config.get("full_refresh", False)),
            full_refresh_days=int(config.get("full_refresh_days", 7)),
            start_date=_start_date(config.get("start_date")),
            max_deleted_share=float(config.get("max_deleted_share", 0.5)),
        )


def _start_date(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
