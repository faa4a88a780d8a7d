"""The tap's streams, one module per family, and the one list of them (STREAMS): what the tap
discovers, what --state is checked against, and the order the docs' tables give them in."""

from tap_ccc_campaign.streams.agent_status import AgentStatusHistoryStream
from tap_ccc_campaign.streams.auto_callout import (
    AutoCalloutCalleesStream,
    AutoCalloutCallsStream,
    AutoCalloutTasksStream,
)
from tap_ccc_campaign.streams.base import CCCStream
from tap_ccc_campaign.streams.calls import PredictiveDialingCallsStream
from tap_ccc_campaign.streams.campaigns import PredictiveDialingCampaignsStream
from tap_ccc_campaign.streams.directory import AgentsStream, SkillGroupsStream
from tap_ccc_campaign.streams.progress import PredictiveDialingCampaignProgressStream
from tap_ccc_campaign.streams.sessions import PredictiveDialingSessionsStream

# Adding a stream: its class (a declaration: name, keys, actions, parent, record_per, state_shape),
# its schema in schemas/, this line, and the emulator's action.
STREAMS: tuple[type[CCCStream], ...] = (
    PredictiveDialingCampaignsStream,
    PredictiveDialingCampaignProgressStream,
    PredictiveDialingSessionsStream,
    PredictiveDialingCallsStream,
    SkillGroupsStream,
    AgentsStream,
    AgentStatusHistoryStream,
    AutoCalloutTasksStream,
    AutoCalloutCalleesStream,
    AutoCalloutCallsStream,
)


def name_of(stream: type[CCCStream]) -> str:
    # singer-sdk declares a stream's name per instance; every stream here sets it on its class.
    return stream.name  # type: ignore[misc]


def state_shapes() -> dict[str, dict]:
    """Each stream's declared state, by name."""
    return {name_of(stream): stream.state_shape for stream in STREAMS}


__all__ = [
    "STREAMS",
    "AgentStatusHistoryStream",
    "AgentsStream",
    "AutoCalloutCalleesStream",
    "AutoCalloutCallsStream",
    "AutoCalloutTasksStream",
    "CCCStream",
    "PredictiveDialingCallsStream",
    "PredictiveDialingCampaignProgressStream",
    "PredictiveDialingCampaignsStream",
    "PredictiveDialingSessionsStream",
    "SkillGroupsStream",
    "name_of",
    "state_shapes",
]
