"""Errors of the wire, and how each Tencent Cloud error code is treated.

Tencent reports API errors in the JSON body of an HTTP 200 answer, so the
classification is by code (and, for "does not exist", by message), not by HTTP status.
"""

from __future__ import annotations

import enum
import re

from tap_ccc_campaign.errors import TapError


class Disposition(enum.Enum):
    RETRY = "retried with backoff"
    FATAL = "run stopped at once"
    FAIL_CAMPAIGN = "campaign named in the error summary"


class Missing(enum.Enum):
    """What an error answer says about whether the item asked for (campaign, task, agent) exists."""

    SAYS_SO = "the answer says the item does not exist"
    MAYBE = "a code that may mean a missing item, with a message that does not say"
    NO = "the answer is about something else"


_RETRY_PREFIXES = ("RequestLimitExceeded", "InternalError", "ServiceUnavailable")
_FATAL_PREFIXES = (
    "AuthFailure",
    "UnauthorizedOperation",
    "OperationDenied",
    "FailedOperation.PermissionDenied",
    "InvalidAction",
    "NoSuchVersion",
    "UnsupportedRegion",
    "LimitExceeded.BasePackageExpired",
    "UnsupportedProtocol",
    "InvalidParameter.InstanceNotExist",
)
# A CAM policy that does not allow the action: the key is good, only this action is refused.
_DENIED_PREFIXES = (
    "AuthFailure.UnauthorizedOperation",
    "UnauthorizedOperation",
    "OperationDenied",
    "FailedOperation.PermissionDenied",
)
_MISSING_CAMPAIGN_PREFIXES = ("InvalidParameterValue", "ResourceNotFound")
# The same codes answer a bad page size, a time window, an app being migrated: only a message
# about the item itself (a campaign, a task, an agent: staff, seat, account as the SDK's
# InvalidParameterValue.AccountNotExist names it) is proof that it is gone (English or Chinese,
# as X-TC-Language picks). Within one sentence: a dot ends it unless a mail or a name goes on.
_CAMPAIGN_MISSING = re.compile(
    r"(campaign|task|CampaignId|任务|外呼|staff|agent|seat|account|StaffUserId|座席|坐席|员工|账号)"
    r"(?:[^.;。]|\.(?=\S)){0,60}?(not exist|not found|no longer exist|been deleted|不存在|已删除|已被删除)",
    re.IGNORECASE,
)
_OTHER_SUBJECT = re.compile(
    r"SdkAppId|PageSize|PageNumber|TimeStamp|SessionIds|Phones|SkillGroupId|migrat|迁移|应用|instance",
    re.IGNORECASE,
)


def _matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code == p or code.startswith(p + ".") for p in prefixes)


def classify(code: str) -> Disposition:
    """What the tap does with an error code from DescribePredictiveDialingCampaign."""
    # An unknown SdkAppId arrives as InvalidParameterValue.InstanceNotExist: it
    # dooms every call, so it must win over the per-campaign rule below.
    if code.endswith("InstanceNotExist") or _matches(code, _FATAL_PREFIXES):
        return Disposition.FATAL
    if _matches(code, _RETRY_PREFIXES):
        return Disposition.RETRY
    return Disposition.FAIL_CAMPAIGN


def denied(code: str) -> bool:
    """Whether the code says the key may not call this action (a permission, not a broken key)."""
    return _matches(code, _DENIED_PREFIXES)


def missing(code: str, message: str) -> Missing:
    """Whether an error answer to a read of one item (campaign, task, agent) proves the item is
    gone: never by its code alone."""
    if not _matches(code, _MISSING_CAMPAIGN_PREFIXES) or classify(code) is not Disposition.FAIL_CAMPAIGN:
        return Missing.NO
    if _CAMPAIGN_MISSING.search(message):
        return Missing.SAYS_SO
    if _OTHER_SUBJECT.search(message):
        return Missing.NO
    return Missing.MAYBE


class TransportError(TapError):
    """The call did not produce a Tencent answer: network, HTTP status or body shape.

    ``fatal`` marks failures no retry and no other campaign can change (TLS, redirects,
    HTTP 4xx, a header that cannot be sent): the run stops at once.
    """

    def __init__(self, message: str, *, http_status: int | None = None, fatal: bool = False) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.fatal = fatal


class APIError(TapError):
    """An error answer from Tencent Cloud, with its code, message and RequestId."""

    def __init__(self, code: str, message: str, request_id: str | None) -> None:
        super().__init__(f"{code}: {message} (RequestId {request_id or 'none'})")
        self.code = code
        self.message = message
        self.request_id = request_id

    @property
    def disposition(self) -> Disposition:
        return classify(self.code)

    @property
    def missing(self) -> Missing:
        return missing(self.code, self.message)


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, TransportError):
        return not exc.fatal
    return isinstance(exc, APIError) and exc.disposition is Disposition.RETRY
