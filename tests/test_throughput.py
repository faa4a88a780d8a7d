"""Pacing, checked on send times and the emulator's counters (not timed): never over the rate, nothing lost."""

from __future__ import annotations

import math

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tests.helpers import records, run_tap, start_tap, sync_in_process, tap_config
from tests.pacing import peak_in_any_second

pytestmark = pytest.mark.slow


def every_send(sends: dict[int, list[float]]) -> list[float]:
    return sorted(t for stamps in sends.values() for t in stamps)


def records_of(messages):
    return [m["record"] for m in messages if m["type"] == "RECORD"]


@pytest.mark.parametrize("rate", [20, 7, 2.5])
def test_no_second_holds_more_sends_than_the_rate_and_every_campaign_arrives_once_in_order(start_emulator, sends, rate):
    emulator = start_emulator(store=CampaignStore(count=60), latency=0.1, rate_limit=None)
    ids = list(emulator.store.ids())[::-1]
    got = records_of(sync_in_process(tap_config(emulator, ids, requests_per_second=rate)))
    assert [r["CampaignId"] for r in got] == ids
    assert len(every_send(sends)) == len(ids)
    assert peak_in_any_second(every_send(sends)) <= math.ceil(rate)


def test_retries_are_paced_by_the_same_limiter(start_emulator, sends):
    emulator = start_emulator(
        store=CampaignStore(count=80),
        latency=0.05,
        rate_limit=None,
        faults=FaultPlan(rates={"dberror": 0.3}, max_consecutive=2),
    )
    got = records_of(sync_in_process(tap_config(emulator, retry_backoff_seconds=0.0)))
    assert len(got) == 80
    stats = emulator.stats()
    assert stats["faults"]["dberror"] > 0
    assert len(every_send(sends)) == sum(stats["requests"].values()) == 80 + stats["faults"]["dberror"]
    assert peak_in_any_second(every_send(sends)) <= 20


def test_throttling_answers_are_retried_beyond_max_attempts_and_nothing_is_lost(start_emulator, sends):
    # RequestLimitExceeded on 40% of attempts (up to 3 in a row per campaign), max_attempts=2:
    # throttling does not use up the attempts, so every campaign still arrives, once.
    emulator = start_emulator(
        store=CampaignStore(count=60),
        latency=0.02,
        rate_limit=None,
        faults=FaultPlan(rates={"ratelimit": 0.4}, max_consecutive=3, seed=1),
    )
    got = records_of(sync_in_process(tap_config(emulator, retry_backoff_seconds=0.01, max_attempts=2)))
    assert [r["CampaignId"] for r in got] == list(emulator.store.ids())
    throttled = emulator.stats()["faults"]["ratelimit"]
    assert throttled > 0
    assert len(every_send(sends)) == 60 + throttled


def test_progress_is_logged_on_a_long_run(start_emulator, tmp_path):
    # 330 campaigns at 20/s take at least 16 s (the pacer's floor), past the 15 s progress interval.
    emulator = start_emulator(store=CampaignStore(count=330), rate_limit=20)
    run = run_tap(tap_config(emulator), tmp_path)
    progress = [line for line in run.stderr.splitlines() if "progress: " in line]
    assert progress, run.stderr[-1500:]
    assert "/330 campaigns" in progress[0]
    assert "calls/s (limit 20/s per action)" in progress[0]
    assert "ETA" in progress[0]


def test_two_runs_sharing_one_account_both_load_every_campaign(start_emulator, tmp_path):
    # Both told 20/s against an account budget of 20/s: whatever is rejected is retried, nothing is lost.
    emulator = start_emulator(store=CampaignStore(count=150), latency=0.02, rate_limit=20)
    config = tap_config(emulator, retry_backoff_seconds=0.2)
    first, second = (tmp_path / "a", tmp_path / "b")
    first.mkdir()
    second.mkdir()
    processes = [start_tap(config, folder) for folder in (first, second)]
    outputs = [process.communicate(timeout=600) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr[-2000:]
        assert [r["CampaignId"] for r in records(stdout)] == list(emulator.store.ids())


def test_discovery_of_1234_sparse_campaigns_at_the_real_pace(start_emulator, sends):
    store = CampaignStore(count=1234, id_step=13, order="shuffled", seed=9)
    emulator = start_emulator(store=store, latency=0.05, rate_limit=20)
    config = tap_config(emulator)
    del config["campaign_ids"]
    got = records_of(sync_in_process(config))
    assert sorted(r["CampaignId"] for r in got) == sorted(store.ids())
    assert all(r == {**store.campaign(r["CampaignId"]), "SdkAppId": store.sdk_app_id} for r in got)
    stats = emulator.stats()
    list_rejections = stats["rejections"].get("DescribePredictiveDialingCampaigns", 0)
    assert stats["requests"]["DescribePredictiveDialingCampaigns"] == math.ceil(1234 / 100) + list_rejections
    # One pacer per action; each sent at most 20 calls in any second.
    assert len(sends) == 2
    assert all(peak_in_any_second(stamps) <= 20 for stamps in sends.values())


def test_beside_another_client_of_the_account_every_campaign_still_arrives_once(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=300), latency=0.05)
    neighbour = emulator.add_neighbour("DescribePredictiveDialingCampaign", rate=8, seconds=600)
    got = records_of(sync_in_process(tap_config(emulator)))
    neighbour.stop()
    assert [r["CampaignId"] for r in got] == list(emulator.store.ids())
    assert neighbour.accepted > 0
