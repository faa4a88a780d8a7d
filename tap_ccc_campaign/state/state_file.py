"""The --state input: read it, and keep the parts of it that have this tap's layout (shapes.py).

Parts of another layout (another tap's, an older one, a hand-edited or half-written one) are
dropped one by one, each with a warning: carried forward, they would travel from run to run and
never mean anything, while the parts still good (which campaigns were loaded) keep their worth.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import IO, Any

from tap_ccc_campaign.errors import ConfigError
from tap_ccc_campaign.state import shapes

DROPPED = "; that part is dropped, the rest is kept."


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
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ConfigError(
            f"{source}: must hold a JSON object, like a STATE message's value, got a {type(value).__name__}"
        )
    return value


def cleaned(
    state: dict[str, Any], declared: Mapping[str, Mapping[str, shapes.Shape]], now: float | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The parts of ``state`` this tap can use, each checked against its stream's declared shape
    (``declared``: each stream's ``state_shape``), and one warning per part dropped or clamped (naming its stream and key). A
    broken part is dropped alone: the rest, the deletion ledger above all, is kept. A time later
    than ``now`` (default: the clock) is read as now."""
    ctx = shapes.Context(int(time.time() if now is None else now))
    warnings: list[str] = []
    for key in sorted(set(state) - {"bookmarks"}):
        warnings.append(f"top-level key {key!r} is not this tap's{DROPPED}")
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        return {}, [*warnings, f"bookmarks is not an object{DROPPED}"]
    kept: dict[str, Any] = {}
    for stream, entry in bookmarks.items():
        keys = declared.get(stream)
        if keys is None:
            warnings.append(f"bookmarks of unknown stream {stream!r}{DROPPED}")
            continue
        if not isinstance(entry, dict):
            warnings.append(f"{stream}: its bookmark is not an object{DROPPED}")
            continue
        kept[stream] = {}
        for key, value in entry.items():
            if key not in keys:
                warnings.append(f"{stream}: unknown key {key!r}{DROPPED}")
                continue
            good, findings = keys[key].clean(value, ctx)
            for finding in findings:
                line = f"{stream}: {key}{finding.where}: {finding.problem}"
                warnings.append(line if finding.clamped else line + DROPPED)
            if good is not shapes.DROP:
                kept[stream][key] = good
    return ({"bookmarks": kept} if kept else {}), warnings
