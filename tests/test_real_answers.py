"""What a real account can answer beyond our emulator's defaults: each case through the real HTTP path."""

from __future__ import annotations

import logging

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


def every_session(store):
    return [(cid, s) for cid in store.ids() for s in store.sessions(cid)]


def calls_sync(emulator, state=None, **overrides):
    out: list[dict] = []
    try:
        sync_in_process(discovery(emulator, **overrides), state=state, sink=out, streams=[CALLS])
    except SyncFailedError as exc:
        out.append({"type": "ERROR", "error": str(exc)})
    return out


def loaded_once(*runs):
    got = [r["SessionId"] for run in runs for r in rows(run, CALLS)]
    assert len(got) == len(set(got)), "a call was loaded twice"
    return set(got)


def test_call_records_that_fail_the_schema_stay_pending_and_load_once_they_are_valid(recent):
    store, emulator = recent
    emulator.faults.actions["DescribeTelCdr"] = "wrongtype"  # type: ignore[index]  # Role as a string
    first = calls_sync(emulator)
    answered = {s for _, s in every_session(store) if store.call(s)["SeatUser"]}
    assert answered
    assert answered.isdisjoint(loaded_once(first))
    assert "invalid fields" in first[-1]["error"]
    emulator.faults.actions.clear()  # type: ignore[attr-defined]
    second = calls_sync(emulator, states(first)[-1])
    assert loaded_once(first, second) == {s for _, s in every_session(store)}


def test_a_record_that_appears_later_is_loaded_whatever_the_campaign_does_meanwhile(recent):
    store, emulator = recent
    finished = next(cid for cid in store.ids() if store.campaign(cid)["Status"] == 4 and store.sessions(cid))
    late = set(store.sessions(finished)[:3])
    store.hidden |= late
    first = calls_sync(emulator)
    assert late.isdisjoint(loaded_once(first))
    store.hidden.clear()
    second = calls_sync(emulator, states(first)[-1])
    assert {r["SessionId"] for r in rows(second, CALLS)} == late
    assert loaded_once(first, second) == {s for _, s in every_session(store)}


def test_a_start_date_in_the_future_loads_nothing_and_loses_nothing(recent, caplog):
    store, emulator = recent
    first = calls_sync(emulator, start_date="2099-01-01T00:00:00Z")
    assert rows(first, CALLS) == []
    assert "start_date (2099-01-01T00:00:00+00:00) is in the future" in caplog.text
    assert "can still read" not in caplog.text
    second = calls_sync(emulator, states(first)[-1])
    assert loaded_once(first, second) == {s for _, s in every_session(store)}


def test_records_without_a_session_id_are_counted_and_their_sessions_asked_again(recent, caplog):
    store, emulator = recent
    emulator.faults.actions["DescribeTelCdr"] = "nosessionid"  # type: ignore[index]
    with caplog.at_level(logging.INFO):
        first = calls_sync(emulator)
    assert rows(first, CALLS) == []
    total = len(every_session(store))
    assert f"{total} records without a SessionId (ignored)" in caplog.text
    emulator.faults.actions.clear()  # type: ignore[attr-defined]
    second = calls_sync(emulator, states(first)[-1])
    assert loaded_once(first, second) == {s for _, s in every_session(store)}


def test_a_session_listed_under_two_campaigns_is_one_session_row_and_one_call(recent, caplog):
    store, emulator = recent
    first, second = [cid for cid in store.ids() if store.sessions(cid)][:2]
    shared = store.sessions(first)[0]
    store.also_listed[second] = [shared]
    out = sync_in_process(discovery(emulator), streams=[SESSIONS, CALLS])
    assert [r["CampaignId"] for r in rows(out, SESSIONS) if r["SessionId"] == shared] == [first]
    assert [r["CampaignId"] for r in rows(out, CALLS) if r["SessionId"] == shared] == [first]
    assert "listed under two campaigns" in caplog.text


@pytest.mark.parametrize("stream", [SESSIONS, CALLS])
def test_sessions_and_calls_checkpoint_as_they_go_and_a_resumed_run_reads_only_the_rest(
    start_emulator, monkeypatch, stream
):
    from tap_ccc_campaign.streams import PredictiveDialingCallsStream, PredictiveDialingSessionsStream

    store = CampaignStore(count=20, callees=40, history_days=60, seed=6)
    emulator = start_emulator(store=store, rate_limit=None)
    kind = PredictiveDialingSessionsStream if stream == SESSIONS else PredictiveDialingCallsStream
    monkeypatch.setattr(kind, "STATE_EVERY", 20)
    out = sync_in_process(discovery(emulator), streams=[stream])
    records = [m for m in out if m["type"] in ("RECORD", "STATE")]
    cut = next(i for i, m in enumerate(records) if m["type"] == "STATE" and i > 0 and "marks" in str(m["value"]))
    done = {r["record"]["SessionId"] for r in records[:cut] if r["type"] == "RECORD"}
    assert 0 < len(done) < len(every_session(store))
    resumed = sync_in_process(discovery(emulator), state=records[cut]["value"], streams=[stream])
    again = {r["SessionId"] for r in rows(resumed, stream)}
    assert done | again == {s for _, s in every_session(store)}
    assert len(done & again) < len(done)  # what the checkpoint holds is not read again


def test_the_summary_counts_against_the_right_totals_and_names_each_campaign_once(start_emulator, caplog):
    store = CampaignStore(count=6, callees=60, history_days=60, seed=5)
    emulator = start_emulator(store=store, rate_limit=None, faults=FaultPlan(actions={"DescribeTelCdr": "dberror"}))
    with pytest.raises(SyncFailedError) as caught:
        sync_in_process(discovery(emulator, max_attempts=1), streams=[CALLS])
    sessions = sum(len(store.sessions(cid)) for cid in store.ids())
    ids = [cid for cid in store.ids() if store.sessions(cid)]
    assert str(caught.value).startswith(
        f"predictive_dialing_calls: {sessions} of {sessions} call(s) were not loaded (kept pending): "
        f"InternalError.DBError x{sessions} (campaign {', '.join(map(str, ids))}), e.g."
    )


def test_the_campaigns_done_line_counts_each_outcome(start_emulator, caplog):
    store = CampaignStore(count=20)
    emulator = start_emulator(store=store, rate_limit=None)
    state = states(sync_in_process(discovery(emulator)))[-1]
    store.delete(2570)
    with caplog.at_level(logging.INFO):
        sync_in_process(discovery(emulator), state=state)
    done = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("Done: "))
    assert ", 1 as not found, 0 failed" in done


def test_a_session_id_the_schema_refuses_is_named_and_the_other_sessions_and_streams_still_load(recent):
    store, emulator = recent
    odd = next(cid for cid in store.ids() if store.sessions(cid))
    store.also_listed[odd] = [""]
    out: list[dict] = []
    with pytest.raises(
        SyncFailedError, match=rf"^predictive_dialing_sessions: .*invalid session id x1 \(campaign {odd}\)"
    ):
        sync_in_process(discovery(emulator), sink=out, streams=[CAMPAIGNS, SESSIONS])
    assert {r["SessionId"] for r in rows(out, SESSIONS)} == {s for _, s in every_session(store)} - {""}
    assert len(rows(out, CAMPAIGNS)) == store.count
