"""Every Tencent error code maps to what the tap does with it."""

from __future__ import annotations

import pytest

from tap_ccc_campaign.errors import APIError, Disposition, TransportError, classify, is_retryable


@pytest.mark.parametrize(
    ("code", "disposition"),
    [
        ("RequestLimitExceeded", Disposition.RETRY),
        ("RequestLimitExceeded.UinLimitExceeded", Disposition.RETRY),
        ("RequestLimitExceeded.GlobalRegionUinLimitExceeded", Disposition.RETRY),
        ("InternalError", Disposition.RETRY),
        ("InternalError.DBError", Disposition.RETRY),
        ("ServiceUnavailable", Disposition.RETRY),
        ("AuthFailure.SignatureFailure", Disposition.FATAL),
        ("AuthFailure.SignatureExpire", Disposition.FATAL),
        ("AuthFailure.SecretIdNotFound", Disposition.FATAL),
        ("AuthFailure.UnauthorizedOperation", Disposition.FATAL),
        ("UnauthorizedOperation", Disposition.FATAL),
        ("OperationDenied.NotInWhiteList", Disposition.FATAL),
        ("FailedOperation.PermissionDenied", Disposition.FATAL),
        ("InvalidParameterValue.InstanceNotExist", Disposition.FATAL),
        ("InvalidParameter.InstanceNotExist", Disposition.FATAL),
        ("InvalidAction", Disposition.FATAL),
        ("NoSuchVersion", Disposition.FATAL),
        ("UnsupportedRegion", Disposition.FATAL),
        ("LimitExceeded.BasePackageExpired", Disposition.FATAL),
        ("InvalidParameterValue", Disposition.SKIP_CAMPAIGN),
        ("ResourceNotFound", Disposition.SKIP_CAMPAIGN),
        ("ResourceNotFound.Campaign", Disposition.SKIP_CAMPAIGN),
        ("InvalidParameter", Disposition.FAIL_CAMPAIGN),
        ("FailedOperation", Disposition.FAIL_CAMPAIGN),
        ("InternalErrorish", Disposition.FAIL_CAMPAIGN),
    ],
)
def test_classify(code, disposition):
    assert classify(code) is disposition


def test_api_error_names_code_message_and_request_id():
    error = APIError("AuthFailure.SignatureFailure", "bad signature", "req-1")
    assert str(error) == "AuthFailure.SignatureFailure: bad signature (RequestId req-1)"


def test_transport_errors_are_retryable_and_fatal_codes_are_not():
    assert is_retryable(TransportError("HTTP 502", http_status=502))
    assert is_retryable(APIError("InternalError.DBError", "x", None))
    assert not is_retryable(APIError("AuthFailure.SignatureFailure", "x", None))
    assert not is_retryable(ValueError("x"))
