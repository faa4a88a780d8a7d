"""Discovery: with no campaign_ids the tap lists every campaign of every app and reads each, once."""

from __future__ import annotations

import math

import pytest
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.errors import FatalRunError
from tests.helpers import sync_in_process, tap_config

LIST = "DescribePredictiveDialingCampaigns"
READ = "DescribePredictiveDialingCampaign"


def records_of(messages):
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def expected(*stores):
    return {(s.sdk_app_id, cid): {**s.campaign(cid), "SdkAppId": s.sdk_app_id} for s in stores for cid in s.ids()}


def discover(emulator, **overrides):
    config = tap_config(emulator, campaign_ids=None, **overrides)
    config.pop("campaign_ids")
    return records_of(sync_in_process(config))


def by_key(records):
    keyed = {(r["SdkAppId"], r["CampaignId"]): r for r in records}
    assert len(keyed) == len(records), "a campaign was emitted twice"
    return keyed


def test_every_campaign_of_a_sparse_shuffled_list_arrives_once_equal_to_the_api(start_emulator):
    store = CampaignStore(count=345, id_step=9, order="shuffled", seed=4)
    emulator = start_emulator(store=store, rate_limit=None)
    got = discover(emulator, requests_per_second=400)
    assert by_key(got) == expected(store)
    calls = emulator.stats()["requests"]
    assert calls[LIST] == math.ceil(345 / 100)
    assert calls[READ] == 345


def test_campaigns_created_and_deleted_while_listing_are_read_once_or_skipped(start_emulator):
    class Moving(CampaignStore):
        lists = 0

        def listed_ids(self):
            Moving.lists += 1
            if Moving.lists == 2:  # after the first page: the world moves on
                self.created = self.create(7)
                self.deleted = self.ids()[:5]
                for cid in self.deleted:
                    self.delete(cid)
            return super().listed_ids()

    store = Moving(count=250, order="shuffled", seed=2)
    before = set(store.ids())
    emulator = start_emulator(store=store, rate_limit=None)
    got = by_key(discover(emulator, requests_per_second=400))
    ids = {cid for _, cid in got}
    # Everything that existed throughout is there, once; a deleted one only if read before it went.
    assert before - set(store.deleted) <= ids
    assert ids <= before | set(store.created)
    for (_, cid), record in got.items():
        if store.has(cid):
            assert record == {**store.campaign(cid), "SdkAppId": store.sdk_app_id}


def test_several_apps_in_one_run_each_campaign_once_within_one_shared_budget(start_emulator):
    # The emulator enforces 20/s per action; the tap may send 12/s: the apps share that budget (two
    # budgets would send 24/s and be refused), with room for the network's jitter on a busy machine.
    apps = [CampaignStore(sdk_app_id=1400000000 + n, count=40, first_id=100 + n * 7, id_step=3) for n in range(2)]
    emulator = start_emulator(stores=apps, rate_limit=20)
    config = tap_config(emulator, campaign_ids=None, sdk_app_ids=[a.sdk_app_id for a in apps], requests_per_second=12)
    del config["sdk_app_id"], config["campaign_ids"]
    got = by_key(records_of(sync_in_process(config)))
    assert got == expected(*apps)
    stats = emulator.stats()
    assert stats["requests"] == {LIST: 2, READ: 80}
    assert stats["rejections"] == {}
    assert stats["peak_per_second"][READ] <= 20


def test_with_several_apps_the_configured_ids_apply_to_each(start_emulator):
    apps = [CampaignStore(sdk_app_id=1400000000 + n, count=10) for n in range(3)]
    emulator = start_emulator(stores=apps, rate_limit=None)
    config = tap_config(emulator, [2570, 2569], sdk_app_ids=[a.sdk_app_id for a in apps])
    del config["sdk_app_id"]
    got = records_of(sync_in_process(config))
    assert [(r["SdkAppId"], r["CampaignId"]) for r in got] == [
        (app.sdk_app_id, cid) for app in apps for cid in (2570, 2569)
    ]
    assert emulator.stats()["requests"] == {READ: 6}


def test_an_unknown_app_stops_discovery_after_one_list_call(emulator):
    with pytest.raises(FatalRunError, match=r"InvalidParameterValue\.InstanceNotExist: .* while listing the campaigns"):
        discover(emulator, sdk_app_id=999)
    assert emulator.stats()["requests"] == {LIST: 1}


def test_an_empty_app_is_a_complete_sync_of_nothing(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=0))
    config = tap_config(emulator, campaign_ids=None)
    config.pop("campaign_ids")
    messages = sync_in_process(config)
    assert records_of(messages) == []
    assert messages[-1]["value"]["bookmarks"]["predictive_dialing_campaigns"]["last_sync"]["complete"] is True
