"""Per app, each campaign whose sessions were listed, with the mark of its list entry then (fingerprints.mark)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tap_ccc_campaign.state import encoding


def decode_marks(state: dict[str, Any]) -> defaultdict[int, dict[int, int]]:
    marks: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for app, encoded in (state.get("marks") or {}).items():
        marks[int(app)] = encoding.decode_map(encoded)
    return marks


def encode_marks(marks: dict[int, dict[int, int]]) -> dict[str, str]:
    return {str(app): encoding.encode_map(ids) for app, ids in sorted(marks.items())}
