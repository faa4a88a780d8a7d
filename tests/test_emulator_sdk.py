"""The emulator is faithful: Tencent's official SDK, pointed at it, cannot tell it from CCC."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore
from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile


def sdk_client(emulator, secret_key: str = DEMO_CREDENTIAL.secret_key) -> ccc_client.CccClient:
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=emulator.url.removeprefix("http://")))
    return ccc_client.CccClient(credential.Credential(DEMO_CREDENTIAL.secret_id, secret_key), "", profile)


def request(model_cls, **fields):
    model = model_cls()
    for name, value in fields.items():
        setattr(model, name, value)
    return model


def test_sdk_reads_one_campaign_into_its_model(emulator):
    campaign_id = emulator.store.first_id + 1
    answer = sdk_client(emulator).DescribePredictiveDialingCampaign(
        request(
            models.DescribePredictiveDialingCampaignRequest, SdkAppId=emulator.store.sdk_app_id, CampaignId=campaign_id
        )
    )
    expected = emulator.store.campaign(campaign_id)
    assert answer.CampaignId == campaign_id
    assert answer.Name == expected["Name"]
    assert answer.Status == expected["Status"]
    assert [(v.Key, v.Value) for v in answer.Variables or []] == [(v["Key"], v["Value"]) for v in expected["Variables"]]
    assert answer.RequestId


def test_sdk_lists_campaigns_with_paging_and_filters(emulator):
    client = sdk_client(emulator)
    page = client.DescribePredictiveDialingCampaigns(
        request(
            models.DescribePredictiveDialingCampaignsRequest,
            SdkAppId=emulator.store.sdk_app_id,
            PageSize=30,
            PageNumber=3,
        )
    )
    assert page.TotalCount == emulator.store.count
    assert [c.CampaignId for c in page.CampaignList] == list(emulator.store.ids())[90:100]
    one = client.DescribePredictiveDialingCampaigns(
        request(
            models.DescribePredictiveDialingCampaignsRequest,
            SdkAppId=emulator.store.sdk_app_id,
            PageSize=10,
            PageNumber=0,
            CampaignId=emulator.store.first_id,
        )
    )
    assert [c.CampaignId for c in one.CampaignList] == [emulator.store.first_id]
    assert one.CampaignList[0].CalleeCount >= one.CampaignList[0].FinishedCalleeCount


def test_sdk_reads_sessions(emulator):
    campaign_id = emulator.store.first_id
    answer = sdk_client(emulator).DescribePredictiveDialingSessions(
        request(
            models.DescribePredictiveDialingSessionsRequest,
            SdkAppId=emulator.store.sdk_app_id,
            CampaignId=campaign_id,
            PageSize=1000,
            PageNumber=0,
        )
    )
    assert answer.TotalCount == len(emulator.store.sessions(campaign_id))
    assert answer.SessionList == emulator.store.sessions(campaign_id)[:1000]


def test_sdk_with_a_wrong_key_gets_signature_failure(emulator):
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_client(emulator, secret_key="not-the-key").DescribePredictiveDialingCampaign(
            request(
                models.DescribePredictiveDialingCampaignRequest, SdkAppId=emulator.store.sdk_app_id, CampaignId=2569
            )
        )
    assert caught.value.get_code() == "AuthFailure.SignatureFailure"
    assert caught.value.get_request_id()
    assert emulator.stats()["signature_failures"] == 1


def test_sdk_with_a_stale_clock_gets_signature_expire(emulator, monkeypatch):
    import time

    monkeypatch.setattr(abstract_client, "time", SimpleNamespace(time=lambda: time.time() - 301, sleep=time.sleep))
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_client(emulator).DescribePredictiveDialingCampaign(
            request(
                models.DescribePredictiveDialingCampaignRequest, SdkAppId=emulator.store.sdk_app_id, CampaignId=2569
            )
        )
    assert caught.value.get_code() == "AuthFailure.SignatureExpire"


def test_sdk_sees_unknown_campaign_and_app_as_tencent_reports_them(emulator):
    client = sdk_client(emulator)
    with pytest.raises(TencentCloudSDKException) as missing:
        client.DescribePredictiveDialingCampaign(
            request(models.DescribePredictiveDialingCampaignRequest, SdkAppId=emulator.store.sdk_app_id, CampaignId=7)
        )
    assert missing.value.get_code() == "InvalidParameterValue"
    assert "7" in missing.value.get_message()
    with pytest.raises(TencentCloudSDKException) as no_app:
        client.DescribePredictiveDialingCampaign(
            request(models.DescribePredictiveDialingCampaignRequest, SdkAppId=1, CampaignId=2569)
        )
    assert no_app.value.get_code() == "InvalidParameterValue.InstanceNotExist"


def sdk_fields(model) -> set[str]:
    return {name[1:] for name in vars(model())}


def test_sdk_reads_call_records_with_every_field_it_knows(emulator):
    store = emulator.store
    campaign_id = next(c for c in store.ids() if store.campaign(c)["Status"] == 1 and store.sessions(c))
    store.grow(campaign_id, 5)
    sessions = store.sessions(campaign_id)[:100]
    now = int(time.time())
    answer = sdk_client(emulator).DescribeTelCdr(
        request(
            models.DescribeTelCdrRequest,
            SdkAppId=store.sdk_app_id,
            StartTimeStamp=now - 89 * 86400,
            EndTimeStamp=now,
            SessionIds=sessions,
            PageSize=100,
            PageNumber=0,
        )
    )
    readable = [store.call(s) for s in sessions if store.call(s)["Time"] >= now - 89 * 86400]
    assert answer.TotalCount == len(readable) > 0
    assert sorted(r.SessionId for r in answer.TelCdrList) == sorted(r["SessionId"] for r in readable)
    raw = json.loads(answer.to_json_string())["TelCdrList"]
    assert all(set(r) == sdk_fields(models.TelCdrInfo) for r in raw)
    seats = [r["SeatUser"] for r in raw if r["SeatUser"]]
    assert seats
    assert all(set(s) == sdk_fields(models.SeatUserInfo) for s in seats)
    people = [p for r in raw for p in r["ServeParticipants"]]
    assert people
    assert all(set(p) == sdk_fields(models.ServeParticipant) for p in people)
    keys = [k for r in raw for k in r["PostIVRKeyPressedEx"]]
    assert all(set(k) == sdk_fields(models.IVRKeyPressedElement) for k in keys)


@pytest.mark.parametrize(
    ("start_days_ago", "span_days", "sessions", "message"),
    [
        (100, 90, 1, "under 90 days"),
        (181, 30, 1, "within the last 180 days"),
        (10, 5, 101, "at most 100"),
    ],
)
def test_sdk_sees_the_call_record_limits(emulator, start_days_ago, span_days, sessions, message):
    start = int(time.time()) - start_days_ago * 86400
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_client(emulator).DescribeTelCdr(
            request(
                models.DescribeTelCdrRequest,
                SdkAppId=emulator.store.sdk_app_id,
                StartTimeStamp=start,
                EndTimeStamp=start + span_days * 86400,
                SessionIds=[f"s-{i}" for i in range(sessions)],
                PageSize=100,
                PageNumber=0,
            )
        )
    assert caught.value.get_code() == "InvalidParameterValue"
    assert message in caught.value.get_message()


def test_sdk_pages_through_an_apps_calls_without_a_session_filter(start_emulator):
    store = CampaignStore(count=5, callees=40)
    emulator = start_emulator(store=store)
    now = int(time.time())
    every = sorted(s for c in store.ids() for s in store.sessions(c) if store.call(s)["Time"] >= now - 89 * 86400)
    seen = []
    for page in range(1 + len(every) // 100):
        answer = sdk_client(emulator).DescribeTelCdr(
            request(
                models.DescribeTelCdrRequest,
                SdkAppId=store.sdk_app_id,
                StartTimeStamp=now - 89 * 86400,
                EndTimeStamp=now,
                PageSize=100,
                PageNumber=page,
            )
        )
        assert answer.TotalCount == len(every)
        seen += [r.SessionId for r in answer.TelCdrList]
    assert sorted(seen) == every
