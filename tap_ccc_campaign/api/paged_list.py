"""An app's skill groups, agents or auto-callout tasks: list actions that page from 0.

The skill-group and agent lists take ``ModifiedTime`` (items modified at or after it); none of
the three says when an item was deleted, so a read without it is what proves one gone:
``complete`` tells whether one pass was whole (lists.py), read twice at most.
"""

from __future__ import annotations

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.lists import OffsetList, Read, read_all

PagedList = OffsetList  # the name the streams know these declarations by

SKILL_GROUPS = OffsetList("DescribeSkillGroupInfoList", "SkillGroupList", "SkillGroupId", int, 100)
# The action takes up to 9,999 a page; 1,000 keeps one answer a few hundred KiB.
AGENTS = OffsetList("DescribeStaffInfoList", "StaffList", "Mail", str, 1000)
# No documented maximum page size: 100, as the other lists of the API (a server may give fewer).
TASKS = OffsetList("DescribeAutoCalloutTasks", "Tasks", "TaskId", int, 100)


def read_list(client: CCCClient, kind: OffsetList, sdk_app_id: int, modified_since: int | None = None) -> Read:
    params = {"SdkAppId": sdk_app_id, **({"ModifiedTime": modified_since} if modified_since is not None else {})}
    return read_all(client, kind, params)
