"""predictive_dialing_campaign_progress: one row per campaign per sync, from the list alone."""

from __future__ import annotations

from datetime import datetime

from ccc_emulator.data import CampaignStore

from tests.helpers import sync_in_process, tap_config

PROGRESS = "predictive_dialing_campaign_progress"
SETTINGS = "predictive_dialing_campaigns"
LIST = "DescribePredictiveDialingCampaigns"


def rows(messages, stream=PROGRESS):
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def discovery(emulator, **overrides):
    config = tap_config(emulator, requests_per_second=1000, **overrides)
    del config["campaign_ids"]
    return config


def test_each_campaign_has_one_row_per_sync_with_the_lists_fields(start_emulator):
    store = CampaignStore(count=250, order="shuffled")
    emulator = start_emulator(store=store, rate_limit=None)
    config = discovery(emulator)
    first = rows(sync_in_process(config, streams=[PROGRESS]))
    second = rows(sync_in_process(config, streams=[PROGRESS]))
    assert sorted(r["CampaignId"] for r in first) == sorted(store.ids())
    assert sorted(r["CampaignId"] for r in second) == sorted(store.ids())
    for row in first:
        expected = store.summary(row["CampaignId"])
        assert {k: row[k] for k in expected} == expected
        assert row["SdkAppId"] == store.sdk_app_id
        assert datetime.fromisoformat(row["ObservedAt"]).utcoffset().total_seconds() == 0


def test_the_history_costs_no_call_beyond_the_list_the_settings_read(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=250), rate_limit=None)
    messages = sync_in_process(discovery(emulator), streams=[PROGRESS, SETTINGS])
    assert len(rows(messages)) == len(rows(messages, SETTINGS)) == 250
    assert emulator.stats()["requests"][LIST] == 3  # ceil(250 / 100), read once for both streams


def test_with_campaign_ids_only_those_campaigns_have_rows(start_emulator):
    store = CampaignStore(count=150)
    emulator = start_emulator(store=store, rate_limit=None)
    wanted = store.ids()[10:13]
    got = rows(sync_in_process(tap_config(emulator, wanted, requests_per_second=1000), streams=[PROGRESS]))
    assert [r["CampaignId"] for r in got] == wanted
