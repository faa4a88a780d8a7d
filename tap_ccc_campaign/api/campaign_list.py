"""Every campaign of an app, each once, from DescribePredictiveDialingCampaigns' pages.

The list's order is not documented and campaigns may be created or deleted while the tap
pages through it, which shifts later pages: an id seen twice is yielded once, and a pass that
was not whole (lists.py: the TotalCount moved, or it counted more than the pages showed) is
read again, yielding only ids not seen yet. A campaign deleted meanwhile is answered as missing
when its settings are read, and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tap_ccc_campaign.api.client import LIST_CAMPAIGNS, LIST_PAGE_SIZE, CCCClient
from tap_ccc_campaign.api.lists import OffsetList, OffsetReader
from tap_ccc_campaign.state.ids import IdSet

MAX_PASSES = 3
CAMPAIGNS = OffsetList(LIST_CAMPAIGNS, "CampaignList", "CampaignId", int, LIST_PAGE_SIZE, MAX_PASSES)
# A list entry's fields besides CampaignId (DescribePredictiveDialingCampaignsElement), and the two
# views of them a sync relies on: what settles a started campaign's settings row (nothing else of
# it can change once it has started), and what moves while it calls.
ENTRY_FIELDS = ("Name", "Status", "StatusReason", "CalleeCount", "FinishedCalleeCount", "Priority", "SkillGroupId")
SETTINGS_FIELDS = ("Name", "Status", "StatusReason", "Priority", "SkillGroupId")
PROGRESS_FIELDS = ("Status", "StatusReason", "CalleeCount", "FinishedCalleeCount")


class Listing:
    def __init__(self, client: CCCClient, sdk_app_id: int, logger: logging.Logger) -> None:
        self.client = client
        self.sdk_app_id = sdk_app_id
        self.logger = logger
        self.seen = IdSet()
        self.total: int | None = None  # the last TotalCount the API gave
        self.complete = False  # once read: whether one pass held every campaign the list counts
        self.calls = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each campaign's list entry (CampaignId, Name, Status, ...), once, with ObservedAt: when
        its page was read (UTC, RFC 3339). ``complete`` tells afterwards whether one pass was whole."""
        reader = OffsetReader(self.client, CAMPAIGNS, {"SdkAppId": self.sdk_app_id})
        for current in reader.passes():
            for entries in current:
                observed = datetime.now(UTC).isoformat(timespec="seconds")
                self.calls, self.total = reader.calls, reader.total
                for entry in entries:
                    if entry["CampaignId"] not in self.seen:
                        self.seen.add(entry["CampaignId"])
                        yield {**entry, "ObservedAt": observed}
            if not current.complete and current.number < MAX_PASSES:
                self.logger.info(
                    "SdkAppId %d: the list showed %d distinct campaign(s) of TotalCount %s (pages repeated, "
                    "or campaigns were created or deleted while listing): listing again",
                    self.sdk_app_id,
                    len(current.distinct),
                    " -> ".join(map(str, sorted(current.totals))),
                )
        self.complete = reader.complete
        if not self.complete:
            self.logger.warning(
                "SdkAppId %d: no pass over the campaign list was complete in %d tries (%d campaign(s) found): "
                "campaigns the list left out are not read, and none is marked deleted this sync",
                self.sdk_app_id,
                MAX_PASSES,
                len(self.seen),
            )
