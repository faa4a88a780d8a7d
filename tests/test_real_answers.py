"""What a real account can answer beyond our emulator's defaults: each case through the real HTTP path."""

from __future__ import annotations

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import SyncFailedError
from tests.helpers import sync_in_process, tap_config

CAMPAIGNS = "predictive_dialing_campaigns"
PROGRESS = "predictive_dialing_campaign_progress"
SESSIONS = "predictive_dialing_sessions"
CALLS = "predictive_dialing_calls"
ALL = [CAMPAIGNS, PROGRESS, SESSIONS, CALLS]


def rows(messages, stream):
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def states(messages):
    return [m["value"] for m in messages if m["type"] == "STATE"]


def discovery(emulator, **overrides):
    config = tap_config(emulator, requests_per_second=1000, **overrides)
    del config["campaign_ids"]
    return config


@pytest.fixture
def recent(start_emulator):
    store = CampaignStore(count=12, callees=15, history_days=60, seed=5)
    return store, start_emulator(store=store, rate_limit=None)


def test_a_stream_that_fails_does_not_keep_the_others_from_loading_and_the_run_fails_naming_it(start_emulator):
    store = CampaignStore(count=12, callees=15, history_days=60, seed=5)
    emulator = start_emulator(store=store, rate_limit=None, faults=FaultPlan(actions={"DescribeTelCdr": "notjson"}))
    out: list[dict] = []
    with pytest.raises(SyncFailedError, match=r"^predictive_dialing_calls: .*malformed answer"):
        sync_in_process(discovery(emulator, max_attempts=2), sink=out, streams=ALL)
    assert rows(out, CALLS) == []
    assert {r["CampaignId"] for r in rows(out, CAMPAIGNS)} == set(store.ids())
    assert len(rows(out, PROGRESS)) == store.count
    assert len(rows(out, SESSIONS)) == sum(len(store.sessions(cid)) for cid in store.ids())


def test_an_alias_changes_the_streams_name_not_its_checkpoints(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=230), rate_limit=None)
    config = discovery(emulator, stream_maps={CAMPAIGNS: {"__alias__": "ccc_campaigns"}})
    out = sync_in_process(config)
    assert len(rows(out, "ccc_campaigns")) == 230
    during = [
        s["bookmarks"][CAMPAIGNS]["last_sync"]["emitted"]
        for s in states(out)[:-1]
        if CAMPAIGNS in s.get("bookmarks", {})
    ]
    assert [n for n in during if n] == [100, 200]
    assert states(out)[-1]["bookmarks"][CAMPAIGNS]["last_sync"]["emitted"] == 230


def test_a_filter_that_drops_records_still_counts_them_done(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=30), rate_limit=None)
    config = discovery(emulator, stream_maps={CAMPAIGNS: {"__filter__": "Status == 4"}})
    out = sync_in_process(config)
    assert all(r["Status"] == 4 for r in rows(out, CAMPAIGNS))
    assert states(out)[-1]["bookmarks"][CAMPAIGNS]["last_sync"]["emitted"] == 30


def test_a_call_record_read_rejected_for_its_parameters_is_a_failure_not_a_missing_campaign(recent, caplog):
    _, emulator = recent
    emulator.faults.actions["DescribeTelCdr"] = "badparam"  # type: ignore[index]
    with pytest.raises(SyncFailedError, match=r"^predictive_dialing_calls: .*InvalidParameterValue"):
        sync_in_process(discovery(emulator), streams=[CALLS])
    assert "no longer exists" not in caplog.text


@pytest.mark.parametrize("encoding", ["gzip", "deflate", None])
def test_compressed_answers_are_decoded(start_emulator, encoding):
    store = CampaignStore(count=12, callees=15, history_days=60, seed=5)
    emulator = start_emulator(store=store, rate_limit=None, encoding=encoding)
    out = sync_in_process(discovery(emulator), streams=[CAMPAIGNS, CALLS])
    assert {r["CampaignId"] for r in rows(out, CAMPAIGNS)} == set(store.ids())
    assert len(rows(out, CALLS)) > 0


def test_an_app_without_campaigns_syncs_every_stream_to_nothing(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=0), rate_limit=None)
    out = sync_in_process(discovery(emulator), streams=ALL)
    assert [m for m in out if m["type"] == "RECORD"] == []
    assert states(out)[-1]["bookmarks"][CAMPAIGNS]["last_sync"]["complete"] is True


def test_a_corrupt_bookmark_is_dropped_alone_and_the_deletion_ledger_still_marks(recent, caplog):
    store, emulator = recent
    first = sync_in_process(discovery(emulator), streams=ALL)
    state = states(first)[-1]
    calls = state["bookmarks"][CALLS]
    app = str(store.sdk_app_id)
    calls["marks"][app] = calls["marks"][app][: len(calls["marks"][app]) // 2]  # half an encoded string
    state["bookmarks"][CAMPAIGNS]["last_sync"] = "1"
    store.delete(store.ids()[0])
    second = sync_in_process(discovery(emulator), state=state, streams=ALL)
    assert [r["CampaignId"] for r in rows(second, CAMPAIGNS) if "_sdc_deleted_at" in r] == [2569]
    assert f"predictive_dialing_calls: marks[{app}]: is not an id map" in caplog.text
    assert "predictive_dialing_campaigns: last_sync: is not an object" in caplog.text


def test_a_filter_lets_a_deletion_through_instead_of_failing_on_its_missing_fields(start_emulator):
    store = CampaignStore(count=10)
    emulator = start_emulator(store=store, rate_limit=None)
    config = discovery(emulator, stream_maps={CAMPAIGNS: {"__filter__": "Priority > 0"}})
    state = states(sync_in_process(config))[-1]
    store.delete(2570)
    out = sync_in_process(config, state=state)
    deleted = [r for r in rows(out, CAMPAIGNS) if "_sdc_deleted_at" in r]
    assert [(r["CampaignId"], sorted(r)) for r in deleted] == [(2570, ["CampaignId", "SdkAppId", "_sdc_deleted_at"])]
