"""The streams sync side by side: each action at its own pace, messages interleaved as the Singer
spec allows, every STATE after the records it counts, one stream's trouble its own."""

from __future__ import annotations

import io
import itertools
import json
import logging
import signal
import threading
from contextlib import redirect_stdout

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.rendezvous import Rendezvous

from tap_ccc_campaign.errors import FatalRunError, SyncInterrupted
from tap_ccc_campaign.run.output import Writer
from tap_ccc_campaign.run.side_by_side import SideBySide
from tap_ccc_campaign.run.state_board import BoardStateWriter, StateBoard
from tap_ccc_campaign.streams import STREAMS, name_of
from tap_ccc_campaign.streams.calls import ParentCalls
from tap_ccc_campaign.tap import TapCCCCampaign
from tests import helpers
from tests.helpers import catalog_selecting, messages, sync_in_process, tap_config

ALL = [name_of(stream) for stream in STREAMS]
# A progress row is an observation of its campaign (ObservedAt is when the sync saw it): a resumed
# sync observes again, so what must not be lost is the campaign observed.
KEYS = {name_of(stream): tuple(k for k in stream.primary_keys if k != "ObservedAt") for stream in STREAMS}
# Actions of streams far apart in the streams' order: one after another, the first would wait.
MEETING = (
    "DescribePredictiveDialingCampaign",
    "DescribeTelCdr",
    "DescribeStaffStatusHistory",
    "DescribeAutoCalloutTasks",
)


@pytest.fixture
def account(start_emulator):
    return start_emulator(store=CampaignStore(count=12, history_days=30, tasks=4, seed=3), rate_limit=None)


def config_of(emulator, **overrides):
    config = tap_config(emulator, **{"requests_per_second": 500, **overrides})
    del config["campaign_ids"]
    return config


def test_the_streams_call_their_actions_at_the_same_time(account):
    account.rendezvous = meeting = Rendezvous(MEETING, timeout=30)
    sync_in_process(config_of(account), streams=ALL)
    # Each action's first request was answered only once all four had arrived: no stream waited
    # for another to end.
    assert (meeting.met, meeting.missed) == (len(MEETING), 0)


def test_each_streams_schema_comes_before_its_records_and_the_streams_records_interleave(account):
    account.rendezvous = Rendezvous(MEETING, timeout=30)
    out = sync_in_process(config_of(account), streams=ALL)
    schema_at = {m["stream"]: i for i, m in reversed(list(enumerate(out))) if m["type"] == "SCHEMA"}
    first_record = {m["stream"]: i for i, m in reversed(list(enumerate(out))) if m["type"] == "RECORD"}
    assert set(first_record) == set(ALL)
    assert all(schema_at[name] < at for name, at in first_record.items())
    order = [m["stream"] for m in out if m["type"] == "RECORD"]
    runs = 1 + sum(a != b for a, b in itertools.pairwise(order))
    assert runs > len(ALL)  # one after another, each stream would be one run of records


