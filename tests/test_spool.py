"""The spool: lists kept for later streams of a run, never mixed with one another."""

from __future__ import annotations

import tempfile
import threading

from tap_ccc_campaign.run.spool import Spool


def test_a_list_kept_as_it_is_read_replays_whole_while_values_are_kept_meanwhile():
    spool = Spool()
    entries = [{"CampaignId": i} for i in range(50)]
    read = []
    for entry in spool.record(("campaigns", 1), entries):
        read.append(entry)
        spool.keep(("sessions", 1, entry["CampaignId"]), [f"s-{entry['CampaignId']}-{n}" for n in range(3)])
    assert read == entries
    assert list(spool.replay(("campaigns", 1))) == entries
    assert spool.get(("sessions", 1, 7)) == ["s-7-0", "s-7-1", "s-7-2"]


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


def test_a_list_not_read_to_its_end_is_not_kept():
    spool = Spool()
    reading = spool.record(("campaigns", 1), iter([{"CampaignId": 1}, {"CampaignId": 2}]))
    next(reading)
    reading.close()
    assert ("campaigns", 1) not in spool


def test_an_empty_list_kept_before_anything_else_replays_as_empty():
    spool = Spool()
    assert list(spool.record("none", [])) == []
    assert list(spool.replay("none")) == []


def test_closing_removes_the_files_and_forgets_what_was_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spool = Spool()
    spool.keep(("sessions", 1, 2), ["a", "b"])
    assert list(spool.record(("campaigns", 1), iter([{"CampaignId": 2}]))) == [{"CampaignId": 2}]
    assert len(list(tmp_path.glob("tap-ccc-*"))) == 2
    spool.close()
    assert list(tmp_path.glob("tap-ccc-*")) == []
    assert ("sessions", 1, 2) not in spool
