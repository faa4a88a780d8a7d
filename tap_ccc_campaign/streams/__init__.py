"""The tap's streams, one module per family."""

from tap_ccc_campaign.streams.campaigns import PredictiveDialingCampaignsStream

__all__ = ["PredictiveDialingCampaignsStream"]
