"""The --state input: read it, and keep it only if it has this tap's layout.

A state of another layout (another tap's, an older one, a hand-edited one) is replaced,
not merged: carried forward, it would travel from run to run and never mean anything.
"""

from __future__ import annotations

import json
from typing import Any

from tap_ccc_campaign import idset, resume
from tap_ccc_campaign.errors import ConfigError

STREAM_KEYS = {
    "predictive_dialing_campaigns": {"last_sync", "loaded", "last_full_refresh", "cycle"},
    "predictive_dialing_campaign_progress": set(),
    "predictive_dialing_sessions": {"marks"},
    "predictive_dialing_calls": {"marks", "loaded", "pending"},
}


def parse(text: str, source: str = "--state") -> dict[str, Any]:
    """The state document in ``text``; empty text is an empty state."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ConfigError(
            f"{source}: must hold a JSON object, like a STATE message's value, got a {type(value).__name__}"
        )
    return value


def layout_problem(state: dict[str, Any]) -> str | None:
    """Why ``state`` is not this tap's layout, or None when it is (or is empty)."""
    extra = set(state) - {"bookmarks"}
    if extra:
        return f"unknown top-level key(s) {', '.join(sorted(extra))}"
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        return "bookmarks is not an object"
    for stream, entry in bookmarks.items():
        if stream not in STREAM_KEYS:
            return f"bookmarks for unknown stream {stream!r}"
        if not isinstance(entry, dict) or not set(entry) <= STREAM_KEYS[stream]:
            return f"bookmarks of {stream!r} hold unknown keys"
        if problem := _entry_problem(stream, entry):
            return f"bookmarks of {stream!r}: {problem}"
    return None


def _entry_problem(stream: str, entry: dict[str, Any]) -> str | None:
    if not isinstance(entry.get("last_sync", {}), dict):
        return "last_sync is not an object"
    if not _app_map(entry.get("marks", {}), _is_id_set):
        return "marks is not a map of SdkAppId to id map"
    if stream == "predictive_dialing_calls":
        if not _app_map(entry.get("loaded", {}), lambda k, v: _app_map(v, _is_id_set)):
            return "loaded is not a map of SdkAppId to campaigns' id sets"
        pending = entry.get("pending", {})
        if not _app_map(pending, lambda k, v: _app_map(v, lambda c, ids: _tries(ids))):
            return "pending is not a map of SdkAppId to campaigns' session ids"
        return None
    if not _app_map(entry.get("loaded", {}), _is_id_set):
        return "loaded is not a map of SdkAppId to id set"
    return resume.problem(entry.get("cycle"))


def _app_map(value: object, valid: Any) -> bool:
    """A JSON object keyed by ids (SdkAppId or CampaignId) whose values pass ``valid``."""
    return isinstance(value, dict) and all(str(k).isdigit() and valid(k, v) for k, v in value.items())


def _tries(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(n, int) for k, n in value.items())


def _is_id_set(app: str, value: object) -> bool:
    if not app.isdigit() or not isinstance(value, str):
        return False
    try:
        for _ in idset.decode_pairs(value):
            pass
    except ValueError:
        return False
    return True
