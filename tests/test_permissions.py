"""With your own account: --test says, stream by stream, whether the key may read it; a permission
missing for one stream's action ends that stream only; README's CAM policy is each stream's actions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan

from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.tap import TapCCCCampaign
from tests.helpers import catalog_selecting, run_tap, sync_in_process, tap_config

README = Path(__file__).resolve().parent.parent / "README.md"


def config_of(emulator):
    config = tap_config(emulator, requests_per_second=1000)
    del config["campaign_ids"]
    return config


def test_a_test_run_with_every_permission_says_ok_for_each_stream_and_logs_no_error(start_emulator, tmp_path):
    emulator = start_emulator(store=CampaignStore(count=10, history_days=60), rate_limit=None)
    run = run_tap(config_of(emulator), tmp_path, "--test")
    assert run.returncode == 0, run.stderr[-2000:]
    streams = TapCCCCampaign(config=config_of(emulator)).streams
    for name in streams:
        assert f"  {name}: ok, one record read and valid against its schema" in run.stderr
    assert "ERROR" not in run.stderr


def test_a_test_run_names_the_permission_a_stream_lacks_and_fails(start_emulator, tmp_path):
    emulator = start_emulator(
        store=CampaignStore(count=10, history_days=60),
        rate_limit=None,
        faults=FaultPlan(actions={"DescribeStaffStatusHistory": "denied"}),
    )
    run = run_tap(config_of(emulator), tmp_path, "--test")
    assert run.returncode == 1
    failed = next(line for line in run.stderr.splitlines() if line.startswith("  agent_status_history: FAILED"))
    assert "AuthFailure.UnauthorizedOperation" in failed
    assert failed.endswith("the key's CAM policy must allow ccc:DescribeStaffInfoList, ccc:DescribeStaffStatusHistory")
    assert "  agents: ok" in run.stderr
    assert run.stderr.rstrip().endswith(
        "tap-ccc-campaign: error: --test: 1 of 10 stream(s) cannot be read: agent_status_history"
    )


def test_a_missing_permission_ends_its_stream_and_the_others_still_load(start_emulator):
    emulator = start_emulator(
        store=CampaignStore(count=10, history_days=60),
        rate_limit=None,
        faults=FaultPlan(actions={"DescribeSkillGroupInfoList": "denied"}),
    )
    sink: list[dict] = []
    with pytest.raises(SyncFailedError, match=r"skill_groups: .*not allowed.*ccc:DescribeSkillGroupInfoList"):
        sync_in_process(
            config_of(emulator), sink=sink, streams=["skill_groups", "agents", "predictive_dialing_campaigns"]
        )
    loaded = {m["stream"] for m in sink if m["type"] == "RECORD"}
    assert loaded == {"agents", "predictive_dialing_campaigns"}


def test_readmes_cam_table_and_policy_are_each_streams_actions():
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^   \| ((?:`[a-z_]+`(?:, )?)+) \| (.+) \|$", text, re.MULTILINE)
    documented = {}
    for names, actions in rows:
        for name in re.findall(r"`([a-z_]+)`", names):
            documented[name] = set(re.findall(r"`ccc:(\w+)`", actions))
    streams = TapCCCCampaign(config={"sdk_app_id": 1, "secret_id": "x", "secret_key": "y"}).streams
    assert documented
    assert documented == {name: set(stream.actions) for name, stream in streams.items()}
    policy = text.split('{"version": "2.0"', 1)[1].split("```", 1)[0]
    assert set(re.findall(r'"ccc:(\w+)"', policy)) == {a for s in streams.values() for a in s.actions}


def test_a_test_run_names_a_field_whose_type_differs_from_the_schema(start_emulator, tmp_path):
    emulator = start_emulator(
        store=CampaignStore(count=10, history_days=60),
        rate_limit=None,
        faults=FaultPlan(actions={"DescribeTelCdr": "wrongtype"}),
    )
    run = run_tap(config_of(emulator), tmp_path, "--test")
    assert run.returncode == 1
    failed = [line for line in run.stderr.splitlines() if line.startswith("  predictive_dialing_calls: FAILED")]
    assert failed
    assert "SeatUser.Role" in failed[0]


def test_messages_over_two_lines_leave_the_last_line_naming_every_stream_that_failed(start_emulator, tmp_path):
    # CAM's refusal names the operation and the resource on two lines, for both streams.
    emulator = start_emulator(
        store=CampaignStore(count=10, history_days=60),
        rate_limit=None,
        faults=FaultPlan(actions={"DescribeSkillGroupInfoList": "denied", "DescribeStaffStatusHistory": "denied"}),
    )
    config = config_of(emulator)
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalog_selecting(config, ["skill_groups", "agents", "agent_status_history"])))
    run = run_tap(config, tmp_path, "--catalog", str(catalog))
    assert run.returncode == 1
    last = run.stderr.rstrip().splitlines()[-1]
    head = "tap-ccc-campaign: error: 2 streams ended with failures: "
    assert last.startswith(head)
    assert sorted(part.split(": ", 1)[0] for part in last.removeprefix(head).split(" | ")) == [
        "agent_status_history",
        "skill_groups",
    ]
    assert last.count("has no permission") == 2  # each message's second line, on the last line
