"""skill_groups and agents: read whole at an interval, in between only what ModifiedTime returns;
an unchanged item is not emitted again; deletions only on proof, within max_deleted_share."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import SyncFailedError
from tests.helpers import sync_in_process, tap_config

STREAMS = ["skill_groups", "agents"]
ACTIONS = {"skill_groups": "DescribeSkillGroupInfoList", "agents": "DescribeStaffInfoList"}


def run(emulator, state: dict | None = None, **settings: Any) -> tuple[dict[str, list[dict]], dict, list[dict]]:
    """(records per stream, the last STATE, the emulator's log of this run)."""
    config = tap_config(emulator, **settings)
    del config["campaign_ids"]
    before = len(emulator.requests_log())
    sink: list[dict] = []
    try:
        sync_in_process(config, state=state, sink=sink, streams=STREAMS)
    finally:
        run.messages = sink  # type: ignore[attr-defined]
    records: dict[str, list[dict]] = {s: [] for s in STREAMS}
    for message in sink:
        if message["type"] == "RECORD":
            records[message["stream"]].append(message["record"])
    states = [m["value"] for m in sink if m["type"] == "STATE"]
    return records, states[-1] if states else {}, emulator.requests_log()[before:]


def calls(log: list[dict], stream: str) -> list[dict]:
    return [e for e in log if e["action"] == ACTIONS[stream]]


@pytest.fixture
def app(start_emulator):
    return start_emulator(store=CampaignStore(count=30), rate_limit=None)


def test_the_first_sync_loads_every_group_and_agent_as_the_api_lists_them(app):
    records, _, log = run(app)
    directory = app.store.directory
    assert sorted(r["SkillGroupId"] for r in records["skill_groups"]) == sorted(
        g["SkillGroupId"] for g in directory.skill_groups()
    )
    by_mail = {r["Mail"]: r for r in records["agents"]}
    assert set(by_mail) == set(directory.agent_mails())
    agent = directory.agents()[0]
    assert by_mail[agent["Mail"]] == {"SdkAppId": app.store.sdk_app_id, **agent, "_sdc_deleted_at": None}
    assert [len(calls(log, s)) for s in STREAMS] == [1, 1]
    assert all("modified_time" not in e for e in log)


def test_a_second_sync_with_nothing_changed_asks_only_for_modified_items_and_emits_nothing(app):
    _, state, _ = run(app)
    records, _, log = run(app, state)
    assert records == {"skill_groups": [], "agents": []}
    newest = max(a["LastModifyTimestamp"] for a in app.store.directory.agents())
    assert [e["modified_time"] for e in calls(log, "agents")] == [newest - 300]
    assert len(calls(log, "skill_groups")) == 1


def test_a_modified_agent_is_emitted_alone_on_the_next_sync(app):
    _, state, _ = run(app)
    mail = app.store.directory.agent_mails()[1]
    app.store.directory.touch_agent(mail, int(time.time()), Nick="Renamed")
    records, _, _ = run(app, state)
    assert [(r["Mail"], r["Nick"]) for r in records["agents"]] == [(mail, "Renamed")]
    assert records["skill_groups"] == []


def test_a_change_stamped_within_the_lookback_of_the_newest_seen_is_still_found(app):
    _, state, _ = run(app)
    directory = app.store.directory
    newest = max(g["LastModifyTimestamp"] for g in directory.skill_groups())
    late = next(g["SkillGroupId"] for g in directory.skill_groups() if g["LastModifyTimestamp"] < newest)
    directory.touch_group(late, newest - 120, RoutePolicy="Round", MaxConcurrency=99)
    records, _, _ = run(app, state, directory_lookback_seconds=300)
    assert [(r["SkillGroupId"], r["MaxConcurrency"]) for r in records["skill_groups"]] == [(late, 99)]


def test_a_deleted_group_is_marked_only_by_a_whole_read(app):
    _, state, _ = run(app)
    gone = app.store.directory.skill_groups()[0]["SkillGroupId"]
    app.store.directory.delete_group(gone)
    records, state, log = run(app, state)  # within directory_full_read_hours: ModifiedTime only
    assert records["skill_groups"] == []
    assert all("modified_time" in e for e in calls(log, "skill_groups"))
    records, _, log = run(app, state, directory_full_read_hours=0)
    assert all("modified_time" not in e for e in calls(log, "skill_groups"))
    assert [(r["SkillGroupId"], r["_sdc_deleted_at"] is not None) for r in records["skill_groups"]] == [(gone, True)]
    assert set(records["skill_groups"][0]) == {"SdkAppId", "SkillGroupId", "_sdc_deleted_at"}


def test_more_agents_gone_than_the_share_allows_marks_none_and_fails_naming_them(app):
    _, state, _ = run(app)
    mails = app.store.directory.agent_mails()
    for mail in mails[: len(mails) // 2 + 1]:
        app.store.directory.delete_agent(mail)
    with pytest.raises(SyncFailedError, match="max_deleted_share"):
        run(app, state, directory_full_read_hours=0)
    assert not any(
        m["type"] == "RECORD" and m["record"].get("_sdc_deleted_at")
        for m in run.messages  # type: ignore[attr-defined]
    )
    records, _, _ = run(app, state, directory_full_read_hours=0, max_deleted_share=1)
    assert len([r for r in records["agents"] if r["_sdc_deleted_at"]]) == len(mails) // 2 + 1


def test_a_list_that_stays_incomplete_marks_nothing_deleted(start_emulator):
    emulator = start_emulator(
        store=CampaignStore(count=150),
        rate_limit=None,
        faults=FaultPlan(actions={ACTIONS["skill_groups"]: "overcount"}),
    )
    _, state, _ = run(emulator)
    gone = emulator.store.directory.skill_groups()[0]["SkillGroupId"]
    emulator.store.directory.delete_group(gone)
    records, _, _ = run(emulator, state, directory_full_read_hours=0)
    assert not any(r["_sdc_deleted_at"] for r in records["skill_groups"])


def test_a_failing_group_list_does_not_keep_the_agents_from_loading(start_emulator):
    emulator = start_emulator(
        store=CampaignStore(count=10), rate_limit=None, faults=FaultPlan(actions={ACTIONS["skill_groups"]: "dberror"})
    )
    with pytest.raises(SyncFailedError, match="DescribeSkillGroupInfoList"):
        run(emulator, max_attempts=2)
    loaded = [m for m in run.messages if m["type"] == "RECORD"]  # type: ignore[attr-defined]
    assert {m["stream"] for m in loaded} == {"agents"}
    assert len(loaded) == len(emulator.store.directory.agent_mails())


def test_a_whole_read_of_the_agents_is_shared_with_the_status_history_in_one_run(app):
    config = tap_config(app, requests_per_second=1000)
    del config["campaign_ids"]
    before = len(app.requests_log())
    sync_in_process(config, streams=["agents", "agent_status_history"])
    staff = [e for e in app.requests_log()[before:] if e["action"] == ACTIONS["agents"]]
    assert len(staff) == 1
