"""tap-ccc-campaign: the Singer tap, on singer-sdk's CLI, catalog, state and about."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from singer_sdk import Stream, Tap
from singer_sdk.helpers.capabilities import PluginCapabilities, TapCapabilities

from tap_ccc_campaign import config
from tap_ccc_campaign.errors import ConfigError, SyncInterrupted, TapError
from tap_ccc_campaign.schema import load_schema
from tap_ccc_campaign.streams import PredictiveDialingCampaignsStream


class TapCCCCampaign(Tap):
    """Extracts Tencent Cloud Contact Center predictive-dialing campaign settings."""

    name = "tap-ccc-campaign"
    package_name = "tap-ccc-campaign"
    config_jsonschema = config.SCHEMA
    capabilities = (
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        TapCapabilities.DISCOVER,
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
    )

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Fill credentials the way Tencent's tools do before judging the config.
        self._config = config.with_fallbacks(self._config, os.environ)
        errors = config.config_errors(self._config, self.config_jsonschema)
        if errors and raise_errors:
            raise ConfigError("invalid config: " + "; ".join(errors))
        return errors

    def discover_streams(self) -> list[Stream]:
        return [PredictiveDialingCampaignsStream(tap=self, schema=load_schema())]

    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        # singer-sdk writes the state and exits 0; an interrupted sync is not a
        # success, so raise instead and let the CLI exit 128+signal.
        self.logger.warning("Received signal %d: stopping the sync", signum)
        self._state_writer.write_state(self.state)
        signal.signal(signum, signal.SIG_DFL)
        raise SyncInterrupted(signum)


def main() -> None:
    """Console entry point: singer-sdk's CLI, with expected failures as one line on stderr."""
    try:
        TapCCCCampaign.cli()
    except TapError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"tap-ccc-campaign: error: {exc}\n")
        sys.exit(exc.exit_code)
