"""Deletions: after a complete sync, campaigns loaded before and gone now are sent as deleted."""

from __future__ import annotations

import json
import random

import pytest
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.state.ledger import Ledger
from tests.helpers import STREAM, sync_in_process, tap_config


def run(emulator, state=None, **overrides):
    """(live records, deleted records, final stream state) of one in-process sync."""
    config = tap_config(emulator, requests_per_second=400, **overrides)
    if "campaign_ids" not in overrides:
        del config["campaign_ids"]
    sink: list[dict] = []
    try:
        sync_in_process(config, state=state, sink=sink)
    finally:
        run.last = sink
    records = [m["record"] for m in sink if m["type"] == "RECORD"]
    final = [m["value"] for m in sink if m["type"] == "STATE"][-1]
    live = [r for r in records if "_sdc_deleted_at" not in r]
    gone = [r for r in records if "_sdc_deleted_at" in r]
    return live, gone, final


def loaded(state, app=1400000000):
    return set(encoding.decode_map(state["bookmarks"][STREAM]["loaded"][str(app)]))


def move_the_world(store: CampaignStore) -> tuple[list[int], list[int], list[int]]:
    ids = store.ids()
    deleted = ids[3:13]
    for cid in deleted:
        store.delete(cid)
    created = store.create(10)
    changed = [cid for cid in store.ids()[20:60] if store.campaign(cid)["Status"] in (1, 2)][:5]
    for cid in changed:
        store.set_status(cid, 3, 1)
    return deleted, created, changed


def merged(*runs):
    """The warehouse after upserting each run's records in turn: the latest record per key."""
    table: dict[int, dict] = {}
    for live, gone in runs:
        for record in [*live, *gone]:
            table[record["CampaignId"]] = record
    return table


def test_a_second_sync_marks_exactly_the_deleted_campaigns_and_leaves_every_row_as_it_is_now(start_emulator):
    store = CampaignStore(count=80, id_step=4, order="shuffled")
    emulator = start_emulator(store=store, rate_limit=None)
    live1, gone1, state = run(emulator)
    assert (len(live1), gone1) == (80, [])
    deleted, created, changed = move_the_world(store)
    live2, gone2, state = run(emulator, state)
    assert sorted(r["CampaignId"] for r in gone2) == deleted
    assert all(set(r) == {"SdkAppId", "CampaignId", "_sdc_deleted_at"} for r in gone2)
    table = merged((live1, gone1), (live2, gone2))
    assert {cid: row for cid, row in table.items() if "_sdc_deleted_at" not in row} == {
        cid: {**store.campaign(cid), "SdkAppId": store.sdk_app_id} for cid in store.ids()
    }
    assert set(created) <= {r["CampaignId"] for r in live2}
    assert all(table[cid]["Status"] == 3 for cid in changed)
    assert loaded(state) == set(store.ids())
    assert state["bookmarks"][STREAM]["last_sync"]["deleted"] == 10


def test_a_sync_that_fails_marks_nothing_and_keeps_what_was_loaded(start_emulator):
    store = CampaignStore(count=40)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, first = run(emulator)
    for cid in store.ids()[:5]:
        store.delete(cid)
    not_started = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 0)  # read every time
    emulator.faults.persistent[not_started] = "dberror"
    with pytest.raises(SyncFailedError):
        run(emulator, first, max_attempts=1)
    records = [m["record"] for m in run.last if m["type"] == "RECORD"]
    assert not any("_sdc_deleted_at" in r for r in records)
    state = [m["value"] for m in run.last if m["type"] == "STATE"][-1]
    assert loaded(state) == loaded(first)
    assert state["bookmarks"][STREAM]["last_sync"]["complete"] is False
    # The next complete sync marks them.
    emulator.faults.persistent.clear()
    _, gone, _ = run(emulator, state)
    assert sorted(r["CampaignId"] for r in gone) == list(range(2569, 2574))


