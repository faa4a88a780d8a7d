"""The installed console script, run as a process against the emulator."""

from __future__ import annotations

import json

from tests.helpers import run_tap, tap_config


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_every_configured_campaign_arrives_once_equal_to_the_emulator(emulator, tmp_path):
    ids = list(emulator.store.ids())
    run = run_tap(tap_config(emulator, ids + ids[:5]), tmp_path)
    assert run.returncode == 0, run.stderr
    assert [r["CampaignId"] for r in run.records] == ids
    for record in run.records:
        assert record == {**emulator.store.campaign(record["CampaignId"]), "SdkAppId": emulator.store.sdk_app_id}


def test_about_markdown_documents_every_setting(tmp_path):
    run = run_tap(None, tmp_path, "--about", "--format", "markdown")
    assert run.returncode == 0
    for setting in (
        "secret_id",
        "secret_key",
        "token",
        "sdk_app_id",
        "campaign_ids",
        "api_url",
        "region",
        "language",
        "requests_per_second",
        "request_timeout",
        "max_attempts",
        "max_retry_seconds",
        "retry_backoff_seconds",
    ):
        assert f"| {setting} |" in run.stdout


def test_discover_prints_the_catalog(tmp_path):
    run = run_tap(None, tmp_path, "--discover")
    catalog = json.loads(run.stdout)
    assert [s["tap_stream_id"] for s in catalog["streams"]] == ["predictive_dialing_campaigns"]


def test_a_bad_config_is_one_line_naming_the_key_and_exit_2(emulator, tmp_path):
    run = run_tap(tap_config(emulator, [2569, "abc"]), tmp_path)
    assert run.returncode == 2
    assert last_line(run.stderr) == (
        "tap-ccc-campaign: error: invalid config: campaign_ids[1]: must be of type integer, got 'abc'"
    )
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_a_wrong_key_is_one_line_with_code_and_request_id(emulator, tmp_path):
    run = run_tap(tap_config(emulator, secret_key="wrong-key"), tmp_path)
    assert run.returncode == 1
    line = last_line(run.stderr)
    assert line.startswith("tap-ccc-campaign: error: AuthFailure.SignatureFailure: ")
    assert "(RequestId " in line
    assert "Traceback" not in run.stderr


def test_an_unreachable_api_url_names_it(tmp_path):
    config = {
        "secret_id": "a",
        "secret_key": "b",
        "sdk_app_id": 1,
        "campaign_ids": [1],
        "api_url": "http://127.0.0.1:9",
        "max_attempts": 2,
        "retry_backoff_seconds": 0.01,
    }
    run = run_tap(config, tmp_path)
    assert run.returncode == 1
    assert last_line(run.stderr).startswith(
        "tap-ccc-campaign: error: api_url: cannot reach http://127.0.0.1:9: connection failed: [Errno 111]"
    )


def test_config_from_env_variables(emulator, tmp_path):
    config = tap_config(emulator, [2570, 2569])
    env = {
        "TAP_CCC_CAMPAIGN_SDK_APP_ID": str(config["sdk_app_id"]),
        "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS": json.dumps(config["campaign_ids"]),
        "TAP_CCC_CAMPAIGN_API_URL": config["api_url"],
        "TENCENTCLOUD_SECRET_ID": config["secret_id"],
        "TENCENTCLOUD_SECRET_KEY": config["secret_key"],
    }
    run = run_tap(None, tmp_path, "--config", "ENV", env=env)
    assert run.returncode == 0, run.stderr
    assert [r["CampaignId"] for r in run.records] == [2570, 2569]
