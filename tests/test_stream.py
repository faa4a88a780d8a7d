"""The stream, run in-process against the emulator: what reaches stdout, and what does not."""

from __future__ import annotations

import logging

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import ConfigError, FatalRunError, SyncFailedError, TapError
from tests.helpers import STREAM, sync_in_process, tap_config


def records_of(messages):
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def test_every_campaign_once_in_config_order_with_the_api_values(emulator):
    ids = list(emulator.store.ids())[::-1][:40]
    got = records_of(sync_in_process(tap_config(emulator, ids)))
    assert [r["CampaignId"] for r in got] == ids
    for record in got:
        expected = {**emulator.store.campaign(record["CampaignId"]), "SdkAppId": emulator.store.sdk_app_id}
        assert record == expected


def test_schema_then_records_then_state(emulator):
    kinds = [m["type"] for m in sync_in_process(tap_config(emulator, [2569, 2570]))]
    assert kinds == ["SCHEMA", "RECORD", "RECORD", "STATE"]


def test_state_records_how_far_the_sync_got(emulator):
    state = [m for m in sync_in_process(tap_config(emulator, [2569, 99, 2570])) if m["type"] == "STATE"][-1]
    last_sync = state["value"]["bookmarks"][STREAM]["last_sync"]
    assert {k: last_sync[k] for k in ("campaigns", "done", "emitted", "last_campaign_id", "complete")} == {
        "campaigns": 3,
        "done": 3,
        "emitted": 2,
        "last_campaign_id": 2570,
        "complete": True,
    }


def test_a_run_with_an_earlier_state_reads_every_campaign_again(emulator):
    first = [m for m in sync_in_process(tap_config(emulator, [2569, 2570])) if m["type"] == "STATE"][-1]["value"]
    again = sync_in_process(tap_config(emulator, [2569, 2570]), state=first)
    assert [r["CampaignId"] for r in records_of(again)] == [2569, 2570]


def test_the_schema_message_has_the_key_properties(emulator):
    schema = next(m for m in sync_in_process(tap_config(emulator, [2569])) if m["type"] == "SCHEMA")
    assert schema["stream"] == STREAM
    assert schema["key_properties"] == ["SdkAppId", "CampaignId"]


def test_state_is_emitted_during_a_long_sync(start_emulator):
    emulator = start_emulator(rate_limit=None, store=CampaignStore(count=150))
    kinds = [
        m["type"] for m in sync_in_process(tap_config(emulator, list(emulator.store.ids()), requests_per_second=500))
    ]
    assert kinds.index("STATE") == 101  # after record 100
    assert kinds[-1] == "STATE"


def test_a_missing_campaign_is_skipped_with_a_warning_naming_it(emulator, caplog):
    with caplog.at_level(logging.WARNING):
        got = records_of(sync_in_process(tap_config(emulator, [2569, 99, 2570])))
    assert [r["CampaignId"] for r in got] == [2569, 2570]
    assert "Campaign 99 skipped: the API says it does not exist (InvalidParameterValue" in caplog.text
    assert "RequestId " in caplog.text


def test_an_unknown_sdk_app_id_stops_the_run_after_one_call(emulator):
    with pytest.raises(FatalRunError, match=r"InvalidParameterValue.InstanceNotExist: SdkAppId 7 does not exist"):
        sync_in_process(tap_config(emulator, sdk_app_id=7))
    assert emulator.stats()["requests"]["DescribePredictiveDialingCampaign"] == 1


def test_a_wrong_key_stops_the_run_after_one_call(emulator):
    with pytest.raises(FatalRunError, match=r"AuthFailure.SignatureFailure: .* \(RequestId [0-9a-f-]{36}\)"):
        sync_in_process(tap_config(emulator, secret_key="wrong"))
    assert emulator.stats()["requests"]["DescribePredictiveDialingCampaign"] == 1


def test_a_record_of_the_wrong_type_is_withheld_and_named(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2571: "wrongtype"}))
    emitted: list[dict] = []
    with pytest.raises(SyncFailedError) as caught:
        sync_in_process(tap_config(emulator, [2569, 2570, 2571, 2572]), sink=emitted)
    assert [r["CampaignId"] for r in records_of(emitted)] == [2569, 2570, 2572]
    assert str(caught.value).startswith(
        "predictive_dialing_campaigns: 1 of 4 campaign(s) were not emitted: invalid fields x1 (campaign 2571), "
        "e.g. campaign 2571: invalid field(s) Priority:"
    )


def test_an_unknown_field_is_dropped_with_one_warning(start_emulator, caplog):
    emulator = start_emulator(faults=FaultPlan(extra_field=True))
    with caplog.at_level(logging.WARNING):
        got = records_of(sync_in_process(tap_config(emulator, [2569, 2570, 2571])))
    assert len(got) == 3
    assert all("NewerVersionField" not in r for r in got)
    assert caplog.text.count("The API returned field 'NewerVersionField'") == 1


def test_request_id_goes_to_logs_not_records(emulator):
    got = records_of(sync_in_process(tap_config(emulator, [2569])))
    assert "RequestId" not in got[0]


