"""An app's skill groups, agents or auto-callout tasks: list actions that page from 0.

The skill-group and agent lists take ``ModifiedTime`` (items modified at or after it); none of
the three says when an item was deleted, so a read without it is what proves one gone:
``complete`` tells whether one pass showed as many distinct items as its TotalCount said, which it
held throughout (a list read while it changes, or with a page repeated, is read once more).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import TransportError

MAX_PASSES = 2


@dataclass(frozen=True)
class PagedList:
    action: str
    list_field: str  # the answer's list: SkillGroupList, StaffList, Tasks
    key: str  # what names an item: SkillGroupId, Mail, TaskId
    key_type: type  # int or str
    page_size: int  # the most the action returns per page


SKILL_GROUPS = PagedList("DescribeSkillGroupInfoList", "SkillGroupList", "SkillGroupId", int, 100)
# The action takes up to 9,999 a page; 1,000 keeps one answer a few hundred KiB.
AGENTS = PagedList("DescribeStaffInfoList", "StaffList", "Mail", str, 1000)
# No documented maximum page size: 100, as the other lists of the API.
TASKS = PagedList("DescribeAutoCalloutTasks", "Tasks", "TaskId", int, 100)


@dataclass
class Read:
    items: dict[Any, dict[str, Any]]  # by key, once each
    complete: bool
    calls: int


def read_list(client: CCCClient, kind: PagedList, sdk_app_id: int, modified_since: int | None = None) -> Read:
    items: dict[Any, dict[str, Any]] = {}
    calls = 0
    for _ in range(MAX_PASSES):
        totals: set[int] = set()
        distinct: set[Any] = set()
        page = 0
        while True:
            params: dict[str, Any] = {"SdkAppId": sdk_app_id, "PageSize": kind.page_size, "PageNumber": page}
            if modified_since is not None:
                params["ModifiedTime"] = modified_since
            result = client.call(kind.action, params)
            calls += 1
            total, entries = result.data.get("TotalCount"), result.data.get(kind.list_field)
            if (
                not isinstance(total, int)
                or not isinstance(entries, list)
                or not all(isinstance(e, dict) and isinstance(e.get(kind.key), kind.key_type) for e in entries)
            ):
                raise TransportError(
                    f"the {kind.action} answer (page {page}) is not the shape the API documents "
                    f"(RequestId {result.request_id})",
                    http_status=200,
                )
            totals.add(total)
            for entry in entries:
                distinct.add(entry[kind.key])
                items[entry[kind.key]] = entry  # the latest answer of a second pass wins
            page += 1
            if not entries or page >= math.ceil(total / kind.page_size):
                break
        if len(totals) == 1 and len(distinct) == total:
            return Read(items, True, calls)
    return Read(items, False, calls)
