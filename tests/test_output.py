"""The message writer: a record's bookkeeping cannot be cut off by a signal, a gone loader is named."""

from __future__ import annotations

import json
import signal

import pytest
from singer_sdk.singerlib import RecordMessage, StateMessage

from tap_ccc_campaign.errors import TargetGone
from tap_ccc_campaign.run.output import Writer


@pytest.fixture
def on_signal():
    """Install a SIGUSR1 handler for the test; restore the old one after."""
    old = signal.getsignal(signal.SIGUSR1)
    yield lambda handler: signal.signal(signal.SIGUSR1, handler)
    signal.signal(signal.SIGUSR1, old)


def test_a_signal_while_a_record_is_written_acts_once_its_bookkeeping_is_done(on_signal, capsys):
    writer, order = Writer(), []

    def handler(signum, frame):
        order.append("held" if writer.hold(signum) else "handled")

    def counted():
        signal.raise_signal(signal.SIGUSR1)  # arrives between the write and the count
        order.append("counted")

    on_signal(handler)
    writer.on_record_written(counted)
    writer.write_message(RecordMessage(stream="s", record={"CampaignId": 1}))
    assert order == ["held", "counted", "handled"]
    writer.flush()
    assert '"CampaignId":1' in capsys.readouterr().out.replace(" ", "")


def test_records_are_written_together_and_always_before_the_state_that_follows_them(capsys):
    writer = Writer()
    for n in range(3):
        writer.write_message(RecordMessage(stream="s", record={"CampaignId": n}))
    assert capsys.readouterr().out == ""  # gathered, not one write each
    writer.write_message(StateMessage(value={"bookmarks": {"s": {"done": 3}}}))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [m["type"] for m in lines] == ["RECORD", "RECORD", "RECORD", "STATE"]
    assert [m["record"]["CampaignId"] for m in lines[:3]] == [0, 1, 2]


def test_a_signal_while_a_state_is_written_waits_for_the_whole_line(on_signal, capsys):
    order = []

    class Interrupted(Writer):
        def _write(self, message):
            signal.raise_signal(signal.SIGUSR1)  # arrives while the line is being written
            super()._write(message)
            order.append("written")

    writer = Interrupted()
    on_signal(lambda signum, frame: order.append("held" if writer.hold(signum) else "handled"))
    writer.write_message(StateMessage(value={"bookmarks": {}}))
    assert order == ["held", "written", "handled"]
    assert capsys.readouterr().out.endswith("\n")


def test_a_signal_outside_a_record_write_is_handled_at_once(on_signal):
    writer, order = Writer(), []
    on_signal(lambda signum, frame: order.append("held" if writer.hold(signum) else "handled"))
    signal.raise_signal(signal.SIGUSR1)
    assert order == ["handled"]


def test_a_loader_that_stopped_reading_is_named(monkeypatch):
    class Closed:
        def write(self, text):
            raise BrokenPipeError

        def flush(self):
            pass

    monkeypatch.setattr("sys.stdout", Closed())
    writer = Writer()
    writer.write_message(RecordMessage(stream="s", record={"CampaignId": 1}))  # gathered
    with pytest.raises(TargetGone, match="the target stopped reading"):
        writer.write_message(StateMessage(value={}))
