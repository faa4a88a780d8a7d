"""Whether a campaign can have made calls since the last sync, from its list entry alone.

A campaign makes calls only while it runs (Status 1). One that was running neither at the last
sync nor now, and whose list entry (status and callee counts included) has not moved, has no
new session: listing its sessions again would cost calls and find nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_ccc_campaign.state.fingerprints import mark

NOT_STARTED = 0
RUNNING = 1
TERMINAL = (3, 4)  # aborted, finished: no call ever again


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
