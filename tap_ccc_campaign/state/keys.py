"""A part of a stream's state keyed by ids (SdkAppId, CampaignId, TaskId), read as ints.

A key that is not one (hand-edited, mangled: "²" passes str.isdigit() yet int() refuses it) is
dropped alone, with a warning: int() on it would stop the stream, and the rest of the part keeps
its worth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from tap_ccc_campaign.state.shapes import is_id

V = TypeVar("V")


def by_id(part: Mapping[str, V] | None, where: str, warn: Callable[[str], None]) -> dict[int, V]:
    """``part`` with its keys as ints; ``where`` ("pending[1400000000]") names it in the warning."""
    kept: dict[int, V] = {}
    for key, value in (part or {}).items():
        if is_id(key):
            kept[int(key)] = value
        else:
            warn(f"The state given: {where}[{key!r}]: is not an id; that part is dropped, the rest is kept.")
    return kept
