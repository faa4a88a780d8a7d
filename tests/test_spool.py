"""The spool: lists read once per run, kept for every stream that needs them, never mixed with one another."""

from __future__ import annotations

import tempfile
import threading

import pytest

from tap_ccc_campaign.run.spool import Spool


def test_a_list_kept_whole_replays_item_by_item_among_values_kept_before_and_after():
    spool = Spool()
    entries = [{"CampaignId": i} for i in range(50)]
    spool.keep(("sessions", 1, 7), ["s-7-0", "s-7-1"])
    spool.keep_items(("campaigns", 1), entries)
    spool.keep(("sessions", 1, 8), ["s-8-0"])
    assert list(spool.replay(("campaigns", 1))) == entries
    assert spool.get(("sessions", 1, 7)) == ["s-7-0", "s-7-1"]
    assert spool.get(("sessions", 1, 8)) == ["s-8-0"]


def test_a_key_asked_for_by_many_streams_at_once_is_filled_once():
    spool = Spool()
    fills: list[int] = []
    start = threading.Barrier(8)

    def ask(n: int) -> None:
        start.wait()
        spool.once("campaigns", lambda: (fills.append(n), spool.keep_items("campaigns", [1, 2, 3])))
        assert list(spool.replay("campaigns")) == [1, 2, 3]

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fills) == 1


def test_a_fill_that_failed_is_tried_again_by_the_next_to_ask():
    spool = Spool()

    def failing() -> None:
        raise RuntimeError("listing failed")

    with pytest.raises(RuntimeError):
        spool.once("campaigns", failing)
    assert "campaigns" not in spool
    spool.once("campaigns", lambda: spool.keep_items("campaigns", [{"CampaignId": 1}]))
    assert list(spool.replay("campaigns")) == [{"CampaignId": 1}]


def test_values_kept_from_many_threads_each_come_back_as_kept():
    spool = Spool()

    def keep(n: int) -> None:
        for i in range(50):
            spool.keep(("sessions", n, i), [f"{n}:{i}"] * (i % 5))

    threads = [threading.Thread(target=keep, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(spool.get(("sessions", n, i)) == [f"{n}:{i}"] * (i % 5) for n in range(8) for i in range(50))


def test_an_empty_list_kept_before_anything_else_replays_as_empty():
    spool = Spool()
    spool.keep_items("none", [])
    assert list(spool.replay("none")) == []


def test_closing_removes_the_files_and_forgets_what_was_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spool = Spool()
    spool.keep(("sessions", 1, 2), ["a", "b"])
    spool.keep_items(("campaigns", 1), [{"CampaignId": 2}])
    assert list(spool.replay(("campaigns", 1))) == [{"CampaignId": 2}]
    assert len(list(tmp_path.glob("tap-ccc-*"))) == 2  # values; the list, written as read
    spool.close()
    assert list(tmp_path.glob("tap-ccc-*")) == []
    assert ("sessions", 1, 2) not in spool


def test_a_value_kept_after_the_run_closed_the_spool_is_dropped(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spool = Spool()
    spool.close()
    spool.keep(("campaign span", 1, 2), (1_780_000_000, 1_790_000_000))  # a worker let go at the run's end
    spool.keep_items(("campaigns", 1), [{"CampaignId": 2}])
    assert ("campaign span", 1, 2) not in spool
    assert list(tmp_path.glob("tap-ccc-*")) == []
