"""Settings: Tencent-style fallbacks, and one readable line per problem, naming the key."""

from __future__ import annotations

import logging

import pytest

from tap_ccc_campaign.config.checks import config_errors, environment_errors, unknown_settings
from tap_ccc_campaign.config.resolve import resolved
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import ConfigError
from tap_ccc_campaign.tap import TapCCCCampaign

VALID = {"secret_id": "AKIDx", "secret_key": "k", "sdk_app_id": 1400000000, "campaign_ids": [1, 2]}


def errors_for(**changes):
    cfg = {**VALID, **changes}
    return config_errors({k: v for k, v in cfg.items() if v is not None})


def test_a_valid_config_has_no_errors():
    assert config_errors(VALID) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sdk_app_id": None}, "sdk_app_id, sdk_app_ids: give exactly one of the two"),
        ({"sdk_app_ids": [1, 2]}, "sdk_app_id, sdk_app_ids: give exactly one of the two"),
        ({"sdk_app_id": None, "sdk_app_ids": []}, "sdk_app_ids: is empty; list at least one SdkAppId"),
        ({"sdk_app_id": None, "sdk_app_ids": [1, 0]}, "sdk_app_ids[1]: must be at least 1, got 0"),
        ({"sdk_app_id": "abc"}, "sdk_app_id: must be of type integer, got 'abc'"),
        ({"campaign_ids": [1, "x"]}, "campaign_ids[1]: must be of type integer, got 'x'"),
        ({"campaign_ids": [1, 0]}, "campaign_ids[1]: must be at least 1, got 0"),
        ({"campaign_ids": [1.5]}, "campaign_ids[0]: must be of type integer, got 1.5"),
        ({"campaign_ids": 7}, "campaign_ids: must be of type array, got 7"),
        ({"requests_per_second": 0}, "requests_per_second: must be at least 0.01, got 0"),
        ({"requests_per_second": 1e-9}, "requests_per_second: must be at least 0.01, got 1e-09"),
        ({"requests_per_second": float("inf")}, "requests_per_second: must be a finite number"),
        ({"campaign_ids": [2**63]}, f"campaign_ids[0]: must be at most {2**63 - 1}, got {2**63}"),
        ({"sdk_app_id": 2**64}, f"sdk_app_id: must be at most {2**63 - 1}, got {2**64}"),
        ({"api_url": "https://ccc.tencentcloudapi.com/?x=1"}, "api_url: must not hold a query string or fragment"),
        ({"api_url": "https://u:pw@ccc.tencentcloudapi.com"}, "api_url: must not hold a user name or password"),
        ({"secret_key": "abc def"}, "secret_key: holds a space, a line break or a control character"),
        ({"token": "tok\nen"}, "token: holds a space, a line break or a control character"),
        ({"secret_id": "AKIDé"}, "secret_id: holds a non-ASCII character"),
        ({"request_timeout": -1}, "request_timeout: must be greater than 0, got -1"),
        ({"language": "fr-FR"}, "language: must be one of en-US, zh-CN, got 'fr-FR'"),
        ({"api_url": "ccc.tencentcloudapi.com"}, "api_url: 'ccc.tencentcloudapi.com' is not an http(s) URL of a host"),
        ({"api_url": "ftp://x"}, "api_url: 'ftp://x' is not an http(s) URL of a host"),
        ({"secret_id": None}, "secret_id: not set, while secret_key is; a credential's two halves come from one place"),
        ({"secret_key": ""}, "secret_key: not set, while secret_id is; a credential's two halves come from one place"),
        ({"secret_id": None, "secret_key": None}, "secret_id, secret_key: not set; set both in the config, or in"),
    ],
)
def test_each_problem_is_one_line_naming_the_key(changes, expected):
    found = errors_for(**changes)
    assert any(line.startswith(expected) for line in found), found


def test_a_malformed_secret_is_never_echoed():
    found = errors_for(secret_key=12345678)
    assert found == ["secret_key: must be a non-empty string"]


def resolve(cfg, env, *files):
    return resolved(cfg, env, list(files))


def profile(path, secret_id, secret_key, token=None):
    path.write_text(
        f"[default]\nsecret_id = {secret_id}\nsecret_key = {secret_key}\n" + (f"token = {token}\n" if token else "")
    )
    return path


def pair(resolved):
    return resolved.get("secret_id"), resolved.get("secret_key"), resolved.get("token")


ENV = {"TENCENTCLOUD_SECRET_ID": "AKIDenv", "TENCENTCLOUD_SECRET_KEY": "envkey", "TENCENTCLOUD_TOKEN": "envtok"}


def test_the_environment_gives_the_whole_credential_when_the_config_gives_none(tmp_path):
    resolved = resolve({"sdk_app_id": 1}, {**ENV, "TENCENTCLOUD_REGION": "ap-singapore"})
    assert pair(resolved) == ("AKIDenv", "envkey", "envtok")
    assert resolved["region"] == "ap-singapore"


def test_a_config_credential_is_never_completed_from_elsewhere(tmp_path):
    resolved = resolve({"secret_id": "AKIDcfg"}, ENV, profile(tmp_path / "c", "AKIDfile", "filekey"))
    assert pair(resolved) == ("AKIDcfg", None, None)
    assert any(e.startswith("secret_key: not set, while secret_id is") for e in config_errors(resolved))


def test_the_config_pair_wins_and_takes_no_token_from_the_environment():
    assert pair(resolve({"secret_id": "AKIDcfg", "secret_key": "cfgkey"}, ENV)) == ("AKIDcfg", "cfgkey", None)


