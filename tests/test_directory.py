"""skill_groups and agents: read whole at an interval, in between only what ModifiedTime returns;
an unchanged item is not emitted again; deletions only on proof, within max_deleted_share."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.streams import directory as directory_stream
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


def test_changes_an_incomplete_modified_read_missed_are_emitted_by_the_next_sync(start_emulator, caplog):
    emulator = start_emulator(store=CampaignStore(count=150), rate_limit=None)
    _, state, _ = run(emulator)
    directory = emulator.store.directory
    groups = [g["SkillGroupId"] for g in directory.skill_groups()]  # the list's order: pages of 100
    later = int(time.time()) - 3600
    for gid in groups[:100]:  # the first page: changed last
        directory.touch_group(gid, later, MaxConcurrency=7)
    for gid in groups[100:]:  # the second page: changed well before, beyond the lookback of `later`
        directory.touch_group(gid, later - 7200, MaxConcurrency=8)
    bookmark = state["bookmarks"]["skill_groups"]["apps"][str(emulator.store.sdk_app_id)]["newest"]
    # The list counts one group more than its pages ever show: the read cannot be complete.
    emulator.faults = FaultPlan(actions={ACTIONS["skill_groups"]: "overcount"})
    first, state, _ = run(emulator, state)
    assert state["bookmarks"]["skill_groups"]["apps"][str(emulator.store.sdk_app_id)]["newest"] == bookmark
    emulator.faults = FaultPlan()
    second, _, _ = run(emulator, state)
    loaded = {r["SkillGroupId"]: r["MaxConcurrency"] for r in [*first["skill_groups"], *second["skill_groups"]]}
    assert {gid: loaded.get(gid) for gid in groups[100:]} == dict.fromkeys(groups[100:], 8)
    assert "the next sync reads from there again" in caplog.text  # the incomplete read was named


@pytest.mark.parametrize("stamp", ["milliseconds", "next_month"])
def test_a_stamp_past_the_clock_does_not_hide_the_changes_after_it(app, monkeypatch, caplog, stamp):
    now = int(time.time())
    monkeypatch.setattr(directory_stream, "clock", lambda: now, raising=False)
    _, state, _ = run(app)
    odd, later = app.store.directory.agent_mails()[:2]
    app.store.directory.touch_agent(odd, now * 1000 if stamp == "milliseconds" else now + 30 * 86400, Nick="Odd")
    records, state, _ = run(app, state)
    assert [r["Mail"] for r in records["agents"]] == [odd]
    app.store.directory.touch_agent(later, now + 60, Nick="Later")
    monkeypatch.setattr(directory_stream, "clock", lambda: now + 600, raising=False)
    records, _, _ = run(app, state)
    assert [(r["Mail"], r["Nick"]) for r in records["agents"]] == [(later, "Later")]
    assert "past this machine's clock" in caplog.text  # the odd stamp was named
    assert state["bookmarks"]["agents"]["apps"][str(app.store.sdk_app_id)]["newest"] <= now


def test_the_share_of_deletions_counts_only_what_was_known_before_the_sync(app):
    _, state, _ = run(app)
    directory = app.store.directory
    old = directory.agent_mails()
    for mail in old:  # every agent's key changed at once: all gone, as many new
        directory.delete_agent(mail)
    new = [directory.add_agent(f"New Agent {i}", int(time.time())) for i in range(len(old))]
    refused = None
    try:
        run(app, state, directory_full_read_hours=0)
    except SyncFailedError as exc:
        refused = str(exc)
    agents = [m["record"] for m in run.messages if m["type"] == "RECORD" and m["stream"] == "agents"]  # type: ignore[attr-defined]
    assert [r["Mail"] for r in agents if r["_sdc_deleted_at"]] == []
    assert sorted(r["Mail"] for r in agents) == sorted(new)
    assert refused is not None
    assert f"{len(old)} of the {len(old)} agents loaded before" in refused


def test_a_stream_map_filter_lets_the_deletions_of_both_streams_through(app):
    _, state, _ = run(app)
    directory = app.store.directory
    group, mail = directory.skill_groups()[0]["SkillGroupId"], directory.agent_mails()[0]
    directory.delete_group(group)
    directory.delete_agent(mail)
    maps = {"agents": {"__filter__": "Nick != ''"}, "skill_groups": {"__filter__": "MaxConcurrency > 0"}}
    records, _, _ = run(app, state, directory_full_read_hours=0, stream_maps=maps)
    assert [(r["SkillGroupId"], sorted(r)) for r in records["skill_groups"]] == [
        (group, ["SdkAppId", "SkillGroupId", "_sdc_deleted_at"])
    ]
    assert [(r["Mail"], sorted(r)) for r in records["agents"]] == [(mail, ["Mail", "SdkAppId", "_sdc_deleted_at"])]


def test_a_stream_map_filter_still_judges_live_rows(app):
    maps = {"agents": {"__filter__": "Nick != ''"}}
    _, state, _ = run(app, stream_maps=maps)
    directory = app.store.directory
    quiet, loud = directory.agent_mails()[:2]
    directory.touch_agent(quiet, int(time.time()), Nick="")
    directory.touch_agent(loud, int(time.time()), Nick="Loud")
    directory.delete_agent(directory.agent_mails()[2])
    records, _, _ = run(app, state, directory_full_read_hours=0, stream_maps=maps)
    assert sorted((r["Mail"], r.get("Nick")) for r in records["agents"] if not r["_sdc_deleted_at"]) == [(loud, "Loud")]
