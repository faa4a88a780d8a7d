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
# The same codes answer a bad page size, a time window, an app being migrated, and a campaign whose
# skill group or IVR is gone: only a message whose subject is the item read itself (a campaign, a
# task, an agent), followed by no more than its id, is proof that it is gone (English or Chinese,
# as X-TC-Language picks).
_GONE = (
    r"(?:does not exist|do not exist|doesn't exist|not exists?|(?:is|was) not found|not found"
    r"|no longer exists?|(?:has|have) been deleted|(?:is|was) deleted|不存在|已删除|已被删除)"
)
_CAMPAIGN = (
    r"(?:(?<![\w'’])(?:predictive[ -]?dialing |auto[ -]?callout |outbound )?(?:campaign|task)(?:[ _-]?id)?"
    r"|(?:外呼|预测外呼|自动外呼)?(?:任务|活动)(?:\s*ID)?)"
)
# An agent, as the SDK's InvalidParameterValue.AccountNotExist ("账号不存在") and the console name one.
_AGENT = r"(?:(?<![\w'’])(?:staff|agent|seat|account)(?:[ _-]?(?:user)?[ _-]?id)?|座席|坐席|员工|账号)"
# Then only its id (a number or an e-mail; quoted, bracketed, after "id", ":" or "#"), then the verb.
_ITS_ID = r"[\s\[\](){}\"'`#:=]*(?:(?:with )?id\b[\s:=#]*)?(?:\d+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)?[\s\[\](){}\"'`]*"
_SAYS_GONE = {
    subject: re.compile(pattern + _ITS_ID + _GONE, re.IGNORECASE)
    for subject, pattern in (("campaign", _CAMPAIGN), ("task", _CAMPAIGN), ("agent", _AGENT))
}
# "SkillGroupId 3 of campaign 12 does not exist": after a preposition, the campaign is not the subject.
_AFTER_PREPOSITION = re.compile(
    r"\b(?:of|for|in|from|on|by|under|with|to)\s+(?:the\s+|this\s+|its\s+)?$", re.IGNORECASE
)
_OTHER_SUBJECT = re.compile(
    r"SdkAppId|PageSize|PageNumber|TimeStamp|SessionIds|Phones|SkillGroup|skill group|IVR|agent|staff|seat"
    r"|caller|callee|migrat|技能组|坐席|号码|迁移|应用|instance",
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


def missing(code: str, message: str, subject: str = "campaign") -> Missing:
    """Whether an error answer to a read of one item (``subject``: campaign, task or agent) proves it
    is gone: never by its code alone, and never by a message that says something else is gone
    ("CampaignId 12: its SkillGroupId 3 does not exist", "the campaign's skill group does not exist")."""
    if not _matches(code, _MISSING_CAMPAIGN_PREFIXES) or classify(code) is not Disposition.FAIL_CAMPAIGN:
        return Missing.NO
    said = _SAYS_GONE[subject].finditer(message)
    if any(not _AFTER_PREPOSITION.search(message[: m.start()]) for m in said):
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
        """What the answer says about the campaign read."""
        return missing(self.code, self.message)

    def missing_for(self, subject: str) -> Missing:
        """What the answer says about the item read: a campaign, a task or an agent."""
        return missing(self.code, self.message, subject)


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, TransportError):
        return not exc.fatal
    return isinstance(exc, APIError) and exc.disposition is Disposition.RETRY
