"""Every campaign of an app, each once, from DescribePredictiveDialingCampaigns' pages.

The list's order is not documented and campaigns may be created or deleted while the tap
pages through it, which shifts later pages: an id seen twice is yielded once, and when the
TotalCount moved during a pass (so a page may have slid past an id) the list is read again,
yielding only ids not seen yet. A campaign deleted meanwhile is answered as missing when
its settings are read, and skipped.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tap_ccc_campaign.api.client import LIST_PAGE_SIZE, CCCClient
from tap_ccc_campaign.api.errors import TransportError
from tap_ccc_campaign.state.ids import IdSet

MAX_PASSES = 3
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
        its page was read (UTC, RFC 3339). ``complete`` tells afterwards whether one pass showed as
        many distinct campaigns as its TotalCount said, which it held throughout."""
        for number in range(1, MAX_PASSES + 1):
            totals: set[int] = set()
            distinct = IdSet()  # of this pass: a page that repeats another adds nothing here
            page = 0
            while True:
                total, entries = self._page(page)
                totals.add(total)
                for entry in entries:
                    distinct.add(entry["CampaignId"])
                    if entry["CampaignId"] not in self.seen:
                        self.seen.add(entry["CampaignId"])
                        yield entry
                page += 1
                if not entries or page >= math.ceil(total / LIST_PAGE_SIZE):
                    break
            if len(totals) == 1 and len(distinct) == total:
                self.complete = True
                return
            if number < MAX_PASSES:
                self.logger.info(
                    "SdkAppId %d: the list showed %d distinct campaign(s) of TotalCount %s (pages repeated, "
                    "or campaigns were created or deleted while listing): listing again",
                    self.sdk_app_id,
                    len(distinct),
                    " -> ".join(map(str, sorted(totals))),
                )
        self.logger.warning(
            "SdkAppId %d: no pass over the campaign list was complete in %d tries (%d campaign(s) found): "
            "campaigns the list left out are not read, and none is marked deleted this sync",
            self.sdk_app_id,
            MAX_PASSES,
            len(self.seen),
        )

    def _page(self, page: int) -> tuple[int, list[dict[str, Any]]]:
        result = self.client.list_campaigns(self.sdk_app_id, page)
        observed = datetime.now(UTC).isoformat(timespec="seconds")
        self.calls += 1
        total = result.data.get("TotalCount")
        entries = result.data.get("CampaignList", [])
        if (
            not isinstance(total, int)
            or not isinstance(entries, list)
            or not all(isinstance(e, dict) and isinstance(e.get("CampaignId"), int) for e in entries)
        ):
            raise TransportError(
                f"the list of campaigns (page {page}) is not the shape the API documents (RequestId {result.request_id})",
                http_status=200,
            )
        self.total = total
        return total, [{**entry, "ObservedAt": observed} for entry in entries]
