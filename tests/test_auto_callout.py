"""Auto-callout tasks, their callees and calls: every task, callee and call once, as the API serves
them; a task loaded final is never read again; a running task's new calls load at the next sync."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import pytest
from ccc_emulator import calls
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.api import cdr
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.validation import load_schema
from tests.helpers import sync_in_process, tap_config

STREAMS = ["auto_callout_tasks", "auto_callout_callees", "auto_callout_calls"]
FINAL = (2, 4)


def run(emulator, state: dict | None = None, sink: list | None = None, **settings: Any):
    """(records per stream, the last STATE, the emulator's calls per action in this run)."""
    config = tap_config(emulator, **settings)
    del config["campaign_ids"]
    before = len(emulator.requests_log())
    messages: list[dict] = [] if sink is None else sink
    sync_in_process(config, state=state, sink=messages, streams=STREAMS)
    records: dict[str, list[dict]] = {s: [] for s in STREAMS}
    for message in messages:
        if message["type"] == "RECORD":
            records[message["stream"]].append(message["record"])
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, states[-1], Counter(e["action"] for e in emulator.requests_log()[before:])


@pytest.fixture
def app(start_emulator):
    return start_emulator(store=CampaignStore(count=3, history_days=60, tasks=15, seed=4), rate_limit=None)


def test_every_task_callee_and_call_loads_once_as_the_api_serves_it(app):
    records, _, calls = run(app)
    book, sdk_app_id = app.store.tasks, app.store.sdk_app_id
    tasks = {r["TaskId"]: r for r in records["auto_callout_tasks"]}
    assert set(tasks) == set(book.ids())
    for task_id, row in tasks.items():
        detail = book.detail(task_id)
        want = {"SdkAppId": sdk_app_id, **book.summary(task_id), "Description": detail["Description"]}
        assert row == want
    callees = {(r["TaskId"], r["Callee"]): r for r in records["auto_callout_callees"]}
    want_callees = {(t, c["Callee"]): c for t in book.ids() for c in book.detail(t)["Callees"]}
    assert set(callees) == set(want_callees)
    assert all(
        row["State"] == want_callees[k]["State"] and row["Sessions"] == want_callees[k]["Sessions"]
        for k, row in callees.items()
    )
    sessions = {s: t for t in book.ids() for s in book.sessions(t)}
    got = records["auto_callout_calls"]
    assert sorted(r["SessionId"] for r in got) == sorted(sessions)
    for row in got:
        assert row == cdr.loadable(app.store.call(row["SessionId"])) | {
            "SdkAppId": sdk_app_id,
            "TaskId": sessions[row["SessionId"]],
        }
    # One list call, one detail read per task (shared by the three streams), no campaign action.
    assert calls["DescribeAutoCalloutTasks"] == 1
    assert calls["DescribeAutoCalloutTask"] == len(book.ids())
    assert not {a for a in calls if "PredictiveDialing" in a}


def test_a_second_sync_reads_only_open_tasks_and_emits_nothing_unchanged(app):
    _, state, _ = run(app)
    records, _, calls = run(app, state)
    book = app.store.tasks
    open_tasks = [t for t in book.ids() if book.summary(t)["State"] not in FINAL]
    assert calls["DescribeAutoCalloutTask"] == len(open_tasks)
    # Read again, since they may change; unchanged, so nothing is emitted again.
    assert records == {s: [] for s in STREAMS}


def test_a_running_task_that_called_again_loads_only_the_new_calls(app):
    book = app.store.tasks
    running = next(t for t in book.ids() if book.summary(t)["State"] == 1 and book.detail(t)["Callees"])
    _, state, _ = run(app)
    new = book.call_again(running)
    assert new
    records, _, _ = run(app, state)
    assert sorted(r["SessionId"] for r in records["auto_callout_calls"]) == sorted(new)
    assert all(r["TaskId"] == running for r in records["auto_callout_calls"])


def test_a_task_that_finishes_is_read_once_more_then_never_again(app):
    book = app.store.tasks
    running = next(t for t in book.ids() if book.summary(t)["State"] == 1)
    _, state, _ = run(app)
    book.set_state(running, 2)
    records, state, _ = run(app, state)
    assert [r["State"] for r in records["auto_callout_tasks"] if r["TaskId"] == running] == [2]
    records, _, _ = run(app, state)
    assert running not in {r["TaskId"] for r in records["auto_callout_tasks"]}


def test_a_stream_whose_detail_reads_fail_is_named_and_reads_them_again_next_sync(start_emulator):
    emulator = start_emulator(
        store=CampaignStore(count=3, history_days=60, tasks=6, seed=4),
        rate_limit=None,
        faults=FaultPlan(actions={"DescribeAutoCalloutTask": "dberror"}, action_attempts=2),
    )
    # The first two attempts of each task's detail read fail: with max_attempts 2, the stream that
    # asks first for a task (the three task streams sync side by side) fails it; the next to ask
    # reads the task itself, and the third attempt is answered.
    sink: list[dict] = []
    with pytest.raises(SyncFailedError, match=r"auto_callout_\w+: .*task 5000000\d"):
        run(emulator, sink=sink, max_attempts=2)
    first = [m for m in sink if m["type"] == "RECORD"]
    state = [m["value"] for m in sink if m["type"] == "STATE"][-1]
    records, _, _ = run(emulator, state)
    tasks = {m["record"]["TaskId"] for m in first if m["stream"] == "auto_callout_tasks"}
    assert tasks | {r["TaskId"] for r in records["auto_callout_tasks"]} == set(emulator.store.tasks.ids())
    want = sum(len(emulator.store.tasks.detail(t)["Callees"]) for t in emulator.store.tasks.ids())
    callees = {(m["record"]["TaskId"], m["record"]["Callee"]) for m in first if m["stream"] == "auto_callout_callees"}
    callees |= {(r["TaskId"], r["Callee"]) for r in records["auto_callout_callees"]}
    assert len(callees) == want  # those that failed were read at the next sync


def test_the_calls_schema_is_the_predictive_calls_schema_with_the_task_in_place_of_the_campaign():
    predictive, auto = load_schema("predictive_dialing_calls"), load_schema("auto_callout_calls")
    renamed = {("TaskId" if k == "CampaignId" else k): v for k, v in predictive["properties"].items()}
    assert list(auto["properties"]) == list(renamed)
    assert {k: v for k, v in auto["properties"].items() if k != "TaskId"} == {
        k: v for k, v in renamed.items() if k != "TaskId"
    }


def test_task_calls_checkpoint_as_they_go_and_a_resumed_run_reads_only_the_rest(app, monkeypatch):
    from tap_ccc_campaign.streams import AutoCalloutCallsStream

    monkeypatch.setattr(AutoCalloutCallsStream, "STATE_EVERY", 20)
    sink: list[dict] = []
    run(app, sink=sink)
    flow = [
        m
        for m in sink
        if m["type"] in ("RECORD", "STATE") and m.get("stream", "auto_callout_calls") == "auto_callout_calls"
    ]
    cut = next(
        i
        for i, m in enumerate(flow)
        if m["type"] == "STATE" and "auto_callout_calls" in m["value"]["bookmarks"] and i > 0
    )
    done = {m["record"]["SessionId"] for m in flow[:cut] if m["type"] == "RECORD"}
    every = {s for t in app.store.tasks.ids() for s in app.store.tasks.sessions(t)}
    assert 0 < len(done) < len(every)
    state = flow[cut]["value"]
    records, _, _ = run(app, state)
    again = {r["SessionId"] for r in records["auto_callout_calls"]}
    assert done | again == every
    assert not done & again


def _finished_with_unanswered(book) -> int:
    """A finished task with callees not answered: reopened, it calls them again."""
    return next(
        t
        for t in book.ids()
        if book.summary(t)["State"] == 2 and any(c["State"] == 2 for c in book.detail(t)["Callees"])
    )


def test_a_final_task_seen_running_is_read_again_once_final_again(app):
    book = app.store.tasks
    task = _finished_with_unanswered(book)
    _, state, _ = run(app)
    book.reopen(task)
    records, state, _ = run(app, state)
    assert [r["State"] for r in records["auto_callout_tasks"] if r["TaskId"] == task] == [1]
    new = book.call_again(task)
    book.set_state(task, 2)
    records, _, _ = run(app, state)
    # Final again, with callees called since: its row and its callees' attempts load.
    assert [r["State"] for r in records["auto_callout_tasks"] if r["TaskId"] == task] == [2]
    attempts = {s for r in records["auto_callout_callees"] if r["TaskId"] == task for s in r["Sessions"]}
    assert set(new) <= attempts


def test_a_final_task_whose_list_entry_moved_between_two_syncs_is_read_again_by_every_stream(app):
    book = app.store.tasks
    task = _finished_with_unanswered(book)
    _, state, _ = run(app)
    # Restarted, calling and finished again between two syncs: no sync saw it running.
    book.reopen(task)
    new = book.call_again(task)
    book.set_state(task, 2)
    records, _, _ = run(app, state)
    assert [r["NotAfter"] for r in records["auto_callout_tasks"] if r["TaskId"] == task] == [
        book.summary(task)["NotAfter"]
    ]
    attempts = {s for r in records["auto_callout_callees"] if r["TaskId"] == task for s in r["Sessions"]}
    assert set(new) <= attempts
    # Its calls are read again too (those loaded before as well: a final task's set is not kept).
    assert set(new) <= {r["SessionId"] for r in records["auto_callout_calls"] if r["TaskId"] == task}


def test_a_task_deleted_between_its_list_and_its_detail_read_is_skipped_with_a_warning(app, caplog):
    book = app.store.tasks
    gone = book.ids()[3]
    book.delete_once_listed(gone)
    records, _, _ = run(app)  # no SyncFailedError: a vanished task is no failure
    assert {r["TaskId"] for r in records["auto_callout_tasks"]} == set(book.ids())
    assert gone not in {r["TaskId"] for r in records["auto_callout_callees"]}
    assert f"Task {gone} no longer exists: skipped reading its detail" in caplog.text


@pytest.mark.parametrize(
    ("stream", "part"),
    [("auto_callout_calls", "ends"), ("auto_callout_calls", "marks"), ("auto_callout_tasks", "done")],
)
def test_a_state_key_that_is_not_an_id_is_dropped_alone_with_a_warning(app, caplog, stream, part):
    _, state, _ = run(app)
    bookmark = state["bookmarks"][stream]
    app_key = str(app.store.sdk_app_id)
    # "²" passes str.isdigit() but not int(): a hand-edited or mangled key.
    if part == "ends":
        bookmark.setdefault("ends", {}).setdefault(app_key, {})["5000000²"] = 1
    else:
        bookmark[part]["1400000000²"] = bookmark[part][app_key]
    records, state, _ = run(app, state)
    assert "²" in caplog.text
    assert "²" not in json.dumps(state, ensure_ascii=False)
    # The rest of the state still holds: the open tasks are read again and nothing is emitted again.
    assert records == {s: [] for s in STREAMS}


# A task's calls are asked for in the windows that cover its own span, NotBefore to NotAfter.

DAY = 86400


def _cdr_asks(emulator, since: int) -> Counter:
    """DescribeTelCdr calls since log entry ``since``, per task (the task of the sessions asked)."""
    asks: Counter = Counter()
    for entry in emulator.requests_log()[since:]:
        if entry["action"] == "DescribeTelCdr":
            tasks = {calls.parse_session_id(s)[0] for s in entry["session_ids"]}
            assert len(tasks) == 1  # a call asks for one task's sessions
            asks[tasks.pop()] += 1
    return asks


def _windows_needed(task: dict, now: int) -> int:
    """The 89-day windows covering the task's span (a day's margin each side) within the 178 days read."""
    low = max(now - 178 * DAY, task["NotBefore"] - DAY)
    high = now if task["NotAfter"] is None else min(now, task["NotAfter"] + DAY)
    return max(0, -(-(high - low) // (89 * DAY)))


def test_a_tasks_calls_are_asked_in_the_windows_its_span_needs_and_every_call_still_loads(app):
    book, store = app.store.tasks, app.store
    calling = [t for t in book.ids() if book.sessions(t)]
    now = int(time.time())
    # Laid back in time: ended 100 days ago (one window, the older), running since 150 days without
    # an end (two), ended before the 178 days read (none: its calls are out of reach).
    one, two, gone = calling[:3]
    book.move(one, now - 120 * DAY, now - 100 * DAY)
    book.set_state(one, 4)
    book.move(two, now - 150 * DAY, None)
    book.set_state(two, 1)
    book.move(gone, now - 300 * DAY, now - 200 * DAY)
    book.set_state(gone, 4)
    # A session without a record yet in every task: each window of its span is asked, none beyond.
    for task in calling:
        store.hidden.add(book.sessions(task)[0])
    since = len(app.requests_log())
    records, _, _ = run(app)
    asks = _cdr_asks(app, since)
    needed = {t: _windows_needed(book.summary(t), now) for t in calling}
    assert (needed[one], needed[two], needed[gone]) == (1, 2, 0)
    assert {t: asks[t] for t in calling} == needed
    # Every window asked lies within the 180 days and is under 90 days long.
    assert all(
        e["window"][0] >= now - 180 * DAY and e["window"][1] - e["window"][0] < 90 * DAY
        for e in app.requests_log()[since:]
        if e["action"] == "DescribeTelCdr"
    )
    # Every call the emulator holds within reach is loaded; nothing else.
    readable = {
        s
        for t in calling
        for s in book.sessions(t)
        if (record := store.call(s)) is not None and record["Time"] >= now - 178 * DAY
    }
    assert {r["SessionId"] for r in records["auto_callout_calls"]} == readable
    assert {calls.parse_session_id(s)[0] for s in readable} >= {one, two}


def test_a_restarted_task_whose_span_grows_has_its_later_calls_found(app):
    book, store = app.store.tasks, app.store
    task = _finished_with_unanswered(book)
    now = int(time.time())
    book.move(task, now - 130 * DAY, now - 100 * DAY)
    store.hidden.add(book.sessions(task)[0])  # pending: the state keeps the task's end of then
    since = len(app.requests_log())
    _, state, _ = run(app)
    assert _cdr_asks(app, since)[task] == 1  # its 32 days: one window
    assert state["bookmarks"]["auto_callout_calls"]["ends"][str(store.sdk_app_id)][str(task)] == now - 100 * DAY
    # Restarted: NotAfter ten days ahead; it calls its callees not answered again, now.
    book.reopen(task)
    new = book.call_again(task)
    assert new
    since = len(app.requests_log())
    records, _, _ = run(app, state)
    got = {r["SessionId"] for r in records["auto_callout_calls"] if r["TaskId"] == task}
    assert got == set(new)
    assert _cdr_asks(app, since)[task] == 2  # its span is now 131 days: two windows


def test_a_changed_callee_is_emitted_again_alone_and_a_final_tasks_checksums_go(app):
    book, app_key = app.store.tasks, str(app.store.sdk_app_id)
    task = next(
        t
        for t in book.ids()
        if book.summary(t)["State"] == 1
        and {c["State"] for c in book.detail(t)["Callees"]} & {0, 3, 4}
        and {c["State"] for c in book.detail(t)["Callees"]} & {1, 2}
    )
    _, state, _ = run(app)
    # A state of before, without the row checksums: an unchanged task emits nothing (its "seen").
    older = json.loads(json.dumps(state))
    older["bookmarks"]["auto_callout_callees"].pop("callees", None)
    assert run(app, older)[0]["auto_callout_callees"] == []
    first_state = state  # its row checksums are looked at below
    callees = len(book.detail(task)["Callees"])
    before = {c["Callee"]: c for c in book.detail(task)["Callees"]}
    book.call_again(task)  # the callees waiting to retry are called again: they change, the rest not
    changed = {c["Callee"] for c in book.detail(task)["Callees"] if c != before[c["Callee"]]}
    assert 0 < len(changed) < callees
    records, state, _ = run(app, state)
    assert sorted(r["Callee"] for r in records["auto_callout_callees"]) == sorted(changed)
    assert all(r["TaskId"] == task for r in records["auto_callout_callees"])
    kept = first_state["bookmarks"]["auto_callout_callees"]["callees"][app_key]
    open_tasks = {str(t) for t in book.ids() if book.summary(t)["State"] not in FINAL}
    assert set(kept) == open_tasks  # open tasks only
    # 4 bytes a callee: 5⅓ characters in base64, after a 3-character prefix.
    assert len(kept[str(task)]) == 3 + 4 * -(-4 * callees // 3)
    # Read again unchanged: nothing; finished: its row checksums are dropped with its "seen".
    records, state, _ = run(app, state)
    assert records["auto_callout_callees"] == []
    book.set_state(task, 2)
    _, state, _ = run(app, state)
    bookmark = state["bookmarks"]["auto_callout_callees"]
    assert str(task) not in bookmark["callees"].get(app_key, {})
    assert task in dict(encoding.decode_pairs(bookmark["done"][app_key]))


def test_a_task_without_an_end_is_asked_first_in_the_window_holding_its_start(app):
    # A task dials its list from NotBefore on: begun 150 days ago with no NotAfter, its calls lie in
    # the older window, though the newer one covers most of its span.
    book = app.store.tasks
    task = next(t for t in book.ids() if book.sessions(t))
    now = int(time.time())
    book.move(task, now - 150 * DAY, None)
    book.set_state(task, 1)
    assert _windows_needed(book.summary(task), now) == 2
    since = len(app.requests_log())
    records, _, _ = run(app)
    assert _cdr_asks(app, since)[task] == -(-len(book.sessions(task)) // 100)  # one call per 100 sessions
    assert {r["SessionId"] for r in records["auto_callout_calls"]} >= set(book.sessions(task))
