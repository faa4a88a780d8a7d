"""Fault matrix: every fault the emulator injects, every campaign accounted for, no secret leaked."""

from __future__ import annotations

import json
import logging
import signal

import pytest
from ccc_emulator.auth import Credential
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import TRANSIENT_KINDS, FaultPlan

from tap_ccc_campaign.errors import TapError
from tests.helpers import StderrDrain, run_tap, start_tap, sync_in_process, tap_config

pytestmark = pytest.mark.slow

SECRET_ID = "AKIDsentinel-id-000000000000"
SECRET_KEY = "SECRET-KEY-sentinel-9f8e7d"
TOKEN = "TOKEN-sentinel-7a6b5c"
FORBIDDEN = (SECRET_KEY, TOKEN, "TC3-HMAC-SHA256", "Authorization", "Signature=")
CAMPAIGNS = 30


def start(start_emulator, **faults):
    return start_emulator(
        store=CampaignStore(count=CAMPAIGNS),
        credentials=[Credential(SECRET_ID, SECRET_KEY, TOKEN)],
        faults=FaultPlan(slow_seconds=2.0, **faults),
    )


def config_for(emulator, **overrides):
    settings = {
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "token": TOKEN,
        "request_timeout": 1,
        "max_attempts": 4,
        **overrides,
    }
    return tap_config(emulator, **settings)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for value in FORBIDDEN:
            assert value not in text


@pytest.mark.parametrize("kind", TRANSIENT_KINDS)
def test_a_transient_fault_is_retried_and_every_campaign_arrives_once(start_emulator, tmp_path, kind):
    emulator = start(start_emulator, rates={kind: 0.4}, max_consecutive=2, seed=3)
    run = run_tap(config_for(emulator), tmp_path, env={"TAP_CCC_CAMPAIGN_LOGLEVEL": "DEBUG"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert [r["CampaignId"] for r in run.records] == list(emulator.store.ids())
    assert emulator.stats()["faults"][kind] > 0
    assert_no_secret(run.stdout, run.stderr)


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("dberror", "InternalError.DBError"),
        ("http503", "HTTP 503"),
        ("drop", "no answer"),
        ("notjson", "malformed answer"),
        ("noresponse", "malformed answer"),
        ("slow", "no answer"),
    ],
)
def test_a_persistent_fault_names_the_campaign_and_exits_1(start_emulator, tmp_path, kind, cause):
    emulator = start(start_emulator, persistent={2575: kind})
    run = run_tap(config_for(emulator, max_attempts=2), tmp_path)
    assert run.returncode == 1
    assert [r["CampaignId"] for r in run.records] == [i for i in emulator.store.ids() if i != 2575]
    summary = run.stderr.strip().splitlines()[-1]
    assert summary.startswith(
        f"tap-ccc-campaign: error: predictive_dialing_campaigns: 1 of 30 campaign(s) were not emitted: {cause} x1 (campaign 2575), "
        "e.g. campaign 2575: "
    )
    assert "(after 2 attempt(s))" in summary
    assert_no_secret(run.stdout, run.stderr)


def test_a_field_of_the_wrong_type_names_campaign_and_field(start_emulator, tmp_path):
    emulator = start(start_emulator, persistent={2570: "wrongtype", 2580: "wrongtype"})
    run = run_tap(config_for(emulator), tmp_path)
    assert run.returncode == 1
    assert len(run.records) == CAMPAIGNS - 2
    summary = run.stderr.strip().splitlines()[-1]
    assert "2 of 30 campaign(s) were not emitted: invalid fields x2 (campaign 2570, 2580)" in summary
    assert "campaign 2570: invalid field(s) Priority: 'high' is not of type 'integer', 'null'" in summary


def test_an_unknown_extra_field_is_dropped_and_the_run_succeeds(start_emulator, tmp_path):
    emulator = start(start_emulator, extra_field=True)
    run = run_tap(config_for(emulator), tmp_path)
    assert run.returncode == 0
    assert len(run.records) == CAMPAIGNS
    assert run.stderr.count("The API returned field 'NewerVersionField'") == 1


def test_a_wrong_key_over_10000_campaigns_makes_a_handful_of_calls(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=10_000), credentials=[Credential(SECRET_ID, SECRET_KEY)])
    run = run_tap(tap_config(emulator, secret_id=SECRET_ID, secret_key="SECRET-KEY-wrong"), tmp_path)
    assert run.returncode == 1
    assert emulator.stats()["requests"]["DescribePredictiveDialingCampaign"] <= 5
    line = run.stderr.strip().splitlines()[-1]
    assert line.startswith("tap-ccc-campaign: error: AuthFailure.SignatureFailure: ")
    assert "RequestId" in line
    assert "SECRET-KEY-wrong" not in run.stderr


def test_secrets_never_reach_log_records_or_exceptions(start_emulator, caplog):
    emulator = start(start_emulator, rates={"dberror": 0.3, "drop": 0.2}, max_consecutive=2)
    with caplog.at_level(logging.DEBUG):
        sync_in_process(config_for(emulator))
        with pytest.raises(TapError) as caught:
            sync_in_process(config_for(emulator, secret_key="SECRET-KEY-sentinel-wrong"))
    assert_no_secret(caplog.text, str(caught.value), repr(caught.value))
    assert "SECRET-KEY-sentinel-wrong" not in caplog.text


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_sync_stops_with_whole_lines_and_a_valid_state(start_emulator, tmp_path, signum, code):
    emulator = start_emulator(store=CampaignStore(count=400), latency=0.2)
    process = start_tap(tap_config(emulator), tmp_path)
    drain = StderrDrain(process)
    before: list[str] = []
    for _ in range(1000):  # up to the first record, then the signal (no sleeping on the clock)
        line = process.stdout.readline()
        before.append(line)
        if not line or '"type":"RECORD"' in line.replace(" ", ""):
            break
    process.send_signal(signum)
    calls_at_signal = sum(emulator.stats()["requests"].values())
    rest, stderr = drain.finish()
    stdout = "".join(before) + rest
    assert process.returncode == code
    # Stopping sends nothing new: at most the calls already in flight (one pool of workers) follow.
    assert sum(emulator.stats()["requests"].values()) - calls_at_signal <= 64
    assert stdout.endswith("\n")
    messages = [json.loads(line) for line in stdout.splitlines()]  # every line whole
    records = [m["record"]["CampaignId"] for m in messages if m["type"] == "RECORD"]
    assert 0 < len(records) < 400
    assert records == list(emulator.store.ids())[: len(records)]
    state = [m for m in messages if m["type"] == "STATE"][-1]["value"]
    assert state["bookmarks"]["predictive_dialing_campaigns"]["last_sync"]["complete"] is False
    assert "interrupted by signal" in stderr.strip().splitlines()[-1]
