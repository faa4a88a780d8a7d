"""Replay of recorded API answers (see scripts/record_cassettes.py), and cassette hygiene."""

from __future__ import annotations

import json

import pytest
import requests

from tap_ccc_campaign.errors import FatalRunError
from tests.cassettes import CASSETTES, SCRUBBED_HEADERS, UnscrubbedCassetteError, make_vcr
from tests.helpers import sync_in_process

PLAN = json.loads((CASSETTES / "plan.json").read_text())
# Replays never need a network: a closed local port, and vcrpy answers before any connection.
OFFLINE_URL = "http://127.0.0.1:9"


def replay_config(**overrides):
    ids = PLAN["campaign_ids"]
    return {
        "secret_id": "AKIDreplay",
        "secret_key": "replay-key",
        "sdk_app_id": PLAN["sdk_app_id"],
        "campaign_ids": [*ids[:2], PLAN["missing_campaign_id"], *ids[2:]],
        "api_url": OFFLINE_URL,
        **overrides,
    }


def test_replayed_sync_emits_every_recorded_campaign_once_in_order():
    with make_vcr().use_cassette("tap_sync.yaml", allow_playback_repeats=True):
        messages = sync_in_process(replay_config())
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    assert [r["CampaignId"] for r in records] == PLAN["campaign_ids"]
    assert all(r["SdkAppId"] == PLAN["sdk_app_id"] for r in records)


def test_replayed_auth_failure_stops_the_run():
    with make_vcr().use_cassette("auth_failure.yaml"), pytest.raises(FatalRunError, match="AuthFailure"):
        sync_in_process(replay_config(campaign_ids=PLAN["campaign_ids"][:1]))


@pytest.mark.parametrize("name", ["tap_sync.yaml", "auth_failure.yaml"])
def test_cassettes_hold_no_credentials_or_signatures(name):
    text = (CASSETTES / name).read_text()
    for header in SCRUBBED_HEADERS:
        assert f"{header}:" not in text
    assert "TC3-HMAC-SHA256" not in text
    assert "ccc-emulator-demo-secret-key" not in text


def test_recording_refuses_to_write_a_cassette_holding_a_secret(tmp_path, emulator):
    recorder = make_vcr(record_mode="all", secrets=["s3cr3t-value"])
    recorder.cassette_library_dir = str(tmp_path)
    with (
        pytest.raises(UnscrubbedCassetteError, match="holds 1 secret") as caught,
        recorder.use_cassette("leak.yaml"),
    ):
        requests.post(emulator.url, data=b'{"note": "s3cr3t-value"}', timeout=5)
    assert "s3cr3t-value" not in str(caught.value)
    assert not (tmp_path / "leak.yaml").exists()
