"""agent_status_history: every status change of every agent once, read in windows under 7 days
from each agent's bookmark; the cost is agents x windows; a failed window is read again."""

from __future__ import annotations

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
    monkeypatch.setattr(agent_status, "STATE_EVERY", 20)
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
