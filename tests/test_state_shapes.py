"""The --state each stream keeps, checked against its one declared shape (state/shapes.py): what
does not fit is dropped or clamped alone, with a warning naming the stream and key; what the tap
writes is read back whole."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.run import output
from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.state.state_file import cleaned
from tap_ccc_campaign.streams import state_shapes
from tests.helpers import sync_in_process, tap_config

NOW = 1_796_256_000  # 2026-12-03T00:00:00Z
APP = "1400000000"
ALL_STREAMS = [
    "predictive_dialing_campaigns",
    "predictive_dialing_campaign_progress",
    "predictive_dialing_sessions",
    "predictive_dialing_calls",
    "skill_groups",
    "agents",
    "agent_status_history",
    "auto_callout_tasks",
    "auto_callout_callees",
    "auto_callout_calls",
]


def bookmarks(stream: str, **keys: Any) -> dict[str, Any]:
    return {"bookmarks": {stream: keys}}


@pytest.fixture
def clean(monkeypatch):
    """cleaned() with the clock at NOW."""
    monkeypatch.setattr(time, "time", lambda: NOW)
    return lambda state: cleaned(state, state_shapes())


def kept(clean, state: dict[str, Any], stream: str) -> dict[str, Any]:
    return clean(state)[0]["bookmarks"][stream]


def test_a_state_the_tap_writes_for_all_ten_streams_is_read_back_whole(start_emulator, monkeypatch):
    # Every STATE of a sync, all ten streams selected; the one after the 100th campaign holds its cycle
    # (written whatever it weighs against the records: STATE_SHARE lifted).
    monkeypatch.setattr(output, "STATE_SHARE", float("inf"))
    store = CampaignStore(count=101, callees=3, history_days=30, seed=5)
    emulator = start_emulator(store=store, rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000)
    del config["campaign_ids"]
    out = sync_in_process(config, streams=ALL_STREAMS)
    written = [m["value"] for m in out if m["type"] == "STATE"]
    final = written[-1]["bookmarks"]
    assert set(final) == set(ALL_STREAMS)
    assert any("cycle" in s["bookmarks"].get("predictive_dialing_campaigns", {}) for s in written)
    for state in written:
        assert cleaned(state, state_shapes()) == (state, [])


def test_a_campaign_key_that_is_not_an_integer_is_dropped_alone(clean):
    # "²" passes str.isdigit() but not int(): it crashed the calls stream.
    day = NOW // 86400
    pending = {APP: {"2569": {"s1": day}, "²": {"s2": day}, "12x": {"s3": day}}}
    state = bookmarks("predictive_dialing_calls", pending=pending)
    usable, warnings = clean(state)
    assert usable["bookmarks"]["predictive_dialing_calls"]["pending"] == {APP: {"2569": {"s1": day}}}
    assert warnings == [
        "predictive_dialing_calls: pending[1400000000]['²']: is not a CampaignId; that part is dropped, the rest is kept.",
        "predictive_dialing_calls: pending[1400000000]['12x']: is not a CampaignId; that part is dropped, the rest is kept.",
    ]


@pytest.mark.parametrize("key", ["012", "１２", "0"])  # str.isdigit() took them; "abc", "-5" it refused
def test_an_sdk_app_id_key_that_is_not_an_id_is_dropped_alone(key, clean):
    marks = encoding.encode_map({2569: 7})
    state = bookmarks("predictive_dialing_sessions", marks={APP: marks, key: marks})
    usable, warnings = clean(state)
    assert usable["bookmarks"]["predictive_dialing_sessions"]["marks"] == {APP: marks}
    assert warnings == [
        f"predictive_dialing_sessions: marks[{key!r}]: is not an SdkAppId; that part is dropped, the rest is kept."
    ]


def test_a_skill_group_key_that_is_not_an_id_is_dropped_alone(clean):
    known = {"12": 5, "0012": 6, "x7": 7}
    state = bookmarks("skill_groups", apps={APP: {"whole_at": NOW - 10, "newest": NOW - 20, "known": known}})
    assert kept(clean, state, "skill_groups")["apps"][APP] == {
        "whole_at": NOW - 10,
        "newest": NOW - 20,
        "known": {"12": 5},
    }


@pytest.mark.parametrize("bad", ["0{live}", "abc"])
def test_a_skill_group_key_that_is_not_an_id_neither_marks_a_live_one_deleted_nor_stops_the_stream(start_emulator, bad):
    # Read whole, a known key no longer listed is marked deleted under int(key): "0833" marked the
    # live group 833 deleted, "abc" raised ValueError.
    emulator = start_emulator(store=CampaignStore(count=30), rate_limit=None)
    live = [g["SkillGroupId"] for g in emulator.store.directory.skill_groups()]
    known = {str(i): 1 for i in live} | {bad.format(live=live[0]): 1}
    config = tap_config(emulator, directory_full_read_hours=0)
    del config["campaign_ids"]
    state = bookmarks("skill_groups", apps={str(emulator.store.sdk_app_id): {"known": known}})
    out = sync_in_process(config, state=state, streams=["skill_groups"])
    records = [m["record"] for m in out if m["type"] == "RECORD"]
    assert [r["SkillGroupId"] for r in records if r["_sdc_deleted_at"] is not None] == []
    assert sorted(r["SkillGroupId"] for r in records) == sorted(live)


@pytest.mark.parametrize("name", ["newest", "whole_at"])
def test_a_directory_time_later_than_now_is_read_as_now_with_a_warning(name, clean):
    state = bookmarks("agents", apps={APP: {name: NOW + 86400, "known": {"lilei@example.com": 3}}})
    usable, warnings = clean(state)
    assert usable["bookmarks"]["agents"]["apps"][APP] == {name: NOW, "known": {"lilei@example.com": 3}}
    assert warnings == [f"agents: apps[1400000000].{name}: {NOW + 86400} is later than now; read as now ({NOW})"]


def test_an_agents_status_bookmark_later_than_now_is_read_as_now_alone(clean):
    state = bookmarks("agent_status_history", agents={APP: {"a@example.com": NOW + 5, "b@example.com": NOW - 5}})
    usable, warnings = clean(state)
    assert usable["bookmarks"]["agent_status_history"]["agents"] == {
        APP: {"a@example.com": NOW, "b@example.com": NOW - 5}
    }
    assert warnings == [
        f"agent_status_history: agents[1400000000]['a@example.com']: {NOW + 5} is later than now; read as now ({NOW})"
    ]


def test_a_last_full_refresh_later_than_now_is_read_as_now(clean):
    state = bookmarks("predictive_dialing_campaigns", last_full_refresh="2027-01-01T00:00:00+00:00")
    assert kept(clean, state, "predictive_dialing_campaigns") == {"last_full_refresh": "2026-12-03T00:00:00+00:00"}


def test_a_last_full_refresh_without_an_offset_is_dropped(clean):
    # Compared with an aware started_at, a naive one raised TypeError in the campaigns stream.
    state = bookmarks("predictive_dialing_campaigns", last_full_refresh="2026-11-01T00:00:00")
    usable, warnings = clean(state)
    assert usable["bookmarks"]["predictive_dialing_campaigns"] == {}
    assert warnings == [
        "predictive_dialing_campaigns: last_full_refresh: is not a date-time with a UTC offset; "
        "that part is dropped, the rest is kept."
    ]


def test_a_pending_day_later_than_today_is_read_as_today(clean):
    today = NOW // 86400
    pending = {APP: {"2569": {"s1": today + 30, "s2": today - 3, "s3": 2}}}  # 2: an older state's tries
    state = bookmarks("predictive_dialing_calls", pending=pending)
    assert kept(clean, state, "predictive_dialing_calls")["pending"] == {
        APP: {"2569": {"s1": today, "s2": today - 3, "s3": 2}}
    }


def test_an_id_map_where_an_id_set_is_kept_is_dropped(clean):
    # The stream decodes these with encoding.decode, which refuses an id map: it crashed.
    stream, key = "predictive_dialing_calls", "loaded"
    value = {APP: {"2569": encoding.encode_map({7: 1})}}
    usable, warnings = clean(bookmarks(stream, **{key: value}))
    assert usable["bookmarks"][stream][key] in ({}, {APP: {}})
    assert len(warnings) == 1
    assert "is not an id set; that part is dropped" in warnings[0]


def test_a_cycle_started_later_than_now_is_read_as_started_now(clean):
    cycle = {
        "started_at": "2030-01-01T00:00:00+00:00",
        "full_refresh": True,
        "done": {APP: [encoding.encode_map({1: 2})]},
    }
    assert kept(clean, bookmarks("predictive_dialing_campaigns", cycle=cycle), "predictive_dialing_campaigns")[
        "cycle"
    ] == {
        **cycle,
        "started_at": "2026-12-03T00:00:00+00:00",
    }


def test_a_state_written_before_the_one_engine_is_read_without_loss():
    # Written by ae619c4 (main before issue 26) for all ten streams: its final STATE, and one from
    # the middle of the campaigns' sync that holds a cycle. Read now, nothing is dropped or changed
    # (its times lie in the past: the clock is not frozen here).
    fixture = Path(__file__).resolve().parent / "fixtures" / "state_written_by_ae619c4.json"
    for state in json.loads(fixture.read_text()).values():
        assert len(state["bookmarks"]) >= 4
        assert cleaned(state, state_shapes()) == (state, [])
