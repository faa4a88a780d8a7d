"""The --state input: read it, and keep the parts of it that have this tap's layout.

Parts of another layout (another tap's, an older one, a hand-edited or half-written one) are
dropped one by one, each with a warning: carried forward, they would travel from run to run and
never mean anything, while the parts still good (which campaigns were loaded) keep their worth.
"""

from __future__ import annotations

import json
from typing import IO, Any

from tap_ccc_campaign.errors import ConfigError
from tap_ccc_campaign.state import cycle, encoding

STREAM_KEYS = {
    "predictive_dialing_campaigns": {"last_sync", "loaded", "last_full_refresh", "cycle"},
    "predictive_dialing_campaign_progress": set(),
    "predictive_dialing_sessions": {"marks"},
    "predictive_dialing_calls": {"marks", "loaded", "pending", "changing", "ends"},
    "skill_groups": {"apps"},
    "agents": {"apps"},
    "auto_callout_tasks": {"done", "seen"},
    "auto_callout_callees": {"done", "seen"},
    "auto_callout_calls": {"marks", "loaded", "pending", "changing", "ends"},
    "agent_status_history": {"agents"},
}


def read(stream: IO[str]) -> dict[str, Any]:
    """The state document in a --state file (its name for messages), or a ConfigError naming the file."""
    name = getattr(stream, "name", "--state")
    try:
        text = stream.read()
    except UnicodeDecodeError:
        raise ConfigError(f"--state {name}: not UTF-8 text") from None
    return parse(text, f"--state {name}")


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


def cleaned(state: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The parts of ``state`` this tap can use, and one warning per part dropped (naming its stream
    and key). A broken part is dropped alone: the rest, the deletion ledger above all, is kept."""
    warnings: list[str] = []
    for key in sorted(set(state) - {"bookmarks"}):
        warnings.append(f"top-level key {key!r} is not this tap's")
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        return {}, [*warnings, "bookmarks is not an object"]
    kept: dict[str, Any] = {}
    for stream, entry in bookmarks.items():
        if stream not in STREAM_KEYS:
            warnings.append(f"bookmarks of unknown stream {stream!r}")
            continue
        if not isinstance(entry, dict):
            warnings.append(f"{stream}: its bookmark is not an object")
            continue
        kept[stream] = {}
        for key, value in entry.items():
            if key not in STREAM_KEYS[stream]:
                warnings.append(f"{stream}: unknown key {key!r}")
                continue
            good, problems = _clean_part(stream, key, value)
            warnings.extend(f"{stream}: {key}{where}: {problem}" for where, problem in problems)
            if good is not None:
                kept[stream][key] = good
    return ({"bookmarks": kept} if kept else {}), warnings


def _clean_part(stream: str, key: str, value: Any) -> tuple[Any, list[tuple[str, str]]]:
    """(what is usable of one key's value or None, [(where, problem)]) for what was dropped."""
    if key == "last_sync":
        return (value, []) if isinstance(value, dict) else (None, [("", "is not an object")])
    if key == "last_full_refresh":
        return (value, []) if isinstance(value, str) else (None, [("", "is not a date-time string")])
    if key == "cycle":
        problem = cycle.problem(value)
        return (value, []) if problem is None else (None, [("", problem)])
    if key == "apps":
        return _per_app(value, _directory_app)
    if key == "agents":
        return _per_app(value, _bookmarks)
    if key in ("pending", "changing"):
        return _per_app(value, lambda v: _per_campaign(v, _tries, "is not a map of session ids to numbers"))
    if key == "ends":
        return _per_app(value, lambda v: _per_campaign(v, _integer, "is not a unix time"))
    if key == "loaded" and stream in ("predictive_dialing_calls", "auto_callout_calls"):
        return _per_app(value, lambda v: _per_campaign(v, _is_id_set, "is not an id set"))
    # loaded (the campaigns' ledger) and marks: SdkAppId -> encoded id map
    return _per_app(value, lambda v: (v, []) if _is_id_set(v) else (None, [("", "is not an id map")]))


def _directory_app(value: Any) -> tuple[Any, list[tuple[str, str]]]:
    """One app's bookmark of skill_groups or agents: {whole_at, newest, known: {key: checksum}}."""
    if not isinstance(value, dict):
        return None, [("", "is not an object")]
    kept, problems = {}, []
    for name in ("whole_at", "newest"):
        if name in value:
            if _integer(value[name]):
                kept[name] = value[name]
            else:
                problems.append((f".{name}", "is not a unix time"))
    known = value.get("known", {})
    if isinstance(known, dict) and all(isinstance(v, int) and not isinstance(v, bool) for v in known.values()):
        kept["known"] = known
    else:
        # Without what was loaded, nothing can be proved deleted: the next whole read starts over.
        problems.append((".known", "is not a map of keys to checksums"))
        kept.pop("whole_at", None)
    return kept, problems


def _bookmarks(value: Any) -> tuple[Any, list[tuple[str, str]]]:
    """One app's status-history bookmarks: agent -> unix time read up to."""
    if not isinstance(value, dict):
        return None, [("", "is not a map of agents to unix times")]
    kept = {agent: at for agent, at in value.items() if _integer(at)}
    return kept, [(f"[{agent!r}]", "is not a unix time") for agent in value if agent not in kept]


def _per_app(value: Any, clean: Any) -> tuple[Any, list[tuple[str, str]]]:
    if not isinstance(value, dict):
        return None, [("", "is not a map of SdkAppId to values")]
    kept, problems = {}, []
    for app, inner in value.items():
        if not str(app).isdigit():
            problems.append((f"[{app!r}]", "is not an SdkAppId"))
            continue
        good, found = clean(inner)
        problems.extend((f"[{app}]{where}", problem) for where, problem in found)
        if good is not None:
            kept[app] = good
    return kept, problems


def _per_campaign(value: Any, valid: Any, problem: str) -> tuple[Any, list[tuple[str, str]]]:
    if not isinstance(value, dict):
        return None, [("", "is not a map of CampaignId to values")]
    kept, problems = {}, []
    for campaign, inner in value.items():
        if str(campaign).isdigit() and valid(inner):
            kept[campaign] = inner
        else:
            problems.append((f"[{campaign}]", problem))
    return kept, problems


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _tries(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) for k, n in value.items()
    )


def _is_id_set(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        for _ in encoding.decode_pairs(value):
            pass
    except ValueError:
        return False
    return True
