"""Per app, each campaign whose sessions were listed, with the mark of its list entry then (fingerprints.mark)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.state.keys import by_id


def decode_marks(
    state: dict[str, Any], where: str = "marks", warn: Callable[[str], None] | None = None
) -> defaultdict[int, dict[int, int]]:
    """``where`` ("predictive_dialing_sessions: marks") names the part in the warning about a key
    dropped, given to ``warn`` (this module's logger by default)."""
    marks: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for app, encoded in by_id(state.get("marks"), where, warn or logging.getLogger(__name__).warning).items():
        marks[app] = encoding.decode_map(encoded)
    return marks


def encode_marks(marks: dict[int, dict[int, int]]) -> dict[str, str]:
    return {str(app): encoding.encode_map(ids) for app, ids in sorted(marks.items())}
