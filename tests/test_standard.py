"""singer-sdk's standard tap tests, against the emulator."""

from __future__ import annotations

import pytest
from ccc_emulator import Emulator
from ccc_emulator.auth import DEMO_CREDENTIAL
from ccc_emulator.data import CampaignStore
from singer_sdk.testing import get_tap_test_class

from tap_ccc_campaign.tap import TapCCCCampaign
from tests.helpers import free_port

# The SDK builds the test class from a config at import, so the port is chosen here
# and the emulator is started on it by the class-scoped fixture below.
PORT = free_port()
STORE = CampaignStore(count=25)


def _config() -> dict:
    ids = [*STORE.ids(), STORE.first_id]  # a duplicate, dropped with a warning
    return {
        "secret_id": DEMO_CREDENTIAL.secret_id,
        "secret_key": DEMO_CREDENTIAL.secret_key,
        "sdk_app_id": STORE.sdk_app_id,
        "campaign_ids": ids,
        "api_url": f"http://127.0.0.1:{PORT}",
    }


_Base = get_tap_test_class(TapCCCCampaign, config=_config())


class TestTapCCCCampaign(_Base):
    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _emulator(cls):
        with Emulator(port=PORT, store=STORE) as emulator:
            yield emulator
