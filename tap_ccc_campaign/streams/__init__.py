"""The tap's streams, one module per family."""

from tap_ccc_campaign.streams.agent_status import AgentStatusHistoryStream
from tap_ccc_campaign.streams.auto_callout import (
    AutoCalloutCalleesStream,
    AutoCalloutCallsStream,
    AutoCalloutTasksStream,
)
from tap_ccc_campaign.streams.calls import PredictiveDialingCallsStream
from tap_ccc_campaign.streams.campaigns import PredictiveDialingCampaignsStream
from tap_ccc_campaign.streams.directory import AgentsStream, SkillGroupsStream
from tap_ccc_campaign.streams.progress import PredictiveDialingCampaignProgressStream
from tap_ccc_campaign.streams.sessions import PredictiveDialingSessionsStream

__all__ = [
    "AgentStatusHistoryStream",
    "AgentsStream",
    "AutoCalloutCalleesStream",
    "AutoCalloutCallsStream",
    "AutoCalloutTasksStream",
    "PredictiveDialingCallsStream",
    "PredictiveDialingCampaignProgressStream",
    "PredictiveDialingCampaignsStream",
    "PredictiveDialingSessionsStream",
    "SkillGroupsStream",
]