def test_half_a_pair_in_the_environment_is_skipped_for_the_next_provider(tmp_path):
    env = {"TENCENTCLOUD_SECRET_ID": "AKIDenv"}
    resolved = resolve({}, env, profile(tmp_path / "c", "AKIDfile", "filekey", "filetok"))
    assert pair(resolved) == ("AKIDfile", "filekey", "filetok")


def test_the_system_credentials_file_comes_after_the_users(tmp_path):
    user = tmp_path / "user"  # missing
    system = profile(tmp_path / "etc", "AKIDetc", "etckey")
    assert pair(resolve({}, {}, user, system)) == ("AKIDetc", "etckey", None)
    profile(user, "AKIDuser", "userkey")
    assert pair(resolve({}, {}, user, system)) == ("AKIDuser", "userkey", None)


def test_whitespace_around_a_credential_is_trimmed():
    resolved = resolve({"secret_id": " AKIDx\n", "secret_key": "key\r\n", "token": "tok \n"}, {})
    assert pair(resolved) == ("AKIDx", "key", "tok")
    assert config_errors({**VALID, **resolved}) == []


def test_numbers_given_as_strings_are_read_as_numbers():
    resolved = resolve({**VALID, "requests_per_second": "7.5", "request_timeout": "oops"}, {})
    assert resolved["requests_per_second"] == 7.5
    assert "request_timeout: must be of type number, got 'oops'" in config_errors(resolved)


def test_a_url_with_a_password_is_refused_without_showing_it():
    found = errors_for(api_url="https://user:hunter2@ccc.tencentcloudapi.com")
    assert found
    assert all("hunter2" not in line for line in found)


def test_an_unknown_setting_is_named_with_the_closest_known_one():
    warnings = unknown_settings({**VALID, "request_per_second": 5, "frobnicate": 1})
    assert warnings == [
        "unknown setting 'frobnicate' is ignored",
        "unknown setting 'request_per_second' is ignored; did you mean 'requests_per_second'?",
    ]


def test_an_environment_variable_that_is_not_its_settings_type_is_named():
    env = {
        "TAP_CCC_CAMPAIGN_CAMPAIGN_IDS": "2569,2570",
        "TAP_CCC_CAMPAIGN_SDK_APP_ID": "abc",
        "TAP_CCC_CAMPAIGN_STREAM_MAPS": "5",
    }
    schema = TapCCCCampaign.full_settings_schema()
    assert environment_errors(schema, "TAP_CCC_CAMPAIGN_", env) == [
        "sdk_app_id: TAP_CCC_CAMPAIGN_SDK_APP_ID must be an integer, got 'abc'",
        "campaign_ids: TAP_CCC_CAMPAIGN_CAMPAIGN_IDS must be a JSON array like [2569, 2570], got '2569,2570'",
        'stream_maps: TAP_CCC_CAMPAIGN_STREAM_MAPS must be a JSON object like {"key": "value"}, got \'5\'',
    ]


def test_built_in_settings_are_validated_too():
    found = config_errors({**VALID, "stream_maps": 5}, TapCCCCampaign.full_settings_schema())
    assert found == ["stream_maps: must be of type object, got 5"]


def test_tap_refuses_a_bad_config_before_any_call(monkeypatch):
    monkeypatch.delenv("TENCENTCLOUD_SECRET_ID", raising=False)
    with pytest.raises(ConfigError) as caught:
        TapCCCCampaign(config={**VALID, "sdk_app_ids": [5], "requests_per_second": 0})
    assert str(caught.value) == (
        "invalid config: requests_per_second: must be at least 0.01, got 0; "
        "sdk_app_id, sdk_app_ids: give exactly one of the two (one app, or a list of apps)"
    )


@pytest.mark.parametrize("ids", [None, []])
def test_no_campaign_ids_means_discovery(ids):
    cfg = {**VALID, "campaign_ids": ids}
    assert config_errors(cfg) == []
    settings = Settings.from_config(cfg, logging.getLogger("t"))
    assert settings.discovery
    assert settings.campaign_ids == ()


def test_several_apps_are_read_in_order_once_each():
    cfg = {k: v for k, v in VALID.items() if k != "sdk_app_id"}
    settings = Settings.from_config({**cfg, "sdk_app_ids": [3, 1, 3]}, logging.getLogger("t"))
    assert settings.sdk_app_ids == (3, 1)


def test_duplicates_are_dropped_in_order_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = Settings.from_config({**VALID, "campaign_ids": [5, 3, 5, 1, 3]}, logging.getLogger("t"))
    assert settings.campaign_ids == (5, 3, 1)
    assert "2 duplicate(s), dropped: 3, 5" in caplog.text


def test_rate_above_the_api_limit_is_allowed_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = Settings.from_config({**VALID, "requests_per_second": 50}, logging.getLogger("t"))
    assert settings.requests_per_second == 50
    assert "above Tencent's limit of 20/s" in caplog.text


def test_defaults():
    settings = Settings.from_config(VALID, logging.getLogger("t"))
    assert (settings.api_url, settings.requests_per_second, settings.request_timeout, settings.max_attempts) == (
        "https://ccc.intl.tencentcloudapi.com",
        20.0,
        30.0,
        5,
    )


def test_a_null_number_setting_takes_its_default():
    # The schema lets every setting be null; the retry settings were converted with float(None).
    nulls = ("requests_per_second", "request_timeout", "max_attempts", "max_retry_seconds", "retry_backoff_seconds")
    config = {**VALID, **dict.fromkeys(nulls)}
    assert config_errors(config) == []
    settings = Settings.from_config(config, logging.getLogger("t"))
    assert (
        settings.requests_per_second,
        settings.request_timeout,
        settings.max_attempts,
        settings.max_retry_seconds,
        settings.retry_backoff_seconds,
    ) == (20.0, 30.0, 5, 120.0, 1.0)
