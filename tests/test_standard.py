"""singer-sdk's standard tap tests, against the emulator."""

from __future__ import annotations

import pytest
from ccc_emulator import Emulator
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore
from singer_sdk.testing import get_tap_test_class

from tap_ccc_campaign.tap import TapCCCCampaign

STORE = CampaignStore(count=25)
# The SDK builds the test class from a config at import and keeps this very dict; the
# emulator's address is filled in by the class-scoped fixture below, once it listens.
CONFIG = {
    "secret_id": DEMO_CREDENTIAL.secret_id,
    "secret_key": DEMO_CREDENTIAL.secret_key,
    "sdk_app_id": STORE.sdk_app_id,
    "campaign_ids": [*STORE.ids(), STORE.first_id],  # a duplicate, dropped with a warning
    "api_url": "http://127.0.0.1:1",  # replaced before any sync
}


def every_stream_selected() -> dict:
    """The discovered catalog with every stream selected, the new ones included."""
    catalog = TapCCCCampaign(config=CONFIG).catalog_dict
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
    return catalog


_Base = get_tap_test_class(TapCCCCampaign, config=CONFIG, catalog=every_stream_selected())


class TestTapCCCCampaign(_Base):
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _emulator(cls):
        with Emulator(port=0, store=STORE) as emulator:
            CONFIG["api_url"] = emulator.url
            yield emulator
