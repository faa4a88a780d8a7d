"""Settings: Tencent-style fallbacks, and one readable line per problem, naming the key."""

from __future__ import annotations

import logging

import pytest

from tap_ccc_campaign import config
from tap_ccc_campaign.errors import ConfigError
from tap_ccc_campaign.tap import TapCCCCampaign

VALID = {"secret_id": "AKIDx", "secret_key": "k", "sdk_app_id": 1400000000, "campaign_ids": [1, 2]}


def errors_for(**changes):
    cfg = {**VALID, **changes}
    return config.config_errors({k: v for k, v in cfg.items() if v is not None})


def test_a_valid_config_has_no_errors():
    assert config.config_errors(VALID) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sdk_app_id": None}, "sdk_app_id: is required"),
        ({"campaign_ids": None}, "campaign_ids: is required"),
        ({"sdk_app_id": "abc"}, "sdk_app_id: must be of type integer, got 'abc'"),
        ({"campaign_ids": []}, "campaign_ids: is empty; list at least one campaign id"),
        ({"campaign_ids": [1, "x"]}, "campaign_ids[1]: must be of type integer, got 'x'"),
        ({"campaign_ids": [1, 0]}, "campaign_ids[1]: must be at least 1, got 0"),
        ({"campaign_ids": [1.5]}, "campaign_ids[0]: must be of type integer, got 1.5"),
        ({"campaign_ids": 7}, "campaign_ids: must be of type array, got 7"),
        ({"requests_per_second": 0}, "requests_per_second: must be greater than 0, got 0"),
        ({"request_timeout": -1}, "request_timeout: must be greater than 0, got -1"),
        ({"language": "fr-FR"}, "language: must be one of en-US, zh-CN, got 'fr-FR'"),
        ({"api_url": "ccc.tencentcloudapi.com"}, "api_url: 'ccc.tencentcloudapi.com' is not an http(s) URL of a host"),
        ({"api_url": "ftp://x"}, "api_url: 'ftp://x' is not an http(s) URL of a host"),
        ({"secret_id": None}, "secret_id: not set; set it in the config or in TENCENTCLOUD_SECRET_ID"),
        ({"secret_key": ""}, "secret_key: not set; set it in the config or in TENCENTCLOUD_SECRET_KEY"),
    ],
)
def test_each_problem_is_one_line_naming_the_key(changes, expected):
    found = errors_for(**changes)
    assert any(line.startswith(expected) for line in found), found


def test_a_malformed_secret_is_never_echoed():
    found = errors_for(secret_key=12345678)
    assert found == ["secret_key: must be a non-empty string"]


def test_env_fills_unset_credentials_like_tencents_tools(tmp_path):
    env = {
        "TENCENTCLOUD_SECRET_ID": "AKIDenv",
        "TENCENTCLOUD_SECRET_KEY": "envkey",
        "TENCENTCLOUD_TOKEN": "tok",
        "TENCENTCLOUD_REGION": "ap-singapore",
    }
    resolved = config.with_fallbacks({"sdk_app_id": 1}, env, tmp_path / "none")
    assert (resolved["secret_id"], resolved["secret_key"], resolved["token"], resolved["region"]) == (
        "AKIDenv",
        "envkey",
        "tok",
        "ap-singapore",
    )


def test_explicit_config_wins_over_env(tmp_path):
    resolved = config.with_fallbacks({"secret_id": "AKIDcfg"}, {"TENCENTCLOUD_SECRET_ID": "AKIDenv"}, tmp_path / "x")
    assert resolved["secret_id"] == "AKIDcfg"


def test_credentials_file_is_the_last_fallback(tmp_path):
    path = tmp_path / "credentials"
    path.write_text("[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n")
    resolved = config.with_fallbacks({}, {"TENCENTCLOUD_SECRET_ID": "AKIDenv"}, path)
    assert (resolved["secret_id"], resolved["secret_key"]) == ("AKIDenv", "filekey")


def test_tap_refuses_a_bad_config_before_any_call(monkeypatch):
    monkeypatch.delenv("TENCENTCLOUD_SECRET_ID", raising=False)
    with pytest.raises(ConfigError) as caught:
        TapCCCCampaign(config={**VALID, "campaign_ids": [], "requests_per_second": 0})
    assert str(caught.value) == (
        "invalid config: campaign_ids: is empty; list at least one campaign id; "
        "requests_per_second: must be greater than 0, got 0"
    )


def test_duplicates_are_dropped_in_order_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = config.Settings.from_config({**VALID, "campaign_ids": [5, 3, 5, 1, 3]}, logging.getLogger("t"))
    assert settings.campaign_ids == (5, 3, 1)
    assert "2 duplicate(s), dropped: 3, 5" in caplog.text


def test_rate_above_the_api_limit_is_allowed_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = config.Settings.from_config({**VALID, "requests_per_second": 50}, logging.getLogger("t"))
    assert settings.requests_per_second == 50
    assert "above Tencent's limit of 20/s" in caplog.text


def test_defaults():
    settings = config.Settings.from_config(VALID, logging.getLogger("t"))
    assert (settings.api_url, settings.requests_per_second, settings.request_timeout, settings.max_attempts) == (
        "https://ccc.intl.tencentcloudapi.com",
        20.0,
        30.0,
        5,
    )
