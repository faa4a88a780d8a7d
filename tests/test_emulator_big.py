"""The emulator's large account (ccc_emulator.big): deterministic, computed on demand, and answered in
the SDK's types with the small store's invariants."""

from __future__ import annotations

import gc
import json
import time
import tracemalloc

import pytest
from ccc_emulator.big import BigAccount
from ccc_emulator.cli import build, parser
from ccc_emulator.data import CampaignStore
from tencentcloud.ccc.v20200210 import models

from tests.test_emulator_sdk import request, sdk_client, sdk_fields

DAY = 86400


def small_big(seed: int = 3, **options) -> BigAccount:
    sizes = {"count": 6, "running": 2, "sessions": 2500, "agents": 12, "tasks": 30, "seed": seed}
    return BigAccount(**{**sizes, **options})


def running(store: BigAccount) -> int:
    return sorted(store.running_ids)[0]


def test_the_factory_scales_the_issues_account():
    store = CampaignStore.large(0.05)
    assert isinstance(store, BigAccount)
    assert (store.count, len(store.running_ids), store.sessions_per_running) == (25, 1, 50_000)
    assert (len(store.directory.agent_mails()), len(store.tasks.ids()), store.task_callees) == (50, 250, 50)
    full = CampaignStore.large(1.0)
    assert (full.count, len(full.running_ids)) == (500, 20)
    assert len(full.running_ids) * full.sessions_per_running == 1_000_000
    assert [full.campaign(c)["Status"] for c in full.running_ids] == [1] * 20


def test_the_same_seed_gives_the_same_pages_and_another_seed_others():
    one, two, other = small_big(), small_big(), small_big(seed=4)
    cid = running(one)
    assert one.session_page(cid, 1000, 1000) == two.session_page(cid, 1000, 1000)
    assert one.session_page(cid, 1000, 1000) != other.session_page(cid, 1000, 1000)
    session = one.session_page(cid, 7, 1)[1][0]
    assert one.call(session) == two.call(session)
    mail = one.directory.agent_mails()[-1]
    window = (one.anchor - 30 * DAY, one.anchor - 23 * DAY - 1)
    assert one.status_events(mail, *window) == two.status_events(mail, *window)
    assert one.status_events(mail, *window) != other.status_events(mail, *window)
    task = one.tasks.ids()[-1]
    assert one.tasks.detail(task) == two.tasks.detail(task)


def test_session_pages_are_slices_of_one_listing_of_every_session_once():
    store = small_big()
    cid = running(store)
    total, _ = store.session_page(cid, 0, 0)
    listing = store.sessions(cid)
    assert total == len(listing) == store.summary(cid)["FinishedCalleeCount"] == 2500
    assert len(set(listing)) == total
    pages = [store.session_page(cid, offset, 1000)[1] for offset in range(0, total, 1000)]
    assert [s for page in pages for s in page] == listing
    assert store.session_page(cid, total, 1000) == (total, [])
    # listed in no time order, as the small store's
    times = [store.call(s)["Time"] for s in listing[:50]]
    assert times != sorted(times)
    # the world moves on as in the small store: new sessions listed after, an unlisted one skipped
    new = store.grow(cid, 3)
    assert store.sessions(cid)[-3:] == new
    store.unlisted.add(listing[0])
    total, first = store.session_page(cid, 0, 2)
    assert total == 2503
    assert first == listing[1:3]


def test_every_session_has_its_call_and_the_running_campaigns_calls_are_within_reach():
    store = small_big()
    now = time.time()
    for cid in store.ids():
        full = store.campaign(cid)
        for session in store.sessions(cid)[:300]:
            call = store.call(session)
            assert call is not None
            assert call["SessionId"] == session
            assert full["StartTime"] <= call["Time"] <= store.anchor
            if cid in store.running_ids:
                assert call["Time"] > now - 178 * DAY
    assert store.call("00000000-0000-0000-0000-000000000000") is None
    agents = {c["SeatUser"]["Mail"] for s in store.sessions(running(store))[:300] if (c := store.call(s))["SeatUser"]}
    assert agents <= set(store.directory.agent_mails())
    assert len(agents) > 3  # the calls are spread over the directory's agents, not the small store's three


def test_an_agents_status_history_is_ordered_and_a_window_holds_under_a_page():
    store = small_big()
    for mail in store.directory.agent_mails():
        history = store.status_history(mail)
        assert history
        assert [e["Timestamp"] for e in history] == sorted(e["Timestamp"] for e in history)
        assert [e["Cursor"] for e in history] == sorted(e["Cursor"] for e in history)
        assert len({e["Cursor"] for e in history}) == len(history)
        for start in range(history[0]["Timestamp"], store.anchor, 7 * DAY):
            window = store.status_events(mail, start, start + 7 * DAY - 1)
            assert len(window) < 100
            assert window == [e for e in history if start <= e["Timestamp"] <= start + 7 * DAY - 1]
        busy = [e["SessionId"] for e in history if e["Status"] == "busy"]
        assert all(store.call(s) is not None for s in busy[:20])
    assert store.status_events("nobody@example.com", store.anchor - 5 * DAY, store.anchor) == []