def test_a_campaign_the_list_did_not_show_is_read_again_not_marked(start_emulator):
    class Forgetful(CampaignStore):
        def listed_ids(self):
            return [cid for cid in super().listed_ids() if cid not in self.hide]

    store = Forgetful(count=30)
    store.hide = set()
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    store.hide = {2575, 2580}  # a page slid past them: they exist but were not listed
    store.delete(2590)
    live, gone, state = run(emulator, state)
    assert [r["CampaignId"] for r in gone] == [2590]
    assert {2575, 2580} <= {r["CampaignId"] for r in live}  # read again: they exist
    assert loaded(state) == set(store.ids())


def test_a_campaign_that_comes_back_is_live_again(start_emulator):
    store = CampaignStore(count=10)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    store.delete(2572)
    _, gone, state = run(emulator, state)
    assert [r["CampaignId"] for r in gone] == [2572]
    store.restore(2572)
    live, gone, state = run(emulator, state)
    assert gone == []
    assert next(r for r in live if r["CampaignId"] == 2572) == {**store.campaign(2572), "SdkAppId": store.sdk_app_id}
    assert 2572 in loaded(state)


def test_in_id_mode_only_a_configured_campaign_loaded_before_and_answered_missing_is_marked(start_emulator):
    store = CampaignStore(count=10)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator, campaign_ids=[2569, 2570, 2571])
    store.delete(2570)
    store.delete(2575)  # never configured: not this run's business
    live, gone, state = run(emulator, state, campaign_ids=[2569, 2570, 2571, 9999])
    assert [r["CampaignId"] for r in gone] == [2570]  # 9999 never existed: skipped, not marked
    assert [r["CampaignId"] for r in live] == [2569, 2571]
    assert loaded(state) == {2569, 2571}


def test_the_state_remembering_50000_campaigns_stays_under_1_mb():
    rng = random.Random(5)
    ids, current = [], 2569
    for _ in range(50_000):
        current += rng.randint(1, 50)
        ids.append(current)
    ledger = Ledger({})
    # Each with the fingerprint of its list entry: random 32-bit checksums, the worst case to compress.
    prints = {cid: rng.getrandbits(32) | 1 for cid in ids}
    for cid, print_ in prints.items():
        ledger.found(1400000000, cid, (print_, False))
    loaded_state = ledger.loaded_after((1400000000,), discovery=True)
    size = len(json.dumps({"bookmarks": {STREAM: {"loaded": loaded_state}}}))
    print(f"state for 50,000 campaigns: {size:,} bytes")
    assert size < 1_000_000
    assert encoding.decode_map(loaded_state["1400000000"]) == prints


def marked(records):
    return sorted(r["CampaignId"] for r in records if "_sdc_deleted_at" in r)


def test_answers_about_another_parameter_never_mark_a_listed_campaign_deleted(start_emulator):
    store = CampaignStore(count=30)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    for cid in store.ids()[:20]:
        emulator.faults.persistent[cid] = "badparam"  # InvalidParameterValue "PageSize out of range."
    with pytest.raises(SyncFailedError, match=r"InvalidParameterValue x20"):
        run(emulator, state, full_refresh=True)
    assert marked(m["record"] for m in run.last if m["type"] == "RECORD") == []


def test_an_empty_list_and_reads_answering_a_migration_mark_nothing(start_emulator):
    from ccc_emulator.faults import FaultPlan

    store = CampaignStore(count=30)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    emulator.faults = FaultPlan(
        actions={"DescribePredictiveDialingCampaigns": "emptylist", "DescribePredictiveDialingCampaign": "migrating"}
    )
    with pytest.raises(SyncFailedError, match="being migrated"):
        run(emulator, state)
    assert marked(m["record"] for m in run.last if m["type"] == "RECORD") == []
    last = [m["value"] for m in run.last if m["type"] == "STATE"][-1]
    assert loaded(last) == set(store.ids())  # remembered for the next sync


