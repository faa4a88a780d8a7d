"""An agent's status changes in one time window, from DescribeStaffStatusHistory's cursor pages.

One agent per call, a window under 7 days starting at most 180 days back (``windows``). Each
item carries a Cursor; the next page is asked for after the last item's. A page shorter than
asked ends the window; a cursor that does not move is a broken answer, not a reason to loop.
"""

from __future__ import annotations

from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import TransportError

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


def read_window(client: CCCClient, sdk_app_id: int, agent: str, window: tuple[int, int]) -> list[dict[str, Any]]:
    """The agent's status changes with window[0] <= Timestamp < window[1] (the next window has the rest)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, Any] = {
            "SdkAppId": sdk_app_id,
            "StaffUserId": agent,
            "StartTimestamp": window[0],
            "EndTimestamp": window[1],
            "PageSize": PAGE_SIZE,
        }
        if cursor is not None:
            params["Cursor"] = cursor
        result = client.call(ACTION, params)
        data = result.data.get("Data") or []
        if not isinstance(data, list) or not all(
            isinstance(e, dict) and isinstance(e.get("Timestamp"), int)  # Status: the schema judges each record
            for e in data
        ):
            raise TransportError(
                f"the status history of agent {agent} is not the shape the API documents (RequestId {result.request_id})",
                http_status=200,
            )
        found += [e for e in data if window[0] <= e["Timestamp"] < window[1]]
        if len(data) < PAGE_SIZE:
            return found
        last = data[-1].get("Cursor")
        if not isinstance(last, str) or not last or last == cursor:
            raise TransportError(
                f"the status history of agent {agent} gave a full page without a new Cursor "
                f"(RequestId {result.request_id})",
                http_status=200,
            )
        cursor = last
    raise TransportError(f"the status history of agent {agent} kept paging past {MAX_PAGES} pages", http_status=200)
