"""One auto-callout task's detail (DescribeAutoCalloutTask): its settings and every callee, with
the session ids of each attempt, checked for the shape the API documents."""

from __future__ import annotations

from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import TransportError

DESCRIBE_TASK = "DescribeAutoCalloutTask"


def read_task(client: CCCClient, sdk_app_id: int, task_id: int) -> dict[str, Any]:
    result = client.call(DESCRIBE_TASK, {"SdkAppId": sdk_app_id, "TaskId": task_id})
    callees = result.data.get("Callees") or []
    if not isinstance(callees, list) or not all(_is_callee(c) for c in callees):
        raise TransportError(
            f"the callees of auto-callout task {task_id} are not the shape the API documents "
            f"(RequestId {result.request_id})",
            http_status=200,
        )
    return {**result.data, "Callees": callees}


def _is_callee(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Callee"), str):
        return False
    sessions = value.get("Sessions")
    return sessions is None or (isinstance(sessions, list) and all(isinstance(s, str) for s in sessions))


def sessions_of(detail: dict[str, Any]) -> list[str]:
    """Every attempt's session id, once, in the order the callees list them."""
    return list(dict.fromkeys(s for callee in detail["Callees"] for s in callee.get("Sessions") or ()))
