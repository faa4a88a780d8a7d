"""tap-ccc-campaign: the Singer tap, on singer-sdk's CLI, catalog, state and about."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import os
import signal
from types import FrameType
from typing import IO, Any

import click
from singer_sdk import Stream, Tap
from singer_sdk.helpers.capabilities import PluginCapabilities, TapCapabilities

from tap_ccc_campaign.config.checks import config_errors, environment_errors, unknown_settings
from tap_ccc_campaign.config.files import read_config_file
from tap_ccc_campaign.config.resolve import resolved
from tap_ccc_campaign.config.schema import SCHEMA
from tap_ccc_campaign.errors import ConfigError, SyncFailedError, SyncInterrupted, TapError
from tap_ccc_campaign.run.failures import StreamFailures
from tap_ccc_campaign.run.output import Writer
from tap_ccc_campaign.run.spool import Spool
from tap_ccc_campaign.state import state_file
from tap_ccc_campaign.streams import (
    PredictiveDialingCallsStream,
    PredictiveDialingCampaignProgressStream,
    PredictiveDialingCampaignsStream,
    PredictiveDialingSessionsStream,
)
from tap_ccc_campaign.validation import load_schema

ENV_PREFIX = "TAP_CCC_CAMPAIGN_"


class TapCCCCampaign(Tap):
    """Extracts Tencent Cloud Contact Center predictive-dialing campaign settings."""

    name = "tap-ccc-campaign"
    package_name = "tap-ccc-campaign"
    config_jsonschema = SCHEMA
    message_writer_class = Writer
    capabilities = (
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        TapCapabilities.DISCOVER,
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
    )

    def __init__(self, *, parse_env_config: bool = False, **kwargs: Any) -> None:
        self.spool = Spool()  # lists read once per run, shared by the streams
        self.failed_streams = StreamFailures()  # told once every stream has run
        try:
            super().__init__(parse_env_config=parse_env_config, **kwargs)
        except (ValueError, TypeError):
            # singer-sdk's reading of TAP_CCC_CAMPAIGN_* variables failed: name the variable.
            problems = environment_errors(self.full_settings_schema(), ENV_PREFIX, os.environ)
            if parse_env_config and problems:
                raise ConfigError("invalid config: " + "; ".join(problems)) from None
            raise
        if not self.config.get("log_metrics"):
            # singer-sdk set this logger to the run's level; METRIC lines are opt-in here.
            self.metrics_logger.setLevel(logging.WARNING)

    @classmethod
    def full_settings_schema(cls) -> dict[str, Any]:
        """The tap's settings with singer-sdk's built-in ones (stream_maps, flattening, ...)."""
        schema = copy.deepcopy(cls.config_jsonschema)
        cls.append_builtin_config(schema)
        return schema

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Fill credentials the way Tencent's tools do before judging the config.
        self._config = resolved(self._config, os.environ)
        schema = self.full_settings_schema()
        errors = config_errors(self._config, schema)
        if errors and raise_errors:
            raise ConfigError("invalid config: " + "; ".join(errors))
        for warning in unknown_settings(self._config, schema):
            self.logger.warning("%s", warning)
        return errors

    def setup_mapper(self) -> None:
        # singer-sdk registers a deselected stream with an empty schema and then refuses any stream
        # map naming it ("Invalid key properties"): Meltano's discovery, which runs with the user's
        # stream_maps and the default selection, would fail on the calls stream's PII map. Selected
        # streams keep their selected schema; a deselected one (never synced) keeps its whole schema.
        super(Tap, self).setup_mapper()
        catalog = copy.deepcopy(self.catalog)
        for entry in catalog.streams:
            if not entry.metadata.resolve_selection().get((), True):
                entry.metadata.root.selected = True
        self.mapper.register_raw_streams_from_catalog(catalog)

    def load_state(self, state_input: dict[str, Any]) -> None:
        usable, dropped = state_file.cleaned(state_input)
        for problem in dropped:
            self.logger.warning("The state given: %s; that part is dropped, the rest is kept.", problem)
        super().load_state(usable)

    def discover_streams(self) -> list[Stream]:
        shared = {"spool": self.spool, "failed": self.failed_streams}
        return [
            PredictiveDialingCampaignsStream(tap=self, schema=load_schema(), **shared),
            PredictiveDialingCampaignProgressStream(
                tap=self, schema=load_schema("predictive_dialing_campaign_progress"), **shared
            ),
            PredictiveDialingSessionsStream(tap=self, schema=load_schema("predictive_dialing_sessions"), **shared),
            PredictiveDialingCallsStream(tap=self, schema=load_schema("predictive_dialing_calls"), **shared),
        ]

    def sync_all(self) -> None:
        """Every selected stream runs; those that ended with failures are named together at the end."""
        super().sync_all()
        if self.failed_streams:
            raise SyncFailedError(self.failed_streams.summary())

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> Any:
        for path in value:
            if path != "ENV":
                read_config_file(path)  # one line naming the file, instead of a traceback
        return super().cb_config(ctx, param, value)

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        state: IO[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if state is not None:
            parsed = state_file.read(state)
            state = io.StringIO(json.dumps(parsed))
        super().invoke(state=state, **kwargs)

    def _handle_termination(self, signum: int, frame: FrameType | None) -> None:
        if isinstance(self.message_writer, Writer) and self.message_writer.hold(signum):
            return  # a record is being written: the writer raises the signal again once it is counted
        # singer-sdk writes the state and exits 0; an interrupted sync is not a
        # success, so raise instead and let the CLI exit 128+signal.
        self.logger.warning("Received signal %d: stopping the sync", signum)
        signal.signal(signum, signal.SIG_DFL)
        for stream in self.streams.values():
            if isinstance(stream, PredictiveDialingCampaignsStream):
                stream.save_progress()
        # TargetGone: the loader has ended, so nothing can be told to it any more.
        with contextlib.suppress(TapError, BrokenPipeError, ValueError):
            self.state_writer.write_state(self.state)
        raise SyncInterrupted(signum)
