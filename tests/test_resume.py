"""An interrupted sync, started again with its last STATE, carries on where it stopped."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import SyncFailedError
from tests.helpers import STREAM, stopped_after, sync_in_process, tap_config

READ = "DescribePredictiveDialingCampaign"


def config_for(emulator, *, discovery: bool, **overrides):
    config = tap_config(emulator, requests_per_second=500, **overrides)
    if discovery:
        del config["campaign_ids"]
    return config


def interrupted(config, tmp_path, after: int, state=None):
    """The tap's messages when SIGTERM stops it right after its ``after``-th RECORD line."""
    args = []
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        args = ["--state", str(tmp_path / "state.json")]
    return stopped_after(config, tmp_path, after, *args)


def held_after(order: list[int], position: int) -> FaultPlan:
    """Reads of the campaigns after ``position`` in the order the tap reads them answer only after a
    minute: a run stopped long before cannot have finished, however loaded the machine is."""
    return FaultPlan(persistent={cid: "slow" for cid in order[position:]}, slow_seconds=60)


def records(found):
    return [m["record"] for m in found if m["type"] == "RECORD"]


def last_state(found):
    return [m["value"] for m in found if m["type"] == "STATE"][-1]


def reads(emulator, since: int) -> list[int]:
    return [e["campaign_id"] for e in emulator.requests_log()[since:] if e["action"] == READ]


@pytest.mark.slow
@pytest.mark.parametrize("discovery", [False, True], ids=["campaign_ids", "discovery"])
def test_a_sync_stopped_half_way_resumes_and_reads_only_what_it_had_not_emitted(start_emulator, tmp_path, discovery):
    store = CampaignStore(count=1000, id_step=2, order="shuffled", seed=5)
    emulator = start_emulator(store=store, rate_limit=None, latency=0.005)
    config = config_for(emulator, discovery=discovery)
    if not discovery:
        config["campaign_ids"] = store.ids()
    emulator.faults = held_after(store.listed_ids() if discovery else store.ids(), 700)
    first = interrupted(config, tmp_path, after=500)
    emulator.faults = FaultPlan()
    state = last_state(first)
    assert state["bookmarks"][STREAM]["last_sync"]["complete"] is False
    before = len(emulator.requests_log())
    second = sync_in_process(config, state=state)
    emitted_first = [r["CampaignId"] for r in records(first)]
    assert 500 <= len(emitted_first) < 1000
    # Every campaign once across both runs, and the second read only what the first had not emitted.
    assert Counter(emitted_first + [r["CampaignId"] for r in records(second)]) == Counter(store.ids())
    assert sorted(reads(emulator, before)) == sorted(set(store.ids()) - set(emitted_first))
    end = last_state(second)["bookmarks"][STREAM]
    assert end["last_sync"]["complete"] is True
    assert end["last_sync"]["skipped_emitted_before"] == len(emitted_first)
    assert "cycle" not in end


def test_a_sync_that_failed_is_resumed_by_the_next_run_reading_only_the_failed_campaigns(start_emulator):
    store = CampaignStore(count=120)
    failing = list(store.ids())[10:15]
    emulator = start_emulator(
        store=store, rate_limit=None, faults=FaultPlan(persistent=dict.fromkeys(failing, "dberror"))
    )
    config = config_for(emulator, discovery=True, max_attempts=1)
    first: list[dict] = []
    with pytest.raises(SyncFailedError):
        sync_in_process(config, sink=first)
    assert len(records(first)) == 115
    emulator.faults = FaultPlan()
    before = len(emulator.requests_log())
    second = sync_in_process(config, state=last_state(first))
    assert sorted(reads(emulator, before)) == failing
    assert sorted(r["CampaignId"] for r in records(second)) == failing


def test_a_campaign_whose_list_entry_moved_since_the_interrupted_run_is_read_again(start_emulator):
    store = CampaignStore(count=60)
    emulator = start_emulator(store=store, rate_limit=None, faults=FaultPlan(persistent={store.ids()[-1]: "dberror"}))
    config = config_for(emulator, discovery=True, max_attempts=1)
    first: list[dict] = []
    with pytest.raises(SyncFailedError):
        sync_in_process(config, sink=first)
    emulator.faults = FaultPlan()
    running = [cid for cid in store.ids()[:-1] if store.campaign(cid)["Status"] == 1][:3]
    for cid in running:
        store.set_status(cid, 2)
    before = len(emulator.requests_log())
    second = sync_in_process(config, state=last_state(first))
    assert sorted(reads(emulator, before)) == sorted([*running, store.ids()[-1]])
    assert {r["CampaignId"]: r["Status"] for r in records(second) if r["CampaignId"] in running} == dict.fromkeys(
        running, 2
    )


@pytest.mark.slow
def test_deletions_are_marked_only_by_the_run_that_completes_the_resumed_cycle(start_emulator, tmp_path):
    store = CampaignStore(count=600, order="shuffled", seed=3)
    emulator = start_emulator(store=store, rate_limit=None, latency=0.005)
    config = config_for(emulator, discovery=True)
    complete = last_state(sync_in_process(config))
    gone = store.ids()[200:210]
    for cid in gone:
        store.delete(cid)
    new = store.create(5)
    config["full_refresh"] = True  # every campaign is read, so the cycle is long enough to stop half way
    emulator.faults = held_after(store.listed_ids(), 400)
    first = interrupted(config, tmp_path, after=200, state=complete)
    emulator.faults = FaultPlan()
    assert not [r for r in records(first) if "_sdc_deleted_at" in r]
    second = sync_in_process(config, state=last_state(first))
    tombstones = sorted(r["CampaignId"] for r in records(second) if r.get("_sdc_deleted_at"))
    assert tombstones == sorted(gone)
    rows = [r["CampaignId"] for r in records(first) + records(second) if not r.get("_sdc_deleted_at")]
    assert Counter(rows) == Counter(store.ids())
    assert set(new) <= set(rows)
