"""Every session id of a campaign, from DescribePredictiveDialingSessions' pages.

The list's order is not documented and a running campaign adds sessions while it is read: ids
are de-duplicated, and a pass that was not whole (lists.py) is read once more. A list still
short after that says so (``complete``): its campaign is not done with until it is whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from tap_ccc_campaign.api.client import LIST_SESSIONS, SESSIONS_PAGE_SIZE, CCCClient
from tap_ccc_campaign.api.lists import OffsetList, read_all

SESSIONS = OffsetList(LIST_SESSIONS, "SessionList", None, str, SESSIONS_PAGE_SIZE)


@dataclass
class Sessions:
    ids: list[str]
    complete: bool  # one pass showed as many distinct ids as its TotalCount, which held


def read_sessions(client: CCCClient, sdk_app_id: int, campaign_id: int) -> Sessions:
    read = read_all(client, SESSIONS, {"SdkAppId": sdk_app_id, "CampaignId": campaign_id})
    return Sessions(list(read.items), read.complete)
