"""README's stream-maps recipe for the phone numbers in predictive_dialing_calls, run as written."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from ccc_emulator.data import CampaignStore

from tests.helpers import sync_in_process, tap_config

README = Path(__file__).resolve().parent.parent / "README.md"
CALLS = "predictive_dialing_calls"


def recipe() -> dict:
    """The config of the YAML block that follows README's <!-- pii-recipe --> marker."""
    block = re.search(r"<!-- pii-recipe -->\s*```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README lost its stream-maps recipe"
    extractor = yaml.safe_load(block.group(1))["plugins"]["extractors"][0]
    return extractor["config"]


def test_the_readme_recipe_hashes_the_caller_and_drops_the_callee(start_emulator):
    store = CampaignStore(count=10, callees=10, history_days=30)
    emulator = start_emulator(store=store, rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000, **recipe())
    del config["campaign_ids"]
    messages = sync_in_process(config, streams=[CALLS])
    calls = [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == CALLS]
    schema = next(m["schema"] for m in messages if m["type"] == "SCHEMA" and m["stream"] == CALLS)
    assert calls
    for call in calls:
        original = store.call(call["SessionId"])
        assert "Callee" not in call
        assert call["Caller"] == hashlib.md5(original["Caller"].encode()).hexdigest()
    assert "Callee" not in schema["properties"]


def test_the_recipe_does_not_break_a_run_where_calls_are_not_selected(emulator):
    # Meltano discovers with the user's stream_maps and the default selection (calls not selected).
    config = tap_config(emulator, [2569, 2570], **recipe())
    messages = sync_in_process(config)
    assert {m["stream"] for m in messages if m["type"] == "RECORD"} == {"predictive_dialing_campaigns"}


def test_the_readme_recipe_drops_the_agents_name_nickname_and_phone(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=5), rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000, **recipe())
    del config["campaign_ids"]
    messages = sync_in_process(config, streams=["agents"])
    agents = [m["record"] for m in messages if m["type"] == "RECORD"]
    assert len(agents) == len(emulator.store.directory.agent_mails())
    assert all({"Name", "Nick", "Phone"}.isdisjoint(agent) and agent["Mail"] for agent in agents)
