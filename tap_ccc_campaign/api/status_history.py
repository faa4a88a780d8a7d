"""An agent's status changes in one time window, from DescribeStaffStatusHistory's cursor pages.

One agent per call, a window under 7 days starting at most 180 days back (``windows``). Each
item carries a Cursor; the next page is asked for after the last item's. An empty page ends the
window; a page shorter than asked does not (no maximum is documented: a server may give fewer),
and a cursor that comes back leaves the window incomplete (lists.py): its agent's bookmark must
not move past it.
"""

from __future__ import annotations

from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.lists import CursorList, CursorRead, read_cursor_list

ACTION = "DescribeStaffStatusHistory"
PAGE_SIZE = 100  # no documented maximum: the API's usual list page
SPAN = 7 * 86400 - 1  # EndTimestamp - StartTimestamp must be under 7 days
MAX_PAGES = 10_000  # a million changes of one agent in a week: beyond any real account


def windows(start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut into windows the action accepts, oldest first."""
    found = []
    while start < end:
        found.append((start, min(end, start + SPAN)))
        start = found[-1][1]
    return found


def read_window(client: CCCClient, sdk_app_id: int, agent: str, window: tuple[int, int]) -> CursorRead:
    """The agent's status changes with window[0] <= Timestamp < window[1] (the next window has the rest)."""
    kind = CursorList(ACTION, "Data", PAGE_SIZE, MAX_PAGES)
    params = {"SdkAppId": sdk_app_id, "StaffUserId": agent, "StartTimestamp": window[0], "EndTimestamp": window[1]}
    # Paging needs only the Timestamp (to keep the window's own) and the last item's Cursor: any
    # other field, a null Status included, is the record check's to judge.
    read = read_cursor_list(client, kind, params, lambda e: _integer(e.get("Timestamp")))
    read.items = [e for e in read.items if window[0] <= e["Timestamp"] < window[1]]
    return read


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
