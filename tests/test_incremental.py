"""A sync reads again only what can have changed: new, not started, or a list entry that moved."""

from __future__ import annotations

import pytest
from ccc_emulator.data import CampaignStore

from tests.helpers import STREAM, sync_in_process, tap_config

pytestmark = pytest.mark.slow  # 2,000 campaigns, three syncs per test
READ = "DescribePredictiveDialingCampaign"


def run(emulator, state=None, **overrides):
    config = tap_config(emulator, requests_per_second=1000, **overrides)
    del config["campaign_ids"]
    messages = sync_in_process(config, state=state)
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    return records, [m["value"] for m in messages if m["type"] == "STATE"][-1]


def reads(emulator, since: int) -> list[int]:
    return [e["campaign_id"] for e in emulator.requests_log()[since:] if e["action"] == READ]


def move_on(store: CampaignStore) -> set[int]:
    """Campaigns created, deleted, started, paused, finished; settings edited before start."""
    created = store.create(25)
    deleted = store.ids()[100:115]
    for cid in deleted:
        store.delete(cid)
    changed = set()
    for cid in store.ids():
        status = store.campaign(cid)["Status"]
        if len(changed) < 60 and status in (1, 2):
            store.set_status(cid, {1: 2, 2: 1}[status] if cid % 2 else 4)
            changed.add(cid)
    editable = [cid for cid in store.ids() if store.campaign(cid)["Status"] == 0 and cid not in created][:5]
    for cid in editable:
        store.edit(cid, Priority=1, UUI="edited")
    return set(created) | set(deleted) | changed


@pytest.fixture
def world(start_emulator):
    store = CampaignStore(count=2000, id_step=3, order="shuffled", seed=11)
    return store, start_emulator(store=store, rate_limit=None)


def test_a_second_sync_reads_only_new_not_started_and_changed_campaigns_and_the_warehouse_ends_current(world):
    store, emulator = world
    first, state = run(emulator)
    assert len(first) == 2000
    moved = move_on(store)
    not_started = {cid for cid in store.ids() if store.campaign(cid)["Status"] == 0}
    before = len(emulator.requests_log())
    second, state = run(emulator, state)
    read_now = reads(emulator, before)
    # Deleted ones are read once more, to hear the API say they are gone.
    assert sorted(read_now) == sorted(moved | not_started)
    assert len(read_now) < 2000 // 4
    table = {r["CampaignId"]: r for r in [*first, *second]}  # what an upserting loader holds
    live = {cid: r for cid, r in table.items() if r.get("_sdc_deleted_at") is None}
    assert live == {cid: {**store.campaign(cid), "SdkAppId": store.sdk_app_id} for cid in store.ids()}
    last_sync = state["bookmarks"][STREAM]["last_sync"]
    assert last_sync["full_refresh"] is False
    assert last_sync["skipped_unchanged"] == len(store.ids()) - len((moved | not_started) & set(store.ids()))


def test_full_refresh_reads_every_campaign(world):
    _store, emulator = world
    _, state = run(emulator)
    before = len(emulator.requests_log())
    run(emulator, state, full_refresh=True)
    assert len(reads(emulator, before)) == 2000


def test_an_old_full_refresh_makes_the_next_sync_full(world):
    store, emulator = world
    _, state = run(emulator)
    state["bookmarks"][STREAM]["last_full_refresh"] = "2020-01-01T00:00:00+00:00"
    before = len(emulator.requests_log())
    _, state = run(emulator, state, full_refresh_days=7)
    assert len(reads(emulator, before)) == 2000
    before = len(emulator.requests_log())
    run(emulator, state, full_refresh_days=7)  # just refreshed: only the not-started ones again
    assert len(reads(emulator, before)) == sum(1 for cid in store.ids() if store.campaign(cid)["Status"] == 0)