def test_every_state_of_a_side_by_side_sync_resumes_without_losing_a_record(account):
    config = config_of(account)
    out = sync_in_process(config, streams=ALL)
    whole = keys_by_stream(out)
    states = [i for i, m in enumerate(out) if m["type"] == "STATE"]
    assert len(states) >= 3
    for at in states[1 : -1 : max(1, len(states) // 4)]:  # a few from the middle of the sync
        resumed = sync_in_process(config, state=out[at]["value"], streams=ALL)
        for name in ALL:
            before = keys_by_stream(out[:at])[name]
            after = keys_by_stream(resumed)[name]
            assert before | after == whole[name], f"{name}: lost resuming from the STATE at message {at}"


def keys_by_stream(found):
    keys: dict[str, set[tuple]] = {name: set() for name in ALL}
    for m in found:
        if m["type"] == "RECORD":
            keys[m["stream"]].add(tuple(m["record"][k] for k in KEYS[m["stream"]]))
    return keys


class FakeStream:
    """A stream for the runner alone: it ends when told to stop, or raises what it is given."""

    def __init__(self, name: str, error: BaseException | None = None, started: threading.Barrier | None = None):
        self.name = name
        self.error = error
        self.started = started
        self.stopped = threading.Event()
        self.published = 0

    def sync(self) -> None:
        if self.started is not None:
            self.started.wait()
        if self.error is not None:
            raise self.error
        if not self.stopped.wait(60):  # a safety net: the other stream's error stops it at once
            return
        raise SyncInterrupted(0)

    def finalize_state_progress_markers(self) -> None:
        pass

    def ready(self) -> None:
        self.stopped.clear()

    def stop(self) -> None:
        self.stopped.set()

    def publish_state(self) -> None:
        self.published += 1


def test_an_error_that_stops_the_run_stops_every_stream_and_is_raised_itself():
    started = threading.Barrier(3)
    fatal = FatalRunError("api_url: cannot reach it")
    streams = [FakeStream("a", started=started), FakeStream("b", fatal, started), FakeStream("c", started=started)]
    board = StateBoard()
    with pytest.raises(FatalRunError) as raised:
        SideBySide(board, streams, logging.getLogger("test")).run()
    assert raised.value is fatal
    assert all(stream.stopped.is_set() for stream in (streams[0], streams[2]))
    assert [stream.published for stream in streams] == [1, 1, 1]  # each stream's state as far as it got


def test_a_state_written_while_streams_sync_holds_each_streams_last_published_part():
    board = StateBoard()
    board.start({"bookmarks": {"a": {"n": 1}, "b": {"n": 1}}})
    live = {"n": 2}
    board.publish("a", live)
    live["n"] = 3  # a stream changing its state after it published: not seen until it publishes again
    assert board.value() == {"bookmarks": {"a": {"n": 2}, "b": {"n": 1}}}


def test_two_streams_asking_for_a_state_at_once_write_one_only_the_budget_allows():
    # While the first stream is told a STATE is due, a second asks from its own thread: told so too
    # before the first wrote, both would write, with no record between the two STATEs.
    board = StateBoard()
    board.start({"bookmarks": {}})
    out = io.StringIO()
    writer = Writer()
    second = threading.Thread(target=lambda: ask("b"))
    asked: list[bool] = []

    def due() -> bool:
        answer = writer.state_due()
        asked.append(answer)
        if len(asked) == 1:
            second.start()
            second.join(timeout=1)  # blocked until the first wrote, and then told "no"
            board.publish("c", {"n": 1})  # a third stream's checkpoint meanwhile: the STATEs differ
        return answer

    states = BoardStateWriter(writer, board, due)

    def ask(name: str) -> None:
        board.syncing(name)
        states.write_state({"bookmarks": {name: {"n": 1}}})

    with redirect_stdout(out):
        writer.record_bytes = 10_000  # records enough for one STATE
        ask("a")
        second.join()
    assert [json.loads(line)["type"] for line in out.getvalue().splitlines()] == ["STATE"]
    assert asked == [True, False]


@pytest.mark.slow
def test_a_side_by_side_sync_stopped_half_way_resumes_losing_nothing_and_repeating_almost_nothing(
    start_emulator, tmp_path
):
    emulator = start_emulator(store=CampaignStore(count=40, history_days=90, tasks=8, seed=3), rate_limit=None)
    config = config_of(emulator, requests_per_second=100)
    full = sync_in_process(config, streams=ALL)
    whole = keys_by_stream(full)
    total = sum(map(len, whole.values()))
    # What a sync after a whole one writes again anyway (the campaigns that run, their sessions,
    # a new progress observation of every campaign): not a repeat caused by the stop.
    again = keys_by_stream(sync_in_process(config, state=final_state(full), streams=ALL))
    first = stopped_after(config, tmp_path, total // 2)
    second = keys_by_stream(sync_in_process(config, state=final_state(first), streams=ALL))
    before = keys_by_stream(first)
    for name in ALL:
        assert before[name] | second[name] >= whole[name], f"{name}: records lost across the stop"
    twice = {name: len((before[name] & second[name]) - again[name]) for name in ALL}
    assert sum(twice.values()) <= total / 100, twice


def final_state(found: list[dict]) -> dict:
    return [m["value"] for m in found if m["type"] == "STATE"][-1]


def stopped_after(config, tmp_path, records: int) -> list[dict]:
    """A sync of every stream, in its own process, stopped by SIGTERM after ``records`` records."""
    (tmp_path / "catalog.json").write_text(json.dumps(catalog_selecting(config, ALL)))
    return helpers.stopped_after(config, tmp_path, records, "--catalog", str(tmp_path / "catalog.json"))


def test_the_calls_stream_takes_a_campaigns_span_from_the_campaigns_stream_of_the_run(account):
    tap = TapCCCCampaign(config=config_of(account))
    calls = tap.streams["predictive_dialing_calls"]
    app, campaign_id = account.store.sdk_app_id, account.store.ids()[0]
    campaign = ParentCalls(app, campaign_id, 0, True, False, set(), {}, {}, None)
    tap.spool.keep(("campaign span", app, campaign_id), (1_780_000_000, 1_790_000_000))
    before = len(account.requests_log())
    assert calls._parent_span(client=None, parent=campaign) == (1_780_000_000, 1_790_000_000)  # no client: no call
    assert len(account.requests_log()) == before


def test_a_stop_asked_for_before_the_streams_start_is_kept(account):
    config = config_of(account)
    tap = TapCCCCampaign(config=config, catalog=catalog_selecting(config, ALL))
    side_by_side = SideBySide(tap.board, [tap.streams[name] for name in ALL], tap.logger)
    side_by_side.stop()  # a signal while the threads are still being started
    out = io.StringIO()
    with redirect_stdout(out), pytest.raises(SyncInterrupted):
        side_by_side.run()
    assert [m for m in messages(out.getvalue()) if m["type"] == "RECORD"] == []


def test_a_signal_in_the_middle_of_the_first_state_stops_the_run_with_a_last_state(account, monkeypatch):
    config = config_of(account)
    state = final_state(sync_in_process(config, streams=ALL))  # a STATE is written before any stream starts
    tap = TapCCCCampaign(config=config, state=state, catalog=catalog_selecting(config, ALL))
    writer = tap.message_writer
    write = writer._write

    def signalled_while_writing(message):
        write(message)
        if message.to_dict()["type"] == "STATE" and tap._signalled is None:
            tap._on_signal(signal.SIGTERM, None)  # as the OS would call it, on this thread, mid-write

    monkeypatch.setattr(writer, "_write", signalled_while_writing)
    previous = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    try:
        with redirect_stdout(out), pytest.raises(SyncInterrupted) as stopped:
            tap.sync_all()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped.value.exit_code == 143
    found = messages(out.getvalue())
    assert found[-1]["type"] == "STATE"
    assert [m for m in found if m["type"] == "RECORD"] == []
