"""The read-only actions, over the apps' data stores (SdkAppId -> store) at the emulator's time ``now``."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ccc_emulator import status
from ccc_emulator.data import CampaignStore
from ccc_emulator.protocol import ApiError

Params = dict[str, Any]
World = dict[int, CampaignStore]


def _integer(params: Params, name: str, *, required: bool = True) -> int | None:
    if name not in params:
        if required:
            raise ApiError("MissingParameter", f"The request is missing a required parameter `{name}`.")
        return None
    value = params[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError("InvalidParameter", f"The parameter `{name}` must be an integer, got {value!r}.")
    return value


def _page(params: Params, max_size: int) -> tuple[int, int]:
    size, number = _integer(params, "PageSize"), _integer(params, "PageNumber")
    assert size is not None
    assert number is not None
    if not 1 <= size <= max_size:
        raise ApiError("InvalidParameterValue", f"PageSize must be between 1 and {max_size}, got {size}.")
    if number < 0:
        raise ApiError("InvalidParameterValue", f"PageNumber must be 0 or more, got {number}.")
    return size, number


def _app(world: World, params: Params) -> CampaignStore:
    sdk_app_id = _integer(params, "SdkAppId")
    store = world.get(sdk_app_id) if sdk_app_id is not None else None
    if store is None:
        raise ApiError("InvalidParameterValue.InstanceNotExist", f"SdkAppId {sdk_app_id} does not exist.")
    return store


def _campaign_id(store: CampaignStore, params: Params) -> int:
    campaign_id = _integer(params, "CampaignId")
    assert campaign_id is not None
    if not store.has(campaign_id):
        raise ApiError("InvalidParameterValue", store.missing_message.format(campaign_id=campaign_id))
    return campaign_id


def describe_campaign(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    campaign = store.campaign(_campaign_id(store, params))
    assert campaign is not None
    return campaign


def describe_campaigns(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    size, number = _page(params, 100)
    name = params.get("Name")
    if name is not None and not isinstance(name, str):
        raise ApiError("InvalidParameter", "The parameter `Name` must be a string.")
    skill_group = _integer(params, "SkillGroupId", required=False)
    wanted_id = _integer(params, "CampaignId", required=False)
    ids = store.listed_ids() if wanted_id is None else [i for i in (wanted_id,) if store.has(i)]
    page = slice(number * size, (number + 1) * size)
    if name is None and skill_group is None:  # no filter: summarise the page only
        return {"TotalCount": len(ids), "CampaignList": [store.summary(cid) for cid in ids[page]]}
    matches = [
        entry
        for entry in (store.summary(cid) for cid in ids)
        if (name is None or name in entry["Name"]) and (skill_group is None or entry["SkillGroupId"] == skill_group)
    ]
    return {"TotalCount": len(matches), "CampaignList": matches[page]}


def describe_sessions(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    campaign_id = _campaign_id(store, params)
    size, number = _page(params, 1000)
    total, shown = store.session_page(campaign_id, number * size, size)
    return {"TotalCount": total, "SessionList": shown}


DAY = 86400


def _timestamps(params: Params, now: float) -> tuple[int, int]:
    start, end = _integer(params, "StartTimeStamp"), _integer(params, "EndTimeStamp")
    assert start is not None
    assert end is not None
    if end < start:
        raise ApiError("InvalidParameterValue", "EndTimeStamp must not be earlier than StartTimeStamp.")
    if end - start >= 90 * DAY:
        raise ApiError(
            "InvalidParameterValue", "The time span between StartTimeStamp and EndTimeStamp must be under 90 days."
        )
    if start < now - 180 * DAY:
        raise ApiError("InvalidParameterValue", "StartTimeStamp must be within the last 180 days.")
    return start, end


def _strings(params: Params, name: str, most: int) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError("InvalidParameter", f"The parameter `{name}` must be a list of strings.")
    if len(value) > most:
        raise ApiError("InvalidParameterValue", f"`{name}` holds at most {most} items, got {len(value)}.")
    return value


def describe_tel_cdr(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    start, end = _timestamps(params, now)
    size, number = _page(params, 100)
    wanted = _strings(params, "SessionIds", 100)
    phones = _strings(params, "Phones", 100)
    if wanted is not None:
        found = (store.call(session) for session in dict.fromkeys(wanted))
        candidates: Iterable[dict[str, Any]] = (r for r in found if r is not None)
    else:
        candidates = store.every_call()
    total = 0

    def matching() -> Iterator[dict[str, Any]]:
        nonlocal total
        for r in candidates:
            if start <= r["Time"] <= end and (phones is None or r["Caller"] in phones or r["Callee"] in phones):
                total += 1
                yield r

    # Only the records up to the page asked are kept: a large account's calls are never all held.
    first = heapq.nsmallest((number + 1) * size, matching(), key=lambda r: (r["Time"], r["SessionId"]))
    return {"TotalCount": total, "TelCdrList": first[number * size :]}


def describe_skill_groups(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    size, number = _page(params, 100)
    modified = _integer(params, "ModifiedTime", required=False)
    wanted = _integer(params, "SkillGroupId", required=False)
    name = params.get("SkillGroupName")
    if name is not None and not isinstance(name, str):
        raise ApiError("InvalidParameter", "The parameter `SkillGroupName` must be a string.")
    groups = [
        g
        for g in store.directory.skill_groups(modified)
        if (wanted is None or g["SkillGroupId"] == wanted) and (name is None or name in g["SkillGroupName"])
    ]
    return {"TotalCount": len(groups), "SkillGroupList": groups[number * size : (number + 1) * size]}


def describe_staff(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    size, number = _page(params, 9999)
    modified = _integer(params, "ModifiedTime", required=False)
    group = _integer(params, "SkillGroupId", required=False)
    mail = params.get("StaffMail")
    if mail is not None and not isinstance(mail, str):
        raise ApiError("InvalidParameter", "The parameter `StaffMail` must be a string.")
    staff = [
        a
        for a in store.directory.agents(modified)
        if (mail is None or a["Mail"] == mail)
        and (group is None or any(g["SkillGroupId"] == group for g in a["SkillGroupList"]))
    ]
    return {"TotalCount": len(staff), "StaffList": staff[number * size : (number + 1) * size]}


def describe_tasks(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    size, number = _page(params, 100)
    ids = store.tasks.ids()
    page = ids[number * size : (number + 1) * size]
    answer = {"TotalCount": len(ids), "Tasks": [store.tasks.summary(t) for t in page]}
    store.tasks.listed(page)
    return answer


def describe_task(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    task_id = _integer(params, "TaskId")
    if not store.tasks.has(task_id):  # type: ignore[arg-type]
        raise ApiError("InvalidParameterValue", f"Task {task_id} does not exist.")
    return store.tasks.detail(task_id)  # type: ignore[arg-type]


def describe_staff_status_history(world: World, params: Params, now: float) -> dict[str, Any]:
    store = _app(world, params)
    agent = params.get("StaffUserId")
    if not isinstance(agent, str) or not agent:
        raise ApiError("MissingParameter", "The request is missing a required parameter `StaffUserId`.")
    if not store.directory.has_agent(agent):  # never created, or deleted since it was listed
        raise ApiError("InvalidParameterValue.AccountNotExist", f"Staff {agent} does not exist.")
    start, end = _integer(params, "StartTimestamp"), _integer(params, "EndTimestamp")
    assert start is not None
    assert end is not None
    if end < start:
        raise ApiError("InvalidParameterValue", "EndTimestamp must not be earlier than StartTimestamp.")
    if end - start >= 7 * DAY:
        raise ApiError(
            "InvalidParameterValue", "The time span between StartTimestamp and EndTimestamp must be under 7 days."
        )
    if start < now - 180 * DAY:
        raise ApiError("InvalidParameterValue", "StartTimestamp must be within the last 180 days.")
    size = _integer(params, "PageSize", required=False) or HISTORY_PAGE
    if not 1 <= size <= 100:
        raise ApiError("InvalidParameterValue", f"PageSize must be between 1 and 100, got {size}.")
    cursor = params.get("Cursor") or None
    if cursor is not None and not isinstance(cursor, str):
        raise ApiError("InvalidParameter", "The parameter `Cursor` must be a string.")
    return {"Data": status.page(store.status_events(agent, start, end), start, end, cursor, size)}


# Each list action's list: what a page cap cuts.
LIST_FIELDS = {
    "DescribePredictiveDialingCampaigns": "CampaignList",
    "DescribePredictiveDialingSessions": "SessionList",
    "DescribeTelCdr": "TelCdrList",
    "DescribeSkillGroupInfoList": "SkillGroupList",
    "DescribeStaffInfoList": "StaffList",
    "DescribeAutoCalloutTasks": "Tasks",
    "DescribeStaffStatusHistory": "Data",
}
HISTORY_PAGE = 100  # DescribeStaffStatusHistory's page when PageSize is not sent

ACTIONS: dict[str, Callable[[World, Params, float], dict[str, Any]]] = {
    "DescribePredictiveDialingCampaign": describe_campaign,
    "DescribePredictiveDialingCampaigns": describe_campaigns,
    "DescribePredictiveDialingSessions": describe_sessions,
    "DescribeTelCdr": describe_tel_cdr,
    "DescribeSkillGroupInfoList": describe_skill_groups,
    "DescribeStaffInfoList": describe_staff,
    "DescribeAutoCalloutTasks": describe_tasks,
    "DescribeAutoCalloutTask": describe_task,
    "DescribeStaffStatusHistory": describe_staff_status_history,
}
