"""predictive_dialing_sessions and predictive_dialing_calls against the emulator's sessions and records."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.api import cdr, windows
from tap_ccc_campaign.state.marks import decode_marks
from tests.helpers import sync_in_process, tap_config

SESSIONS = "predictive_dialing_sessions"
CALLS = "predictive_dialing_calls"
LIST_SESSIONS = "DescribePredictiveDialingSessions"
TEL_CDR = "DescribeTelCdr"


def rows(messages, stream):
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def last_state(messages):
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def sync(emulator, state=None, **overrides):
    config = tap_config(emulator, requests_per_second=1000, **overrides)
    del config["campaign_ids"]
    return sync_in_process(config, state=state, streams=[SESSIONS, CALLS])


def every_session(store):
    return [(cid, s) for cid in store.ids() for s in store.sessions(cid)]


def log_since(emulator, since, action):
    return [e for e in emulator.requests_log()[since:] if e["action"] == action]


@pytest.fixture
def recent(start_emulator):
    """40 campaigns whose calls are all within DescribeTelCdr's reach."""
    store = CampaignStore(count=40, callees=30, history_days=60, seed=4)
    return store, start_emulator(store=store, rate_limit=None)


def test_every_session_of_every_campaign_is_one_row_with_its_campaign(recent):
    store, emulator = recent
    got = rows(sync(emulator), SESSIONS)
    assert Counter((r["CampaignId"], r["SessionId"]) for r in got) == Counter(every_session(store))
    assert {r["SdkAppId"] for r in got} == {store.sdk_app_id}


def test_every_sessions_call_record_is_one_row_equal_to_the_apis_without_its_expiring_links(recent):
    store, emulator = recent
    got = rows(sync(emulator), CALLS)
    assert Counter(r["SessionId"] for r in got) == Counter(s for _, s in every_session(store))
    campaign_of = dict((s, cid) for cid, s in every_session(store))
    for record in got:
        expected = cdr.loadable(store.call(record["SessionId"]))
        assert record == expected | {"SdkAppId": store.sdk_app_id, "CampaignId": campaign_of[record["SessionId"]]}
        assert not set(cdr.NOT_LOADED) & set(record)


def test_a_second_sync_lists_only_campaigns_that_can_have_new_sessions_and_asks_only_for_new_calls(recent):
    store, emulator = recent
    status_then = {cid: store.campaign(cid)["Status"] for cid in store.ids()}
    sessions_then = set(every_session(store))
    state = last_state(sync(emulator))
    running = [cid for cid in store.ids() if status_then[cid] == 1]
    store.grow(running[0], 7)
    store.grow(running[1], 3)
    store.set_status(running[2], 4)  # finishes: its last callees' sessions appear
    paused = next(cid for cid in store.ids() if status_then[cid] == 2)
    store.set_status(paused, 3)  # aborted: its entry moved
    before = len(emulator.requests_log())
    second = sync(emulator, state)
    listed = {e["campaign_id"] for e in log_since(emulator, before, LIST_SESSIONS)}
    assert listed == {*running, paused}  # running then or now, or whose entry moved; nothing else
    new = set(every_session(store)) - sessions_then
    asked = [s for e in log_since(emulator, before, TEL_CDR) for s in e["session_ids"]]
    assert sorted(asked) == sorted(s for _, s in new)
    assert sorted(r["SessionId"] for r in rows(second, CALLS)) == sorted(s for _, s in new)


def test_the_calls_state_forgets_a_deleted_campaign_once_a_complete_sync_no_longer_lists_it(recent):
    store, emulator = recent
    running = [cid for cid in store.ids() if store.campaign(cid)["Status"] == 1][:2]
    state = last_state(sync(emulator))["bookmarks"][CALLS]
    app = str(store.sdk_app_id)
    assert {str(cid) for cid in running} <= set(state["loaded"][app])  # running: its loaded calls are kept
    store.delete(running[0])
    after = last_state(sync(emulator, {"bookmarks": {CALLS: state}}))["bookmarks"][CALLS]
    assert str(running[0]) not in after["loaded"][app]
    assert str(running[1]) in after["loaded"][app]
    assert running[0] not in decode_marks(after)[store.sdk_app_id]
    assert running[1] in decode_marks(after)[store.sdk_app_id]


def test_a_call_whose_record_can_still_change_is_read_again_at_the_next_sync_only(recent):
    store, emulator = recent
    running = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 1)
    state = last_state(sync(emulator))
    added = store.grow(running, 30)
    processing = [s for s in added if store.call(s)["AsrStatus"] == "Processing"]
    assert processing  # about one in ten
    state = last_state(sync(emulator, state))
    new = store.grow(running, 1)  # time passes: the ASR text of the earlier calls is done
    before = len(emulator.requests_log())
    third = sync(emulator, state)
    asked = [s for e in log_since(emulator, before, TEL_CDR) for s in e["session_ids"]]
    assert sorted(asked) == sorted([*processing, *new])
    reread = {r["SessionId"]: r["AsrStatus"] for r in rows(third, CALLS) if r["SessionId"] in processing}
    assert set(reread) == set(processing)
    assert "Processing" not in reread.values()


