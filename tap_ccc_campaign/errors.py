"""Typed errors, and how each Tencent Cloud error code is treated.

Tencent reports API errors in the JSON body of an HTTP 200 answer, so the
classification is by code, not by HTTP status.
"""

from __future__ import annotations

import enum


class Disposition(enum.Enum):
    RETRY = "retried with backoff"
    SKIP_CAMPAIGN = "campaign skipped with a warning"
    FATAL = "run stopped at once"
    FAIL_CAMPAIGN = "campaign named in the error summary"


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
_MISSING_CAMPAIGN_PREFIXES = ("InvalidParameterValue", "ResourceNotFound")


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
    if _matches(code, _MISSING_CAMPAIGN_PREFIXES):
        return Disposition.SKIP_CAMPAIGN
    return Disposition.FAIL_CAMPAIGN


class TapError(Exception):
    """Base of every error the tap reports to a person as one line."""

    exit_code = 1
    attempts = 1  # how many calls were made before giving up, where that applies


class ConfigError(TapError):
    exit_code = 2


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


class FatalRunError(TapError):
    """An error that dooms the whole run: no further calls are made."""


class SyncFailedError(TapError):
    """The sync finished, but some campaigns could not be emitted."""


class TargetGone(TapError):  # noqa: N818 - reads as an event, like SyncInterrupted
    """stdout was closed: the loader reading it ended."""


class SyncInterrupted(TapError):  # noqa: N818 - reads as an event, like KeyboardInterrupt
    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}; the last STATE emitted is valid")
        self.exit_code = 128 + signum


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, TransportError):
        return not exc.fatal
    return isinstance(exc, APIError) and exc.disposition is Disposition.RETRY
