"""Every session id of a campaign, from DescribePredictiveDialingSessions' pages.

The list's order is not documented and a running campaign adds sessions while it is read:
ids are de-duplicated, and when TotalCount moved during a pass the list is read once more.
"""

from __future__ import annotations

import math

from tap_ccc_campaign.api.client import SESSIONS_PAGE_SIZE, CCCClient
from tap_ccc_campaign.api.errors import TransportError

MAX_PASSES = 2


def read_sessions(client: CCCClient, sdk_app_id: int, campaign_id: int) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(MAX_PASSES):
        totals: set[int] = set()
        page = 0
        while True:
            result = client.list_sessions(sdk_app_id, campaign_id, page)
            total, ids = result.data.get("TotalCount"), result.data.get("SessionList") or []
            if not isinstance(total, int) or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise TransportError(
                    f"the sessions of campaign {campaign_id} (page {page}) are not the shape the API documents "
                    f"(RequestId {result.request_id})",
                    http_status=200,
                )
            totals.add(total)
            seen.update(dict.fromkeys(ids))
            page += 1
            if not ids or page >= math.ceil(total / SESSIONS_PAGE_SIZE):
                break
        if len(totals) == 1 and len(seen) >= total:
            break
    return list(seen)