def test_more_deletions_than_the_share_allows_mark_none_and_name_them_until_allowed(start_emulator):
    store = CampaignStore(count=10)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    for cid in store.ids()[:6]:
        store.delete(cid)
    with pytest.raises(SyncFailedError, match=r"6 of the 10 campaign\(s\) loaded before .* max_deleted_share \(0.5\)"):
        run(emulator, state)
    assert marked(m["record"] for m in run.last if m["type"] == "RECORD") == []
    state = [m["value"] for m in run.last if m["type"] == "STATE"][-1]
    _, gone, _ = run(emulator, state, max_deleted_share=1)
    assert marked(gone) == list(range(2569, 2575))


def test_a_generic_not_found_answer_marks_only_a_campaign_a_complete_list_no_longer_shows(start_emulator):
    store = CampaignStore(count=12)
    store.missing_message = "参数取值错误。"  # says nothing about what was wrong
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    store.delete(2575)
    _, gone, state = run(emulator, state)
    assert marked(gone) == [2575]


def test_a_generic_not_found_answer_in_id_mode_is_a_failure_not_a_deletion(start_emulator):
    store = CampaignStore(count=12)
    store.missing_message = "参数取值错误。"
    emulator = start_emulator(store=store, rate_limit=None)
    ids = store.ids()
    _, _, state = run(emulator, campaign_ids=ids)
    store.delete(2575)
    with pytest.raises(SyncFailedError, match="2575"):
        run(emulator, state, campaign_ids=ids)
    assert marked(m["record"] for m in run.last if m["type"] == "RECORD") == []


def test_a_list_whose_page_repeats_is_read_again_and_misses_nobody(start_emulator):
    from ccc_emulator.faults import FaultPlan

    store = CampaignStore(count=400)
    emulator = start_emulator(store=store, rate_limit=None)
    emulator.faults = FaultPlan(actions={"DescribePredictiveDialingCampaigns": "repeatpage"}, action_attempts=1)
    live, _, _ = run(emulator)
    assert sorted(r["CampaignId"] for r in live) == store.ids()


def test_a_list_that_counts_more_than_it_shows_is_incomplete_and_marks_nothing(start_emulator, caplog):
    from ccc_emulator.faults import FaultPlan

    store = CampaignStore(count=400)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    store.delete(2569)
    emulator.faults = FaultPlan(actions={"DescribePredictiveDialingCampaigns": "overcount"})
    _, gone, after = run(emulator, state)
    assert gone == []
    assert "no pass over the campaign list was complete" in caplog.text
    assert loaded(after) == loaded(state)


def test_an_answer_naming_the_campaigns_missing_skill_group_is_a_failure_not_a_deletion(start_emulator):
    from ccc_emulator.faults import FaultPlan

    store = CampaignStore(count=12)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    emulator.faults = FaultPlan(
        persistent={2575: "othermissing"}
    )  # "CampaignId 2575: its SkillGroupId … does not exist."
    failed = None
    try:
        run(emulator, state, full_refresh=True)
    except SyncFailedError as exc:
        failed = str(exc)
    assert marked(m["record"] for m in run.last if m["type"] == "RECORD") == []
    assert failed is not None
    assert "campaign 2575" in failed


def test_a_campaign_the_list_shows_is_never_marked_deleted_whatever_its_read_answers(start_emulator):
    from ccc_emulator.faults import FaultPlan

    store = CampaignStore(count=12)
    emulator = start_emulator(store=store, rate_limit=None)
    _, _, state = run(emulator)
    emulator.faults = FaultPlan(persistent={2575: "saysgone"})  # "CampaignId 2575 does not exist." while listed
    live, gone, state = run(emulator, state, full_refresh=True)
    assert gone == []
    assert 2575 not in {r["CampaignId"] for r in live}
    assert 2575 in loaded(state)  # remembered: the next sync reads it again
    emulator.faults = FaultPlan()
    live, gone, _ = run(emulator, state)
    assert (gone, [r["CampaignId"] for r in live if r["CampaignId"] == 2575]) == ([], [2575])
