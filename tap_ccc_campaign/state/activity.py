"""Whether a campaign can have made calls since the last sync, from its list entry alone.

A campaign makes calls only while it runs (Status 1). One that was running neither at the last
sync nor now, and whose list entry (status and callee counts included) has not moved, has no
new session: listing its sessions again would cost calls and find nothing new.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

NOT_STARTED = 0
RUNNING = 1
TERMINAL = (3, 4)  # aborted, finished: no call ever again
FIELDS = ("Status", "StatusReason", "CalleeCount", "FinishedCalleeCount")


def mark(entry: Mapping[str, Any]) -> int:
    """24 bits of a checksum of what the list says of a campaign's progress, with its Status in the
    3 low bits: a status change is always seen; a change of counts alone (a paused campaign that
    ran and paused again between two syncs) slips through once in 16 million."""
    status = entry.get("Status")
    text = json.dumps([entry.get(name) for name in FIELDS])
    checksum = zlib.crc32(text.encode("ascii")) & 0xFFFFFF
    return (checksum << 3) | (status if isinstance(status, int) and 0 <= status < 8 else 7)


def may_have_new_sessions(entry: Mapping[str, Any], previous: int | None) -> bool:
    if entry.get("Status") == NOT_STARTED:
        return False  # it has never called anyone
    if previous is None:
        return True  # never listed
    if entry.get("Status") == RUNNING or previous & 7 == RUNNING:
        return True  # running now or then
    return mark(entry) != previous


def terminal(entry: Mapping[str, Any]) -> bool:
    return entry.get("Status") in TERMINAL
