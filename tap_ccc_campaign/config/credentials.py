"""Where the SecretId/SecretKey pair comes from, as Tencent's provider chain finds it.

Each provider gives the whole pair (and its token) or nothing: a SecretId from one
place is never paired with a SecretKey from another. Order: the config, then the
environment (TENCENTCLOUD_SECRET_ID/_KEY/_TOKEN), then ~/.tencentcloud/credentials,
then /etc/tencentcloud/credentials ([default] secret_id, secret_key, optional token).
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKEN = "TENCENTCLOUD_TOKEN"
PROFILE_FILES = (Path("~/.tencentcloud/credentials"), Path("/etc/tencentcloud/credentials"))
SECRET_SETTINGS = ("secret_id", "secret_key", "token")


@dataclass(frozen=True)
class Found:
    secret_id: str
    secret_key: str
    token: str | None
    source: str


def clean(value: Any) -> Any:
    """A credential without the whitespace a copy and paste adds around it."""
    return value.strip() if isinstance(value, str) else value


def resolve(
    config: Mapping[str, Any],
    environ: Mapping[str, str],
    profile_files: Sequence[Path] = PROFILE_FILES,
) -> Found | None:
    """The first provider that holds both halves of a credential, or None."""
    given = {k: clean(config.get(k)) for k in SECRET_SETTINGS}
    if given["secret_id"] or given["secret_key"]:
        # The user chose the config: never complete it from elsewhere (config_errors names the gap).
        if given["secret_id"] and given["secret_key"]:
            return Found(given["secret_id"], given["secret_key"], given["token"] or None, "the config")
        return None
    env_id, env_key = clean(environ.get(ENV_SECRET_ID)), clean(environ.get(ENV_SECRET_KEY))
    if env_id and env_key:
        return Found(env_id, env_key, clean(environ.get(ENV_TOKEN)) or None, f"{ENV_SECRET_ID}/{ENV_SECRET_KEY}")
    for path in profile_files:
        profile = _profile(path.expanduser())
        pair = clean(profile.get("secret_id")), clean(profile.get("secret_key"))
        if pair[0] and pair[1]:
            return Found(pair[0], pair[1], clean(profile.get("token")) or None, str(path))
    return None


def _profile(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return {}
    return dict(parser["default"]) if parser.has_section("default") else {}


def problems(value: Any, name: str) -> str | None:
    """Why a credential cannot be sent in an HTTP header, without showing it."""
    if not isinstance(value, str):
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return f"{name}: holds a space, a line break or a control character; copy it again from the console"
    if not value.isascii():
        return f"{name}: holds a non-ASCII character; copy it again from the console"
    return None