def test_calls_out_of_reach_are_named_once_and_those_that_may_still_come_stay_pending(start_emulator, caplog):
    store = CampaignStore(count=30, callees=20, history_days=400, seed=8)
    emulator = start_emulator(store=store, rate_limit=None)
    reach = int(time.time()) - windows.REACH
    gone = {s for cid, s in every_session(store) if store.campaign(cid)["EndTime"] < reach}
    unread = {s for cid, s in every_session(store) if s not in gone and store.call(s)["Time"] < reach}
    assert gone
    assert unread
    with caplog.at_level(logging.WARNING):
        first = sync(emulator)
    lines = [r.getMessage() for r in caplog.records if "no call record DescribeTelCdr can still read" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(f"{len(gone)} session(s) have no call record DescribeTelCdr can still read")
    assert not (gone | unread) & {r["SessionId"] for r in rows(first, CALLS)}
    pending = last_state(first)["bookmarks"][CALLS]["pending"][str(store.sdk_app_id)]
    assert {s for per in pending.values() for s in per} == unread
    caplog.clear()
    before = len(emulator.requests_log())
    sync(emulator, last_state(first))
    asked = {s for e in log_since(emulator, before, TEL_CDR) for s in e["session_ids"]}
    assert asked == unread  # asked for again; those out of reach never
    assert not [r for r in caplog.records if "can still read" in r.getMessage()]


def test_start_date_bounds_how_far_back_calls_are_read(recent):
    store, emulator = recent
    start = datetime.now(UTC) - timedelta(days=20)
    got = rows(sync(emulator, start_date=start.isoformat()), CALLS)
    since = {s for _, s in every_session(store) if store.call(s)["Time"] >= start.timestamp()}
    assert 0 < len(since) < len(every_session(store))
    assert {r["SessionId"] for r in got} == since


def test_transient_faults_on_the_new_actions_are_retried_and_nothing_is_lost_or_doubled(start_emulator):
    store = CampaignStore(count=20, callees=30, history_days=60, seed=2)
    emulator = start_emulator(
        store=store, rate_limit=None, faults=FaultPlan(rates={"dberror": 0.3, "http503": 0.1}, max_consecutive=2)
    )
    messages = sync(emulator, retry_backoff_seconds=0.0)
    assert Counter((r["CampaignId"], r["SessionId"]) for r in rows(messages, SESSIONS)) == Counter(every_session(store))
    assert Counter(r["SessionId"] for r in rows(messages, CALLS)) == Counter(s for _, s in every_session(store))
    faulted = {e["action"] for e in emulator.requests_log() if e["outcome"] in ("InternalError.DBError", "http503")}
    assert {LIST_SESSIONS, TEL_CDR} <= faulted


def test_a_campaigns_calls_are_asked_first_in_the_window_its_span_covers(start_emulator):
    # Campaigns of up to 900 calls over 175 days: each one's calls lie in a single 89-day window,
    # the older for some. Asked newest window first, each batch of an older campaign costs two calls.
    store = CampaignStore(count=12, callees=900, history_days=175, seed=7)
    emulator = start_emulator(store=store, rate_limit=None)
    spans = windows.readable(int(time.time()))
    held: dict[int, set[int]] = {}
    for cid in store.ids():
        times = [store.call(s)["Time"] for s in store.sessions(cid)]
        held[cid] = {next(i for i, (a, b) in enumerate(spans) if a <= t <= b) for t in times}
    assert all(len(ws) <= 1 for ws in held.values())  # what the count below relies on
    assert {1} in held.values()
    before = len(emulator.requests_log())
    got = rows(sync(emulator), CALLS)
    assert Counter(r["SessionId"] for r in got) == Counter(s for _, s in every_session(store))
    floor = sum(-(-len(store.sessions(cid)) // 100) for cid in store.ids())
    assert len(log_since(emulator, before, TEL_CDR)) == floor  # one call per 100 sessions: none wasted


def test_a_campaigns_start_and_end_only_say_which_window_to_ask_first(start_emulator):
    # StartTime and EndTime read before asking (to pick the first window) are never a reason not to
    # ask: an EndTime a day after 1970 would otherwise name every new call out of reach, unasked.
    store = CampaignStore(count=8, callees=400, history_days=60, seed=11, finished=1.0)
    emulator = start_emulator(
        store=store, rate_limit=None, faults=FaultPlan(actions={"DescribePredictiveDialingCampaign": "badtimes"})
    )
    assert any(len(store.sessions(cid)) > 100 for cid in store.ids())  # read before asking
    got = rows(sync(emulator), CALLS)
    assert Counter(r["SessionId"] for r in got) == Counter(s for _, s in every_session(store))


def test_a_changing_call_with_no_window_left_to_read_it_in_is_kept_as_last_loaded(recent):
    # start_date after today leaves no window: each sync counts as a read that found nothing, and
    # after MAX_TRIES the call is kept as it was loaded, not carried in the state for ever.
    store, emulator = recent
    state = last_state(sync(emulator))
    cid = next(c for c in store.ids() if store.sessions(c))
    session = store.sessions(cid)[0]
    calls_state = state["bookmarks"][CALLS]
    calls_state.setdefault("changing", {}).setdefault(str(store.sdk_app_id), {})[str(cid)] = {session: 1}
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    kept = []
    for _ in range(3):
        state = last_state(sync(emulator, state, start_date=future))
        kept.append(state["bookmarks"][CALLS].get("changing", {}).get(str(store.sdk_app_id), {}).get(str(cid)))
    assert kept == [{session: 2}, None, None]
