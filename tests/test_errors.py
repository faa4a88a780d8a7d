"""Every Tencent error code maps to what the tap does with it."""

from __future__ import annotations

import pytest

from tap_ccc_campaign.api.errors import APIError, Disposition, Missing, TransportError, classify, is_retryable, missing


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
        ("InvalidParameterValue", Disposition.FAIL_CAMPAIGN),
        ("ResourceNotFound", Disposition.FAIL_CAMPAIGN),
        ("ResourceNotFound.Campaign", Disposition.FAIL_CAMPAIGN),
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


@pytest.mark.parametrize(
    ("code", "message", "says"),
    [
        ("InvalidParameterValue", "CampaignId 2569 does not exist.", Missing.SAYS_SO),
        ("ResourceNotFound", "The campaign was not found.", Missing.SAYS_SO),
        ("InvalidParameterValue", "外呼任务不存在", Missing.SAYS_SO),
        ("InvalidParameterValue", "PageSize out of range", Missing.NO),
        ("InvalidParameterValue", "SdkAppId 1400000000 is being migrated, try again later", Missing.NO),
        ("InvalidParameterValue", "StartTimeStamp must be within the last 180 days.", Missing.NO),
        ("InvalidParameterValue", "参数取值错误。", Missing.MAYBE),
        ("InvalidParameterValue.InstanceNotExist", "SdkAppId 7 does not exist", Missing.NO),
        ("InvalidParameterValue", "Task 50000001 does not exist.", Missing.SAYS_SO),
        ("InvalidParameterValue", "The campaign (ID 2569) has been deleted.", Missing.SAYS_SO),
        ("InvalidParameterValue", "任务 2569 不存在", Missing.SAYS_SO),
        # The campaign is named, but what is missing is something else: no proof that it is gone.
        ("InvalidParameterValue", "the campaign's skill group does not exist", Missing.NO),
        ("InvalidParameterValue", "CampaignId 12: its SkillGroupId 3 does not exist", Missing.NO),
        ("InvalidParameterValue", "SkillGroupId 3 of campaign 12 does not exist", Missing.NO),
        ("InvalidParameterValue", "The IVR of the campaign was deleted.", Missing.NO),
        ("InvalidParameterValue", "任务的技能组不存在", Missing.NO),
        ("InternalError", "campaign does not exist", Missing.NO),
        ("FailedOperation", "campaign does not exist", Missing.NO),
    ],
)
def test_only_an_answer_about_the_campaign_itself_says_it_is_gone(code, message, says):
    assert missing(code, message) is says


@pytest.mark.parametrize(
    ("code", "message", "says"),
    [
        ("InvalidParameterValue.AccountNotExist", "Staff a@example.com does not exist.", Missing.SAYS_SO),
        ("InvalidParameterValue", "StaffUserId a@example.com not found", Missing.SAYS_SO),
        ("InvalidParameterValue.AccountNotExist", "账号不存在。", Missing.SAYS_SO),
        ("InvalidParameterValue", "座席不存在", Missing.SAYS_SO),
        ("InvalidParameterValue", "The skill group of staff a@example.com does not exist.", Missing.NO),
        ("InvalidParameterValue", "Campaign 12 does not exist.", Missing.MAYBE),  # not proof: the agent stays
    ],
)
def test_only_an_answer_about_the_agent_itself_says_the_agent_is_gone(code, message, says):
    assert missing(code, message, "agent") is says


@pytest.mark.parametrize("message", ["Staff a@example.com does not exist.", "账号不存在。", "The agent was deleted."])
def test_an_answer_about_a_missing_agent_never_says_a_campaign_is_gone(message):
    assert missing("InvalidParameterValue", message) is not Missing.SAYS_SO