def test_env_credentials_are_used_when_config_has_none(emulator, monkeypatch):
    config = tap_config(emulator, [2569])
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", config.pop("secret_id"))
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", config.pop("secret_key"))
    assert [r["CampaignId"] for r in records_of(sync_in_process(config))] == [2569]


def test_a_bad_config_makes_no_call(emulator):
    with pytest.raises(ConfigError, match="campaign_ids"):
        sync_in_process(tap_config(emulator, [2569, "x"]))
    assert emulator.stats()["requests"] == {}


def test_every_campaign_the_emulator_serves_is_emitted_as_served(emulator):
    got = records_of(sync_in_process(tap_config(emulator)))
    assert got == [
        {**emulator.store.campaign(cid), "SdkAppId": emulator.store.sdk_app_id} for cid in emulator.store.ids()
    ]


def test_an_answer_with_no_fields_is_not_emitted_and_is_named(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2570: "empty"}))
    emitted: list[dict] = []
    with pytest.raises(SyncFailedError) as caught:
        sync_in_process(tap_config(emulator, [2569, 2570, 2571]), sink=emitted)
    assert [r["CampaignId"] for r in records_of(emitted)] == [2569, 2571]
    assert "empty answer x1 (campaign 2570)" in str(caught.value)


def test_a_failed_sync_still_ends_with_a_state_saying_it_is_incomplete(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2570: "dberror"}))
    emitted: list[dict] = []
    with pytest.raises(SyncFailedError):
        sync_in_process(tap_config(emulator, [2569, 2570, 2571], max_attempts=1), sink=emitted)
    assert emitted[-1]["type"] == "STATE"
    last_sync = emitted[-1]["value"]["bookmarks"][STREAM]["last_sync"]
    assert (last_sync["complete"], last_sync["done"], last_sync["emitted"]) == (False, 3, 2)


def test_a_stopped_run_ends_with_a_state_too(emulator):
    emitted: list[dict] = []
    with pytest.raises(TapError):
        sync_in_process(tap_config(emulator, [2569, 2570], secret_key="wrong"), sink=emitted)
    assert emitted[-1]["type"] == "STATE"
    assert emitted[-1]["value"]["bookmarks"][STREAM]["last_sync"]["complete"] is False


def test_a_persistent_fault_on_the_first_campaign_does_not_stop_a_run_the_api_answers(start_emulator):
    emulator = start_emulator(faults=FaultPlan(persistent={2569: "drop"}))
    emitted: list[dict] = []
    with pytest.raises(SyncFailedError) as caught:
        sync_in_process(tap_config(emulator, [2569, 2570, 2571, 2572], max_attempts=2), sink=emitted)
    assert [r["CampaignId"] for r in records_of(emitted)] == [2570, 2571, 2572]
    assert str(caught.value).startswith(
        "predictive_dialing_campaigns: 1 of 4 campaign(s) were not emitted: no answer x1 (campaign 2569)"
    )


def test_many_failures_are_summed_up_by_cause_with_a_bounded_list_of_ids(start_emulator):
    store = CampaignStore(count=40)
    failing = {cid: "dberror" for cid in list(store.ids())[5:30]}
    emulator = start_emulator(store=store, faults=FaultPlan(persistent={**failing, 2569 + 35: "http503"}))
    with pytest.raises(SyncFailedError) as caught:
        sync_in_process(tap_config(emulator, max_attempts=1))
    summary = str(caught.value)
    assert summary.startswith(
        "predictive_dialing_campaigns: 26 of 40 campaign(s) were not emitted: InternalError.DBError x25 "
        "(campaign 2574, 2575, 2576, 2577, 2578, 2579, 2580, 2581, 2582, 2583 and 15 more), e.g. campaign 2574: "
    )
    assert "; HTTP 503 x1 (campaign 2604), e.g. campaign 2604: HTTP 503 from the API" in summary
    assert len(summary) < 600


def test_each_state_counts_exactly_the_records_written_before_it(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=250), rate_limit=None)
    written, counted = 0, []
    for message in sync_in_process(tap_config(emulator, requests_per_second=1000)):
        if message["type"] == "RECORD":
            written += 1
        elif message["type"] == "STATE":
            counted.append((written, message["value"]["bookmarks"][STREAM]["last_sync"]["emitted"]))
    # One STATE every 100 records, and the final one.
    assert counted == [(100, 100), (200, 200), (250, 250)]


def test_a_value_outside_the_documented_ones_is_emitted_with_a_warning(emulator, caplog, monkeypatch):
    from ccc_emulator import data

    original = data.CampaignStore.campaign

    def with_new_status(self, campaign_id):
        found = original(self, campaign_id)
        return found and {**found, "Status": 9}

    monkeypatch.setattr(data.CampaignStore, "campaign", with_new_status)
    with caplog.at_level(logging.WARNING):
        got = records_of(sync_in_process(tap_config(emulator, [2569, 2570])))
    assert [r["Status"] for r in got] == [9, 9]
    assert caplog.text.count("Status = 9 is outside what the API documents") == 1
