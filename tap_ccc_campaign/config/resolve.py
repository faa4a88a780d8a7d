"""The config as the tap will use it: Tencent-style fallbacks for credentials and region."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tap_ccc_campaign.config import credentials
from tap_ccc_campaign.config.schema import (
    NUMBER_SETTINGS,
    REGION_VARIABLE,
)


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