def test_tasks_are_made_when_asked_and_only_a_changed_one_is_held():
    store = small_big()
    book = store.tasks
    assert book.ids() == list(range(50_000_000, 50_000_030))
    for task in book.ids():
        detail = book.detail(task)
        assert len(detail["Callees"]) == 50
        assert book.summary(task)["CalleeCount"] == 50
        for session in book.sessions(task)[:5]:
            assert store.call(session)["SessionId"] == session
    assert len(book._tasks) == 0
    running_task = next(t for t in book.ids() if book.summary(t)["State"] == 1)
    waiting = [c for c in book.detail(running_task)["Callees"] if c["State"] in (0, 3, 4)]
    new = book.call_again(running_task)
    assert len(new) == len(waiting)
    assert len(book._tasks) == 1
    assert all(c["State"] != 4 for c in book.detail(running_task)["Callees"])
    book.delete_once_listed(running_task)
    book.listed([running_task])
    assert not book.has(running_task)
    assert running_task not in book.ids()


def test_a_million_sessions_are_read_without_the_store_growing():
    """A running campaign of a million sessions: its last pages, their call records and a year of
    status windows leave the store's own memory (what it keeps after the answers are dropped) small."""
    store = BigAccount(count=3, running=1, sessions=1_000_000, agents=20, tasks=400)
    cid = running(store)
    store.directory  # noqa: B018 (made once, before measuring)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for offset in (0, 500_000, 999_000):
            total, page = store.session_page(cid, offset, 1000)
            assert total == 1_000_000
            assert len(page) == 1000
            assert all(store.call(s) is not None for s in page[:100])
        for mail in store.directory.agent_mails():
            for start in range(store.anchor - 180 * DAY, store.anchor, 7 * DAY):
                store.status_events(mail, start, start + 7 * DAY - 1)
        for task in store.tasks.ids():
            store.tasks.detail(task)
        del page
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # A list of a million session ids alone would be about 70 MB; the held tasks are bounded.
    assert kept < 3_000_000
    assert store.tasks.held() <= 64
    assert len(store._generated) <= store.count


def test_the_sdk_reads_the_large_accounts_answers_into_its_models(start_emulator):
    store = small_big()
    emulator = start_emulator(store=store)
    client = sdk_client(emulator)
    app, cid = store.sdk_app_id, running(store)
    sessions = client.DescribePredictiveDialingSessions(
        request(
            models.DescribePredictiveDialingSessionsRequest, SdkAppId=app, CampaignId=cid, PageSize=1000, PageNumber=2
        )
    )
    assert sessions.TotalCount == 2500
    assert sessions.SessionList == store.sessions(cid)[2000:2500]
    now = int(time.time())
    calls = client.DescribeTelCdr(
        request(
            models.DescribeTelCdrRequest,
            SdkAppId=app,
            StartTimeStamp=store.campaign(cid)["StartTime"],  # its calls a minute or more apart from there
            EndTimeStamp=store.campaign(cid)["StartTime"] + 89 * DAY,
            SessionIds=sessions.SessionList[:100],
            PageSize=100,
            PageNumber=0,
        )
    )
    raw = json.loads(calls.to_json_string())["TelCdrList"]
    assert len(raw) == 100
    assert all(set(r) == sdk_fields(models.TelCdrInfo) for r in raw)
    assert all(set(r["SeatUser"]) == sdk_fields(models.SeatUserInfo) for r in raw if r["SeatUser"])
    mail = store.directory.agent_mails()[-1]
    history = client.DescribeStaffStatusHistory(
        request(
            models.DescribeStaffStatusHistoryRequest,
            SdkAppId=app,
            StaffUserId=mail,
            StartTimestamp=now - 30 * DAY,
            EndTimestamp=now - 23 * DAY - 1,
        )
    )
    assert [e.Cursor for e in history.Data] == [
        e["Cursor"] for e in store.status_events(mail, now - 30 * DAY, now - 23 * DAY - 1)
    ]
    assert all(set(e) == sdk_fields(models.StaffStatus) for e in json.loads(history.to_json_string())["Data"])
    staff = client.DescribeStaffInfoList(
        request(models.DescribeStaffInfoListRequest, SdkAppId=app, PageSize=100, PageNumber=0)
    )
    assert staff.TotalCount == 12
    task = client.DescribeAutoCalloutTask(
        request(models.DescribeAutoCalloutTaskRequest, SdkAppId=app, TaskId=store.tasks.ids()[3])
    )
    assert len(task.Callees) == 50
    assert [c.Sessions for c in task.Callees] == [
        c["Sessions"] for c in store.tasks.detail(store.tasks.ids()[3])["Callees"]
    ]


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (["--large", "--scale", "0.01"], (5, 1, 10_000, 10, 50)),
        (["--large", "--scale", "0.01", "--running", "2", "--sessions", "300", "--agents", "15"], (5, 2, 300, 15, 50)),
    ],
)
def test_the_command_line_serves_a_large_account(argv, want):
    emulator = build(parser().parse_args(argv)).start()
    try:
        store = emulator.store
        assert isinstance(store, BigAccount)
        found = (store.count, len(store.running_ids), store.sessions_per_running, len(store.directory.agent_mails()))
        assert (*found, len(store.tasks.ids())) == want
    finally:
        emulator.stop()
