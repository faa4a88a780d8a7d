"""The official SDK is the reference for types: every field it declares for what a stream reads is
accepted by the stream's schema (as the tap checks records), and the emulator sends no other type."""

from __future__ import annotations

import logging

import pytest
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.api import cdr
from tap_ccc_campaign.validation import RecordChecker, load_schema
from tests.sdk_models import Declared, fields, mismatches, sample

KEYS = {"SdkAppId": 1400000000, "CampaignId": 2569}
# stream -> (the SDK model of what it loads, fields of the answer that are not data, fields the tap leaves out on purpose)
STREAMS = {
    "predictive_dialing_campaigns": ("DescribePredictiveDialingCampaignResponse", {"RequestId"}, set()),
    "predictive_dialing_campaign_progress": ("DescribePredictiveDialingCampaignsElement", set(), set()),
    "predictive_dialing_calls": ("TelCdrInfo", set(), set(cdr.NOT_LOADED)),
    "skill_groups": ("SkillGroupInfoItem", set(), set()),
    "agents": ("StaffInfo", set(), set()),
    "auto_callout_tasks": ("AutoCalloutTaskInfo", set(), set()),
    "auto_callout_callees": ("AutoCalloutTaskCalleeInfo", set(), set()),
    "auto_callout_calls": ("TelCdrInfo", set(), set(cdr.NOT_LOADED)),
    "agent_status_history": ("StaffStatus", set(), set()),
}

OWN_KEYS = {
    "skill_groups": {"SkillGroupId": 7},
    "agents": {"Mail": "a@example.com"},
    "auto_callout_tasks": {"TaskId": 7},
    "auto_callout_callees": {"TaskId": 7, "Callee": "+8613700000000"},
    "auto_callout_calls": {"TaskId": 7},
    "agent_status_history": {"StaffUserId": "a@example.com", "Timestamp": 7, "Status": "free"},
}
CALLS = ("predictive_dialing_calls", "auto_callout_calls")


def checker(stream: str) -> RecordChecker:
    return RecordChecker(load_schema(stream), logging.getLogger("test"))


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_every_declared_field_of_a_stream_is_in_its_schema_or_left_out_on_purpose(stream):
    model, not_data, left_out = STREAMS[stream]
    properties = load_schema(stream)["properties"]
    missing = set(fields(model)) - not_data - left_out - set(properties)
    assert not missing, f"{stream}: the SDK declares {sorted(missing)}, which the schema lacks"


@pytest.mark.parametrize("stream", sorted(STREAMS))
@pytest.mark.parametrize("shape", ["values", "nulls"])
def test_a_record_of_the_sdks_declared_types_passes_the_streams_check(stream, shape):
    model, not_data, _ = STREAMS[stream]
    answer = {
        name: (sample(declared) if shape == "values" else None)
        for name, declared in fields(model).items()
        if name not in not_data
    }
    record = cdr.loadable(answer) if stream in CALLS else answer
    check = checker(stream)
    record = check.drop_unknown({**record, **KEYS, "ObservedAt": "2026-12-05T00:00:00+00:00"})
    if stream not in CALLS:
        record.update(KEYS)
    if stream in CALLS:
        record["SessionId"] = "s-1"
    record.update(OWN_KEYS.get(stream, {}))  # a key is never null
    assert [str(v) for v in check.violations(record)] == []


def test_a_session_id_as_the_sdk_declares_it_passes_the_sessions_check():
    declared = fields("DescribePredictiveDialingSessionsResponse")["SessionList"]
    assert declared == Declared("str", many=True)
    record = {**KEYS, "SessionId": sample(declared)[0]}
    assert checker("predictive_dialing_sessions").violations(record) == []


def test_the_agents_role_is_the_integer_the_sdk_declares_and_a_string_is_refused():
    check = checker("predictive_dialing_calls")
    seat = sample(fields("TelCdrInfo")["SeatUser"])
    base = {**KEYS, "SessionId": "s-1"}
    assert check.violations({**base, "SeatUser": {**seat, "Role": 3}}) == []
    assert [v.field for v in check.violations({**base, "SeatUser": {**seat, "Role": "staff"}})] == ["SeatUser.Role"]


@pytest.fixture(scope="module")
def store():
    return CampaignStore(count=60, callees=20, seed=3)


def test_the_emulators_campaigns_are_of_the_sdks_declared_types(store):
    declared = fields("DescribePredictiveDialingCampaignResponse")
    problems = [
        p
        for cid in store.ids()
        for name, value in store.campaign(cid).items()
        for p in mismatches(value, declared[name], name)
    ]
    assert problems == []


def test_the_emulators_list_entries_are_of_the_sdks_declared_types(store):
    declared = fields("DescribePredictiveDialingCampaignsElement")
    problems = [
        p
        for cid in store.ids()
        for name, value in store.summary(cid).items()
        for p in mismatches(value, declared[name], name)
    ]
    assert problems == []


def test_the_emulators_call_records_are_of_the_sdks_declared_types(store):
    declared = fields("TelCdrInfo")
    calls = [store.call(s) for cid in store.ids() for s in store.sessions(cid)]
    assert any(c["SeatUser"] for c in calls), "no answered call to check the agent's fields on"
    problems = [p for call in calls for name, value in call.items() for p in mismatches(value, declared[name], name)]
    assert problems[:5] == []


def test_the_emulators_skill_groups_and_agents_are_of_the_sdks_declared_types(store):
    groups, agents = fields("SkillGroupInfoItem"), fields("StaffInfo")
    problems = [
        p for group in store.directory.skill_groups() for k, v in group.items() for p in mismatches(v, groups[k], k)
    ]
    problems += [
        p
        for agent in store.directory.agents()
        for k, v in agent.items()
        # Declared int, described as a list of role ids: the emulator sends both, as accounts may.
        if k != "RoleIdList"
        for p in mismatches(v, agents[k], k)
    ]
    assert problems == []
    role_lists = {type(a["RoleIdList"]) for a in store.directory.agents()}
    assert role_lists == {int, list}
    assert all(checker("agents").violations({"SdkAppId": 1, **a}) == [] for a in store.directory.agents())
    assert all(checker("skill_groups").violations({"SdkAppId": 1, **g}) == [] for g in store.directory.skill_groups())


def test_the_emulators_tasks_and_their_robot_calls_are_of_the_sdks_declared_types(store):
    book = store.tasks
    listed, detail, cdr_fields = (
        fields("AutoCalloutTaskInfo"),
        fields("DescribeAutoCalloutTaskResponse"),
        fields("TelCdrInfo"),
    )
    problems = [p for t in book.ids() for k, v in book.summary(t).items() for p in mismatches(v, listed[k], k)]
    problems += [p for t in book.ids() for k, v in book.detail(t).items() for p in mismatches(v, detail[k], k)]
    calls = [store.call(s) for t in book.ids() for s in book.sessions(t)]
    assert calls
    assert all(c is not None for c in calls)
    problems += [p for c in calls for k, v in c.items() for p in mismatches(v, cdr_fields[k], k)]
    assert problems[:5] == []
    assert {book.summary(t)["State"] for t in book.ids()} >= {1, 2, 4}


def test_the_emulators_status_history_is_of_the_sdks_declared_types(store):
    declared = fields("StaffStatus")
    events = [e for mail in store.directory.agent_mails() for e in store.status_history(mail)]
    assert events
    assert [p for e in events for k, v in e.items() for p in mismatches(v, declared[k], k)] == []
