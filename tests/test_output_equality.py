"""What leaves the tap does not depend on how cheaply it got there.

The tap's fast path (a compiled validator that also refuses unknown fields, singer-sdk's type
conformance off, the SDK's walks over each record skipped when every property is selected, msgspec
serialisation, records written together) is compared with the path it
took before that work: every record walked by jsonschema with unknown fields dropped, singer-sdk's
default type conformance, its default serialiser, one write per message. Same emulator data,
with a field the schemas do not know on every record and every object inside one.
"""

from __future__ import annotations

import io
import json
import time
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

import pytest
from ccc_emulator.data import CampaignStore
from ccc_emulator.faults import FaultPlan
from singer_sdk import Stream
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.io_base import SingerWriter

from tap_ccc_campaign.api import campaign_list
from tap_ccc_campaign.run import output
from tap_ccc_campaign.run.output import Writer
from tap_ccc_campaign.sdk_private import PrivateStreamHooks
from tap_ccc_campaign.streams import agent_status
from tap_ccc_campaign.streams.base import CCCStream
from tap_ccc_campaign.tap import TapCCCCampaign
from tap_ccc_campaign.validation import RecordChecker
from tests.helpers import catalog_selecting, messages, sync_in_process, tap_config

STREAMS = tuple(TapCCCCampaign(config={}, validate_config=False).streams)  # all ten


def _walked_by_jsonschema(self: RecordChecker, record: dict[str, Any]):
    kept = self.drop_unknown(record)
    return kept, self.violations(kept)


@pytest.fixture
def reference_path(monkeypatch: pytest.MonkeyPatch):
    def use() -> None:
        monkeypatch.setattr(RecordChecker, "checked", _walked_by_jsonschema)
        monkeypatch.setattr(CCCStream, "TYPE_CONFORMANCE_LEVEL", TypeConformanceLevel.ROOT_ONLY)
        monkeypatch.setattr(Writer, "serialize_message", SingerWriter.serialize_message)
        monkeypatch.setattr(output, "FLUSH_SIZE", 0)
        monkeypatch.setattr(PrivateStreamHooks, "_generate_record_messages", Stream._generate_record_messages)

    return use


class _Frozen(datetime):
    """The list's observation time, the one field that depends on when a run happens."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 12, 5, 8, 0, tzinfo=UTC).astimezone(tz)


def _by_stream(messages: list[dict[str, Any]], kind: str) -> dict[str, list[str]]:
    """Each stream's messages of one kind, in order, as canonical JSON (so 1 and 1.0 differ)."""
    found: dict[str, list[str]] = {}
    for message in messages:
        if message["type"] == kind:
            body = message["record"] if kind == "RECORD" else message["schema"]
            found.setdefault(message["stream"], []).append(json.dumps(body, sort_keys=True, ensure_ascii=False))
    return found


def test_every_stream_emits_the_same_records_field_for_field_as_the_reference_path(
    start_emulator, reference_path, monkeypatch
):
    emulator = start_emulator(store=CampaignStore(count=40), faults=FaultPlan(extra_field=True), rate_limit=None)
    config = tap_config(emulator, campaign_ids=None)
    del config["campaign_ids"]  # discovery mode: every stream's records, calls included
    monkeypatch.setattr(campaign_list, "datetime", _Frozen)
    now = time.time()
    monkeypatch.setattr(agent_status, "clock", lambda: now)  # both runs read the same windows

    fast = sync_in_process(config, streams=STREAMS)
    reference_path()
    slow = sync_in_process(config, streams=STREAMS)

    fast_records, slow_records = _by_stream(fast, "RECORD"), _by_stream(slow, "RECORD")
    assert set(fast_records) == set(STREAMS)
    assert all(len(fast_records[s]) > 0 for s in STREAMS)
    for stream in STREAMS:
        assert fast_records[stream] == slow_records[stream], stream
    assert not any("NewerVersionField" in line for lines in fast_records.values() for line in lines)
    assert _by_stream(fast, "SCHEMA") == _by_stream(slow, "SCHEMA")


def test_a_deselected_property_is_still_left_out(start_emulator):
    emulator = start_emulator(store=CampaignStore(count=5), rate_limit=None)
    config = tap_config(emulator)
    catalog = catalog_selecting(config, ["predictive_dialing_campaigns"])
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == ["properties", "UUI"]:
                entry["metadata"]["selected"] = False
    out = io.StringIO()
    with redirect_stdout(out):
        TapCCCCampaign(config=config, catalog=catalog).sync_all()
    got = [m["record"] for m in messages(out.getvalue()) if m["type"] == "RECORD"]
    assert len(got) == 5
    assert all("UUI" not in record and "CampaignId" in record for record in got)
    assert all(
        "UUI" in m["record"]
        for m in sync_in_process(config, streams=["predictive_dialing_campaigns"])
        if m["type"] == "RECORD"
    )
