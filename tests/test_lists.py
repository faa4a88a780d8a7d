"""Lists read whole whatever a server does with its pages: fewer items a page than asked, a
cursor that comes back, a count its pages never reach (api/lists.py), through a real sync."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.api import status_history
from tap_ccc_campaign.api import windows as cdr_windows
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.streams import agent_status
from tap_ccc_campaign.streams.agent_status import SETTLE
from tests.helpers import sync_in_process, tap_config

HISTORY = "DescribeStaffStatusHistory"
TASKS = "DescribeAutoCalloutTasks"


def sync(emulator, streams, state=None, sink=None, **settings):
    """(records per stream, the last STATE, the emulator's calls per action in this run)."""
    config = tap_config(emulator, requests_per_second=1000, **settings)
    del config["campaign_ids"]
    before = len(emulator.requests_log())
    messages: list[dict] = [] if sink is None else sink
    sync_in_process(config, state=state, sink=messages, streams=streams)
    records: dict[str, list[dict]] = {stream: [] for stream in streams}
    for message in messages:
        if message["type"] == "RECORD":
            records[message["stream"]].append(message["record"])
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, states[-1], Counter(e["action"] for e in emulator.requests_log()[before:])


def changes(store, since: int, until: int) -> list[tuple]:
    """(agent, Timestamp, Status, SessionId) of every change the emulator holds in [since, until)."""
    return sorted(
        (mail, e["Timestamp"], e["Status"], e["SessionId"])
        for mail in store.directory.agent_mails()
        for e in store.status_history(mail)
        if since <= e["Timestamp"] < until
    )


def loaded(records) -> list[tuple]:
    return sorted((r["StaffUserId"], r["Timestamp"], r["Status"], r["SessionId"]) for r in records)


@pytest.mark.parametrize("clamps", [False, True], ids=["cut", "clamped"])
def test_every_task_loads_when_the_server_answers_fewer_per_page_than_asked(start_emulator, clamps, caplog):
    emulator = start_emulator(
        store=CampaignStore(count=1, history_days=60, tasks=180, seed=4),
        rate_limit=None,
        faults=FaultPlan(page_cap=50, page_cap_clamps=clamps),
    )
    with caplog.at_level(logging.WARNING):
        records, _, calls = sync(emulator, ["auto_callout_tasks"])
    tasks = [r["TaskId"] for r in records["auto_callout_tasks"]]
    assert sorted(tasks) == sorted(emulator.store.tasks.ids())
    assert len(tasks) == 180
    assert "auto-callout task list was complete" not in caplog.text
    assert calls[TASKS] == 4  # 50 + 50 + 50 + 30: the short last page ends it, all counted


@pytest.mark.parametrize("clamps", [False, True], ids=["cut", "clamped"])
def test_every_status_change_loads_when_the_server_answers_fewer_per_page_than_asked(
    start_emulator, monkeypatch, clamps
):
    emulator = start_emulator(
        store=CampaignStore(count=25, callees=12, history_days=60, seed=6),
        rate_limit=None,
        faults=FaultPlan(page_cap=3, page_cap_clamps=clamps),
    )
    now = int(time.time())
    monkeypatch.setattr(agent_status, "clock", lambda: now)
    records, _, _ = sync(emulator, ["agent_status_history"])
    every = changes(emulator.store, cdr_windows.oldest(now), now - SETTLE)
    assert len(every) > 100
    assert loaded(records["agent_status_history"]) == every


def test_a_cursor_that_comes_back_fails_its_agent_after_a_few_calls_and_keeps_its_bookmark(start_emulator, monkeypatch):
    emulator = start_emulator(
        store=CampaignStore(count=25, callees=12, history_days=60, seed=6),
        rate_limit=None,
        faults=FaultPlan(cursor_cycle_after=2),  # the third page answers the first again
    )
    # Two changes a page: an agent with more than four in a window sees its cursor come back.
    monkeypatch.setattr(status_history, "PAGE_SIZE", 2)
    now = int(time.time())
    monkeypatch.setattr(agent_status, "clock", lambda: now)
    start = datetime.fromtimestamp(now - 12 * 86400, UTC)
    oldest = cdr_windows.oldest(now, start)
    read = status_history.windows(oldest, now - SETTLE)
    store, app = emulator.store, str(emulator.store.sdk_app_id)
    agents = store.directory.agent_mails()
    held = {
        a: max(sum(1 for e in store.status_history(a) if s <= e["Timestamp"] <= t) for s, t in read) for a in agents
    }
    cycling = sorted(a for a, n in held.items() if n > 4)
    assert cycling
    assert len(cycling) < len(agents)
    state = {"bookmarks": {"agent_status_history": {"agents": {app: dict.fromkeys(agents, oldest)}}}}
    sink: list[dict] = []
    with pytest.raises(SyncFailedError) as failed:
        sync(emulator, ["agent_status_history"], state=state, sink=sink, start_date=start.isoformat())
    calls = sum(1 for e in emulator.requests_log() if e["action"] == HISTORY)
    assert calls <= 3 * len(agents) * len(read)  # at most the two pages and the one that came back
    assert "incomplete history" in str(failed.value)
    assert all(agent in str(failed.value) for agent in cycling)
    bookmarks = [m["value"] for m in sink if m["type"] == "STATE"][-1]["bookmarks"]["agent_status_history"]
    assert {a: bookmarks["agents"][app][a] for a in cycling} == dict.fromkeys(cycling, oldest)
    assert {a for a in agents if bookmarks["agents"][app][a] == now - SETTLE} == set(agents) - set(cycling)


def test_a_session_list_short_of_its_count_is_named_and_its_calls_are_read_once_it_is_whole(start_emulator, caplog):
    store = CampaignStore(count=40, callees=30, history_days=60, seed=4)
    emulator = start_emulator(store=store, rate_limit=None)
    finished = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 4 and len(store.sessions(cid)) > 5)
    missing = set(store.sessions(finished)[:3])
    store.unlisted = set(missing)  # counted by TotalCount, left out of every page
    streams = ["predictive_dialing_sessions", "predictive_dialing_calls"]
    with caplog.at_level(logging.WARNING):
        first, state, _ = sync(emulator, streams)
    named = [r.getMessage() for r in caplog.records if "fewer sessions than their TotalCount" in r.getMessage()]
    assert len(named) == 2  # once by each stream
    assert all(str(finished) in line for line in named)
    assert not missing & {r["SessionId"] for rows in first.values() for r in rows}
    store.unlisted.clear()  # the list is whole now
    before = len(emulator.requests_log())
    second, _, _ = sync(emulator, streams, state=state)
    asked = {s for e in emulator.requests_log()[before:] if e["action"] == "DescribeTelCdr" for s in e["session_ids"]}
    assert asked == missing  # its other calls were loaded already
    assert {r["SessionId"] for r in second["predictive_dialing_calls"]} == missing


@pytest.mark.parametrize("clamps", [False, True], ids=["cut", "clamped"])
def test_every_call_record_loads_in_one_sync_when_the_server_answers_fewer_per_page_than_asked(start_emulator, clamps):
    # DescribeTelCdr is asked for a hundred sessions at a time: under a cap of 30 a page, the
    # records past the first page came a sync later, or not at all once out of reach.
    store = CampaignStore(count=6, history_days=60, seed=3)
    capped = start_emulator(store=store, rate_limit=None, faults=FaultPlan(page_cap=30, page_cap_clamps=clamps))
    records, state, _ = sync(capped, ["predictive_dialing_calls"])
    whole = start_emulator(store=CampaignStore(count=6, history_days=60, seed=3), rate_limit=None)
    expected, _, _ = sync(whole, ["predictive_dialing_calls"])
    got = sorted(r["SessionId"] for r in records["predictive_dialing_calls"])
    assert len(got) > 100  # more than one page of the cap per window
    assert got == sorted(r["SessionId"] for r in expected["predictive_dialing_calls"])
    assert not any(state["bookmarks"]["predictive_dialing_calls"].get("pending", {}).values())
