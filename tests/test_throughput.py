"""Pacing, checked on the emulator's counters (not timed): never over the rate, nothing lost or repeated."""

from __future__ import annotations

import pytest
from ccc_emulator.data import CampaignStore

from tests.helpers import run_tap, tap_config

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("rate", [20, 7])
def test_trailing_second_peak_never_exceeds_the_rate_and_every_campaign_arrives_once_in_order(
    start_emulator, tmp_path, rate
):
    emulator = start_emulator(store=CampaignStore(count=120), latency=0.1, rate_limit=rate)
    ids = list(emulator.store.ids())[::-1]
    run = run_tap(tap_config(emulator, ids, requests_per_second=rate), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert [r["CampaignId"] for r in run.records] == ids
    stats = emulator.stats()
    assert stats["rejections"] == {}
    assert stats["peak_per_second"]["DescribePredictiveDialingCampaign"] <= rate


def test_retries_are_paced_by_the_same_limiter(start_emulator, tmp_path):
    from ccc_emulator.faults import FaultPlan

    emulator = start_emulator(
        store=CampaignStore(count=80),
        latency=0.05,
        rate_limit=20,
        faults=FaultPlan(rates={"dberror": 0.3}, max_consecutive=2),
    )
    run = run_tap(tap_config(emulator, retry_backoff_seconds=0.0), tmp_path)
    assert run.returncode == 0
    stats = emulator.stats()
    assert stats["faults"]["dberror"] > 0
    assert stats["rejections"] == {}
    assert stats["peak_per_second"]["DescribePredictiveDialingCampaign"] <= 20


def test_progress_is_logged_on_a_long_run(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=140), rate_limit=20)
    run = run_tap(tap_config(emulator), tmp_path)
    progress = [line for line in run.stderr.splitlines() if "progress: " in line]
    assert progress, run.stderr[-1500:]
    assert "/140 campaigns" in progress[0]
    assert "/s" in progress[0]
    assert "ETA" in progress[0]
