"""Reading a --config file, with one line naming the file when it cannot be used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tap_ccc_campaign.errors import ConfigError


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
    except json.JSONDecodeError as exc:
        # The position only: the text around it may be a secret.
        raise ConfigError(f"--config {path}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ConfigError(f"--config {path}: must hold a JSON object of settings, got a {type(value).__name__}")
    return value
