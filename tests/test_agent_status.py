"""agent_status_history: every status change of every agent once, read in windows under 7 days
from each agent's bookmark; the cost is agents x windows; a failed window is read again."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.api import windows as cdr_windows
from tap_ccc_campaign.api.status_history import PAGE_SIZE, SPAN, windows
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.streams import agent_status
from tap_ccc_campaign.streams.agent_status import SETTLE
from tests.helpers import sync_in_process, tap_config

STREAM = "agent_status_history"
ACTION = "DescribeStaffStatusHistory"


def run(emulator, state=None, sink=None, **settings):
    # The emulator enforces no limit here: the tap's pacing would only make the test slow.
    config = tap_config(emulator, requests_per_second=1000, **settings)
    del config["campaign_ids"]
    if "sdk_app_ids" in settings:
        del config["sdk_app_id"]
    before = len(emulator.requests_log())
    messages: list[dict] = [] if sink is None else sink
    sync_in_process(config, state=state, sink=messages, streams=[STREAM])
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, states[-1], Counter(e["action"] for e in emulator.requests_log()[before:])


def served(store, since: int, until: int) -> list[tuple]:
    """(agent, Timestamp, Status, SessionId) of every change the emulator holds in [since, until)."""
    return sorted(
        (mail, e["Timestamp"], e["Status"], e["SessionId"])
        for mail in store.directory.agent_mails()
        for e in store.status_history(mail)
        if since <= e["Timestamp"] < until
    )


def pages(store, since: int, until: int, agents=None) -> int:
    """What reading the agents' windows of [since, until) costs: each window's pages, then the empty
    page that ends it (a short page does not); an empty window is one page."""
    count = 0
    for mail in store.directory.agent_mails() if agents is None else agents:
        for start, end in windows(since, until):
            held = sum(1 for e in store.status_history(mail) if start <= e["Timestamp"] <= end)
            count += math.ceil(held / PAGE_SIZE) + 1
    return count


def loaded(records) -> list[tuple]:
    return sorted((r["StaffUserId"], r["Timestamp"], r["Status"], r["SessionId"]) for r in records)


@pytest.fixture
def app(start_emulator):
    return start_emulator(store=CampaignStore(count=25, callees=12, history_days=60, seed=6), rate_limit=None)


def test_the_first_sync_loads_every_change_once_at_agents_times_windows_calls(app, monkeypatch):
    now = int(time.time())
    monkeypatch.setattr(agent_status, "clock", lambda: now)
    records, _, calls = run(app)
    oldest = cdr_windows.oldest(now)
    assert loaded(records) == served(app.store, oldest, now - SETTLE)
    assert len(records) > 50
    agents = len(app.store.directory.agent_mails())
    windows_read = agents * math.ceil((now - SETTLE - oldest) / SPAN)
    # One page per window, and one more after each window that held changes.
    assert calls[ACTION] == pages(app.store, oldest, now - SETTLE) < 2 * windows_read
    assert calls["DescribeStaffInfoList"] == 1


def test_a_later_sync_reads_one_window_per_agent_and_only_what_is_new(app, monkeypatch):
    real = time.time()
    # The first sync as if run 2,000 s ago; the agents then take calls; the second sync runs now.
    monkeypatch.setattr(agent_status, "clock", lambda: real - 2000)
    _, state, _ = run(app)
    running = next(cid for cid in app.store.ids() if app.store.campaign(cid)["Status"] == 1)
    new_sessions = set(app.store.grow(running, 40, at=int(real) - 1500))
    monkeypatch.setattr(agent_status, "clock", lambda: real)
    records, _, calls = run(app, state)
    # One window per agent: one page, and the empty one after it when it held changes.
    assert calls[ACTION] == pages(app.store, int(real) - 2000 - SETTLE, int(real) - SETTLE)
    assert calls[ACTION] < 2 * len(app.store.directory.agent_mails())
    busy = [r for r in records if r["Status"] == "busy"]
    assert busy
    assert {r["SessionId"] for r in busy} <= new_sessions
    assert loaded(records) == served(app.store, int(real) - 2000 - SETTLE, int(real) - SETTLE)


def test_start_date_bounds_the_windows(app, monkeypatch):
    now = int(time.time())
    monkeypatch.setattr(agent_status, "clock", lambda: now)
    start = now - 20 * 86400
    records, _, calls = run(app, start_date=datetime.fromtimestamp(start, UTC).isoformat())
    oldest = cdr_windows.oldest(now, datetime.fromtimestamp(start, UTC))
    assert len(windows(oldest, now - SETTLE)) == 3
    assert calls[ACTION] == pages(app.store, oldest, now - SETTLE)
    assert min(r["Timestamp"] for r in records) >= start


def test_a_window_that_fails_is_named_and_read_again_next_sync(start_emulator):
    emulator = start_emulator(
        store=CampaignStore(count=25, callees=12, history_days=60, seed=6),
        rate_limit=None,
        faults=FaultPlan(actions={ACTION: "dberror"}, action_attempts=1),
    )
    now = int(time.time())
    sink: list[dict] = []
    with pytest.raises(SyncFailedError, match="agent"):
        run(emulator, sink=sink, max_attempts=1)
    first = [m["record"] for m in sink if m["type"] == "RECORD"]
    state = [m["value"] for m in sink if m["type"] == "STATE"][-1]
    second, _, _ = run(emulator, state)  # each request failed once: every window answers now
    union = loaded(first + second)
    assert sorted(set(union)) == served(emulator.store, cdr_windows.oldest(now), now - SETTLE)


def test_it_checkpoints_as_it_goes_and_a_resumed_run_reads_only_the_rest(app, monkeypatch):
    monkeypatch.setattr(agent_status.AgentStatusHistoryStream, "STATE_EVERY", 20)
    real = time.time()
    monkeypatch.setattr(agent_status, "clock", lambda: real)
    sink: list[dict] = []
    run(app, sink=sink)
    flow = [m for m in sink if m["type"] in ("RECORD", "STATE")]
    cut = next(i for i, m in enumerate(flow) if m["type"] == "STATE" and i > 20)
    done = loaded([m["record"] for m in flow[:cut] if m["type"] == "RECORD"])
    assert 0 < len(done) < len(served(app.store, cdr_windows.oldest(int(real)), int(real) - SETTLE))
    again, _, _ = run(app, flow[cut]["value"])
    assert sorted(set(done) | set(loaded(again))) == served(
        app.store, cdr_windows.oldest(int(real)), int(real) - SETTLE
    )
    assert len(set(done) & set(loaded(again))) < len(done)  # what the checkpoint holds is not read again


def bookmark(state, sdk_app_id: int, agent: str) -> int:
    return state["bookmarks"][STREAM]["agents"][str(sdk_app_id)][agent]


@pytest.fixture
def frozen(monkeypatch) -> int:
    """The moment the syncs read up to, fixed: what the emulator holds before it can be computed."""
    now = int(time.time())
    monkeypatch.setattr(agent_status, "clock", lambda: now)
    return now


RECENT = 20 * 86400  # start_date this far back: three windows per agent, enough for one bad event


def recent(now: int) -> str:
    return datetime.fromtimestamp(now - RECENT, UTC).isoformat()


def with_null_status(store, now: int) -> tuple:
    """Spoil one status change in the middle of an agent's history: its Status answered null."""
    changes = served(store, now - RECENT, now - SETTLE)
    agent, timestamp, *_ = bad = changes[len(changes) // 2]
    store.null_status.add((agent, timestamp))
    return bad, [c for c in changes if c != bad]


def test_a_status_change_the_schema_refuses_holds_back_none_beside_it_and_the_bookmark_moves(start_emulator, frozen):
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    bad, valid = with_null_status(store, frozen)
    emulator = start_emulator(store=store, rate_limit=None)
    sink: list[dict] = []
    with pytest.raises(SyncFailedError):
        run(emulator, sink=sink, start_date=recent(frozen))
    assert loaded([m["record"] for m in sink if m["type"] == "RECORD"]) == valid
    state = [m["value"] for m in sink if m["type"] == "STATE"][-1]
    assert bookmark(state, store.sdk_app_id, bad[0]) == frozen - SETTLE


def test_a_refused_status_change_is_named_with_its_field_at_the_end(start_emulator, frozen):
    store = CampaignStore(count=25, callees=12, history_days=60, seed=6)
    (agent, timestamp, *_), _ = with_null_status(store, frozen)
    emulator = start_emulator(store=store, rate_limit=None)
    with pytest.raises(SyncFailedError) as failed:
        run(emulator, start_date=recent(frozen))
    summary = str(failed.value)
    assert summary.startswith(f"{STREAM}: 1 of ")
    assert f"agent {agent} at {timestamp}: Status: None is not of type 'string'" in summary
    assert "a past status change does not change: reading it again cannot help" in summary


def test_one_apps_failing_agent_list_keeps_to_that_app_and_is_named(start_emulator, frozen):
    apps = [CampaignStore(sdk_app_id=1400000000 + n, count=25, callees=12, history_days=60, seed=6) for n in range(2)]
    failing, other = apps
    emulator = start_emulator(
        stores=apps,
        rate_limit=None,
        faults=FaultPlan(app_actions={(failing.sdk_app_id, "DescribeStaffInfoList"): "dberror"}),
    )
    sink: list[dict] = []
    with pytest.raises(SyncFailedError) as failed:
        run(emulator, sink=sink, sdk_app_ids=[a.sdk_app_id for a in apps], max_attempts=1, start_date=recent(frozen))
    records = [m["record"] for m in sink if m["type"] == "RECORD"]
    assert {r["SdkAppId"] for r in records} == {other.sdk_app_id}
    assert loaded(records) == served(other, frozen - RECENT, frozen - SETTLE)
    assert f"InternalError.DBError x1 (SdkAppId {failing.sdk_app_id})" in str(failed.value)


def test_an_agent_deleted_after_the_agent_list_is_skipped_with_a_warning_not_a_failure(
    app, frozen, monkeypatch, caplog
):
    directory = app.store.directory
    changes = served(app.store, frozen - RECENT, frozen - SETTLE)
    leaving = changes[0][0]
    listed = directory.agents

    def listed_then_deleted(modified_since=None):
        found = listed(modified_since)
        if leaving in directory.agent_mails():
            directory.delete_agent(leaving)  # gone before its history is asked for
        return found

    monkeypatch.setattr(directory, "agents", listed_then_deleted)
    with caplog.at_level(logging.WARNING):
        records, _, _ = run(app, start_date=recent(frozen))
    assert loaded(records) == [c for c in changes if c[0] != leaving]
    assert f"Agent {leaving} no longer exists" in caplog.text
