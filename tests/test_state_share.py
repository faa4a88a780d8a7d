"""A sync's STATE messages stay a small share of its records, however large the state grows."""

from __future__ import annotations

import json

import pytest
from ccc_emulator.data import CampaignStore

from tap_ccc_campaign.run.output import STATE_SHARE
from tap_ccc_campaign.streams import STREAMS, name_of
from tap_ccc_campaign.streams.sessions import PredictiveDialingSessionsStream
from tests.helpers import sync_in_process, tap_config


def test_states_written_as_a_sync_goes_weigh_at_most_a_twentieth_of_its_records(start_emulator, monkeypatch):
    # A checkpoint after every few sessions: the state (a mark per campaign listed) is rewritten
    # whole each time, and would outweigh the records many times over.
    monkeypatch.setattr(PredictiveDialingSessionsStream, "STATE_EVERY", 10)
    emulator = start_emulator(store=CampaignStore(count=300, seed=2), rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000)
    del config["campaign_ids"]
    out = sync_in_process(config, streams=["predictive_dialing_sessions"])
    sizes = [(m["type"], len(json.dumps(m)) + 1) for m in out]
    records = sum(size for kind, size in sizes if kind == "RECORD")
    states = [size for kind, size in sizes if kind == "STATE"]
    assert records > 0
    assert len(states) >= 2  # it still checkpoints as it goes
    assert sum(states[:-1]) <= STATE_SHARE * records  # the last: the stream's end, whatever its size


@pytest.mark.slow
def test_streams_syncing_side_by_side_write_their_states_within_the_same_share(start_emulator, monkeypatch):
    # Every STATE holds every stream's state: ten streams each writing one as it ends (or at each
    # checkpoint) would write it whole ten times and more.
    for stream in STREAMS:
        monkeypatch.setattr(stream, "STATE_EVERY", 10)
    emulator = start_emulator(store=CampaignStore(count=300, history_days=30, tasks=4, seed=2), rate_limit=None)
    config = tap_config(emulator, requests_per_second=1000)
    del config["campaign_ids"]
    out = sync_in_process(config, streams=[name_of(stream) for stream in STREAMS])
    sizes = [(m["type"], len(json.dumps(m)) + 1) for m in out]
    records = sum(size for kind, size in sizes if kind == "RECORD")
    states = [size for kind, size in sizes if kind == "STATE"]
    assert len(states) >= 2
    assert sum(states[:-1]) <= STATE_SHARE * records  # the last: the run's end, whatever its size
