"""The installed console script, run as a process against the emulator."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.helpers import free_port, run_tap, start_tap, tap_config


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_every_configured_campaign_arrives_once_equal_to_the_emulator(emulator, tmp_path):
    ids = list(emulator.store.ids())
    run = run_tap(tap_config(emulator, ids + ids[:5]), tmp_path)
    assert run.returncode == 0, run.stderr
    assert [r["CampaignId"] for r in run.records] == ids
    for record in run.records:
        assert record == {**emulator.store.campaign(record["CampaignId"]), "SdkAppId": emulator.store.sdk_app_id}


def test_about_markdown_documents_every_setting_of_the_config_schema(tmp_path):
    from tap_ccc_campaign.config.schema import SCHEMA

    run = run_tap(None, tmp_path, "--about", "--format", "markdown")
    assert run.returncode == 0
    missing = [name for name in SCHEMA["properties"] if f"| {name} |" not in run.stdout]
    assert missing == []
    assert "the ids apply to each app" in run.stdout


def test_discover_prints_the_catalog(tmp_path):
    run = run_tap(None, tmp_path, "--discover")
    catalog = json.loads(run.stdout)
    by_default = {
        s["tap_stream_id"]: next(
            m["metadata"].get("selected-by-default") for m in s["metadata"] if m["breadcrumb"] == []
        )
        for s in catalog["streams"]
    }
    # The settings are read unless deselected; the other streams when selected.
    assert by_default == {
        "predictive_dialing_campaigns": True,
        "predictive_dialing_campaign_progress": False,
        "predictive_dialing_sessions": False,
        "predictive_dialing_calls": False,
        "skill_groups": False,
        "agents": False,
        "agent_status_history": False,
        "auto_callout_tasks": False,
        "auto_callout_callees": False,
        "auto_callout_calls": False,
    }


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
    assert "An unhandled error occurred" not in run.stderr  # the one line says it all


def test_an_unreachable_api_url_names_it(tmp_path):
    config = {
        "secret_id": "a",
        "secret_key": "b",
        "sdk_app_id": 1,
        "campaign_ids": [1],
        "api_url": f"http://127.0.0.1:{free_port()}",
        "max_attempts": 2,
        "retry_backoff_seconds": 0.01,
    }
    run = run_tap(config, tmp_path)
    assert run.returncode == 1
    assert last_line(run.stderr).startswith(
        f"tap-ccc-campaign: error: api_url: cannot reach {config['api_url']}: connection failed: [Errno 111]"
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


def assert_one_line_exit_2(run, expected: str) -> None:
    assert run.returncode == 2, run.stderr[-2000:]
    assert last_line(run.stderr) == f"tap-ccc-campaign: error: {expected}"
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_a_missing_config_file_is_one_line(tmp_path):
    run = run_tap(None, tmp_path, "--config", str(tmp_path / "nope.json"))
    assert_one_line_exit_2(run, f"--config {tmp_path / 'nope.json'}: no such file")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"sdk_app_id": 1,', "not valid JSON (line 1, column 18)"),
        ("[1, 2]", "must hold a JSON object of settings, got a list"),
        ("", "not valid JSON (line 1, column 1)"),
    ],
)
def test_a_config_file_that_is_not_a_json_object_is_one_line(tmp_path, text, problem):
    path = tmp_path / "config.json"
    path.write_text(text)
    run = run_tap(None, tmp_path, "--config", str(path))
    assert_one_line_exit_2(run, f"--config {path}: {problem}")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS",
            "2569,2570",
            "campaign_ids: TAP_CCC_CAMPAIGN_CAMPAIGN_IDS must be a JSON array like [2569, 2570], got '2569,2570'",
        ),
        ("TAP_CCC_CAMPAIGN_SDK_APP_ID", "abc", "sdk_app_id: TAP_CCC_CAMPAIGN_SDK_APP_ID must be an integer, got 'abc'"),
    ],
)
def test_an_environment_variable_of_the_wrong_type_is_one_line(emulator, tmp_path, variable, value, expected):
    env = {
        "TAP_CCC_CAMPAIGN_SDK_APP_ID": "1400000000",
        "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS": "[2569]",
        "TAP_CCC_CAMPAIGN_API_URL": emulator.url,
        variable: value,
    }
    run = run_tap(None, tmp_path, "--config", "ENV", env=env)
    assert_one_line_exit_2(run, f"invalid config: {expected}")


def test_a_built_in_setting_of_the_wrong_type_is_one_line(emulator, tmp_path):
    run = run_tap(tap_config(emulator, [2569], stream_maps=5), tmp_path)
    assert_one_line_exit_2(run, "invalid config: stream_maps: must be of type object, got 5")


def test_a_misspelled_setting_is_named_with_the_closest_known_one(emulator, tmp_path):
    run = run_tap(tap_config(emulator, [2569], request_per_second=5), tmp_path)
    assert run.returncode == 0, run.stderr
    assert "unknown setting 'request_per_second' is ignored; did you mean 'requests_per_second'?" in run.stderr


def test_a_url_with_a_password_is_refused_and_the_password_never_shown(emulator, tmp_path):
    url = emulator.url.replace("http://", "http://user:hunter2@")
    run = run_tap(tap_config(emulator, [2569], api_url=url), tmp_path)
    assert run.returncode == 2
    assert "api_url: must not hold a user name or password" in last_line(run.stderr)
    assert "hunter2" not in run.stderr + run.stdout


def test_credentials_pasted_with_a_line_break_still_work_and_never_show(emulator, tmp_path):
    config = tap_config(emulator, [2569])
    config["secret_key"] += "\n"
    run = run_tap(config, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records) == 1
    assert config["secret_key"].strip() not in run.stderr + run.stdout


def state_file(tmp_path, text: str) -> str:
    path = tmp_path / "state.json"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("[]", "must hold a JSON object, like a STATE message's value, got a list"), ("garbage", "not valid JSON")],
)
def test_a_state_file_that_is_not_a_json_object_is_one_line(emulator, tmp_path, text, problem):
    path = state_file(tmp_path, text)
    run = run_tap(tap_config(emulator, [2569]), tmp_path, "--state", path)
    assert run.returncode == 2
    assert last_line(run.stderr).startswith(f"tap-ccc-campaign: error: --state {path}: {problem}")
    assert "Traceback" not in run.stderr


def test_an_empty_state_file_is_an_empty_state(emulator, tmp_path):
    run = run_tap(tap_config(emulator, [2569]), tmp_path, "--state", state_file(tmp_path, "  \n"))
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.records) == 1


def test_a_state_of_another_layout_is_replaced_not_carried_forward(emulator, tmp_path):
    foreign = {"bookmarks": {"other_stream": {"replication_key_value": "x"}}, "currently_syncing": "other"}
    run = run_tap(tap_config(emulator, [2569]), tmp_path, "--state", state_file(tmp_path, json.dumps(foreign)))
    assert run.returncode == 0, run.stderr[-2000:]
    assert "The state given: top-level key 'currently_syncing' is not this tap's; that part is dropped" in run.stderr
    assert "The state given: bookmarks of unknown stream 'other_stream'; that part is dropped" in run.stderr
    final = [m for m in run.messages if m["type"] == "STATE"][-1]["value"]
    assert set(final) == {"bookmarks"}
    assert set(final["bookmarks"]) == {"predictive_dialing_campaigns"}


def test_a_target_that_stops_reading_ends_the_tap_with_one_line(emulator, tmp_path):
    process = start_tap(tap_config(emulator), tmp_path)
    process.stdout.close()  # the loader crashed: nobody reads the tap's output any more
    try:
        _, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 1
    assert last_line(stderr) == (
        "tap-ccc-campaign: error: the target stopped reading the tap's output (it exited or crashed): "
        "see the loader's log"
    )
    assert "Traceback" not in stderr


def test_a_sync_logs_no_line_per_call_by_default(emulator, tmp_path):
    run = run_tap(tap_config(emulator, list(emulator.store.ids())[:50]), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "METRIC" not in run.stderr


def test_per_call_metrics_are_one_setting_away(emulator, tmp_path):
    run = run_tap(tap_config(emulator, list(emulator.store.ids())[:5], log_metrics=True), tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stderr.count("http_request_duration") == 5
    assert '"metric":"record_count"' in run.stderr.replace(" ", "")
