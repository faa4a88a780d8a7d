"""The tap's streams, one module per family."""

from tap_ccc_campaign.streams.campaigns import PredictiveDialingCampaignsStream
from tap_ccc_campaign.streams.progress import PredictiveDialingCampaignProgressStream

__all__ = ["PredictiveDialingCampaignProgressStream", "PredictiveDialingCampaignsStream"]
