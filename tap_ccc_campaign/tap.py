"""tap-ccc-campaign: the Singer tap, on singer-sdk's CLI, catalog, state and about."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import os
import signal
import threading
from types import FrameType
from typing import IO, Any

from singer_sdk import Stream
from singer_sdk.helpers.capabilities import PluginCapabilities, TapCapabilities

from tap_ccc_campaign.api.pacing import Pacers
from tap_ccc_campaign.config.checks import config_errors, environment_errors, unknown_settings
from tap_ccc_campaign.config.files import read_config_file
from tap_ccc_campaign.config.resolve import resolved
from tap_ccc_campaign.config.schema import SCHEMA, default
from tap_ccc_campaign.errors import (
    ConfigError,
    ConnectionTestError,
    FatalRunError,
    SyncFailedError,
    SyncInterrupted,
    TapError,
)
from tap_ccc_campaign.run.failures import StreamFailures
from tap_ccc_campaign.run.output import Writer
from tap_ccc_campaign.run.side_by_side import SideBySide
from tap_ccc_campaign.run.spool import Spool
from tap_ccc_campaign.run.state_board import BoardStateWriter, StateBoard
from tap_ccc_campaign.sdk_private import PrivateHooks
from tap_ccc_campaign.state import state_file
from tap_ccc_campaign.streams import STREAMS, CCCStream, PredictiveDialingCampaignsStream, name_of, state_shapes
from tap_ccc_campaign.validation import load_schema

ENV_PREFIX = "TAP_CCC_CAMPAIGN_"


class TapCCCCampaign(PrivateHooks):
    """Tencent Cloud Contact Center (CCC) outbound campaigns: predictive dialing, auto-callout, agents and skill groups."""

    name = "tap-ccc-campaign"
    package_name = "tap-ccc-campaign"
    config_jsonschema = SCHEMA
    message_writer_class = Writer
    capabilities = [  # noqa: RUF012 - singer-sdk declares it a list, overridden whole
        TapCapabilities.CATALOG,
        TapCapabilities.STATE,
        TapCapabilities.DISCOVER,
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
    ]

    def __init__(self, *, parse_env_config: bool = False, **kwargs: Any) -> None:
        self.spool = Spool()  # lists read once per run, shared by the streams
        self.failed_streams = StreamFailures()  # told once every stream has run
        self.board = StateBoard()  # what STATE holds while streams sync side by side
        self.pacers: Pacers | None = None  # one per action for the account, made with the config
        self._side_by_side: SideBySide | None = None
        self._signalled: int | None = None
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

    @property
    def state_writer(self) -> BoardStateWriter:
        """singer-sdk's STATE writer, safe while the streams sync side by side (state_board.py)."""
        writer = self.__dict__.get("_board_writer")
        if writer is None:  # asked for first while singer-sdk's __init__ discovers the streams
            due = self.message_writer.state_due if isinstance(self.message_writer, Writer) else lambda: True
            writer = self._board_writer = BoardStateWriter(self.message_writer, self.board, due)
        return writer

    @classmethod
    def full_settings_schema(cls) -> dict[str, Any]:
        """The tap's settings with singer-sdk's built-in ones (stream_maps, flattening, ...)."""
        schema = copy.deepcopy(cls.config_jsonschema)
        cls.append_builtin_config(schema)
        return schema

    def settle_config(self, config: dict[str, Any], *, raise_errors: bool) -> tuple[dict[str, Any], list[str]]:
        """The config with credentials filled the way Tencent's tools do, and what is wrong with it."""
        config = resolved(config, os.environ)
        schema = self.full_settings_schema()
        errors = config_errors(config, schema)
        if errors and raise_errors:
            raise ConfigError("invalid config: " + "; ".join(errors))
        for warning in unknown_settings(config, schema):
            self.logger.warning("%s", warning)
        return config, errors

    @classmethod
    def check_config_file(cls, path: str) -> None:
        read_config_file(path)

    def load_state(self, state_input: dict[str, Any]) -> None:
        usable, dropped = state_file.cleaned(state_input, state_shapes())
        for problem in dropped:
            self.logger.warning("The state given: %s", problem)
        super().load_state(usable)

    def discover_streams(self) -> list[Stream]:
        if self.pacers is None:
            rate = self.config.get("requests_per_second")
            self.pacers = Pacers(float(default("requests_per_second") if rate is None else rate))
        shared: dict[str, Any] = {"spool": self.spool, "failed": self.failed_streams, "pacers": self.pacers}
        return [kind(tap=self, schema=load_schema(name_of(kind)), **shared) for kind in STREAMS]

    def sync_all(self) -> None:  # type: ignore[misc]  # final in singer-sdk; streams run side by side
        """Every selected stream syncs at once, on its own thread (run/side_by_side.py); those that
        ended with failures are named together at the end. From here to the end, a signal only
        stops the streams: this thread writes the last STATE, never the signal handler (it could
        land in the middle of a STATE this thread is writing)."""
        selected: list[CCCStream] = []
        for stream in self.streams.values():
            if isinstance(stream, CCCStream) and (stream.selected or stream.has_selected_descendents):
                selected.append(stream)
            else:
                self.logger.info("Skipping deselected stream '%s'.", stream.name)
        self._signalled = None
        self._side_by_side = SideBySide(self.board, selected, self.logger)
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
        error: BaseException | None = None
        try:
            self.prepare_sync()
            if self.state:
                self.state_writer.write_state(self.state)
            self.board.start(self.state)
            self._side_by_side.run()
        except BaseException as exc:  # noqa: BLE001 - raised below, after the last STATE
            error = exc
        finally:
            # The run's last STATE: every stream's state as it ended, or as far as its written
            # records where an error or a signal stopped it.
            with contextlib.suppress(TapError, BrokenPipeError, ValueError):
                self.state_writer.write_state(self.state)
            self.board.stop()
            self.spool.close()  # its temporary files go with the run
            self._side_by_side = None
            for signum, handler in previous.items():  # a program that runs the tap keeps its own
                signal.signal(signum, handler)
        if self._signalled is not None:
            raise SyncInterrupted(self._signalled) from (None if isinstance(error, SyncInterrupted) else error)
        if error is not None:
            raise error
        for stream in self.streams.values():
            stream.log_sync_costs()
        if self.failed_streams:
            raise SyncFailedError(self.failed_streams.summary())

    def run_connection_test(self) -> bool:  # type: ignore[misc]  # final in singer-sdk; --test reports per stream
        """--test: each stream reads one record, checked against its schema, and says so in one
        line; a stream whose action the key may not call names the permission. Any stream that
        cannot be read fails the test (exit 1), after every stream was tried."""
        lines, failed = [], []
        for stream in self.streams.values():
            try:
                self.run_sync_dry_run(dry_run_record_limit=1, streams=[stream])
                problem = self.failed_streams.pop(stream.name)
            except FatalRunError as exc:
                problem = str(exc)
            checker = getattr(stream, "checker", None)
            if problem is None and checker is not None and checker.refused:
                fields = ", ".join(f"{name} ({n} record(s))" for name, n in sorted(checker.refused.items()))
                problem = f"the API answered records the schema refuses, in {fields}: please report it"
            if problem is None:
                read = getattr(stream, "records_read", 0)
                lines.append(
                    f"{stream.name}: ok, "
                    + ("one record read and valid against its schema" if read else "allowed, no record to read yet")
                )
            else:
                failed.append(stream.name)
                lines.append(f"{stream.name}: FAILED: {problem}")
        self.logger.info("--test, one line per stream:\n  %s", "\n  ".join(lines))
        if failed:
            raise ConnectionTestError(
                f"--test: {len(failed)} of {len(lines)} stream(s) cannot be read: {', '.join(failed)}"
            )
        return True

    @classmethod
    def invoke(
        cls,
        *,
        state: IO[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if state is not None:
            parsed = state_file.read(state)
            state = io.StringIO(json.dumps(parsed))
        super().invoke(state=state, **kwargs)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._side_by_side is not None:
            # Each stream stops at its next record, its state as far as its written records;
            # sync_all then writes the last STATE and stops the run.
            self.logger.warning("Received signal %d: stopping the sync", signum)
            signal.signal(signum, signal.SIG_DFL)  # a second one ends the tap at once
            self._signalled = signum
            self._side_by_side.stop()
            return
        if isinstance(self.message_writer, Writer) and self.message_writer.hold(signum):
            return  # a record is being written: the writer raises the signal again once it is counted
        # singer-sdk writes the state and exits 0; an interrupted sync (--test's) is not a
        # success, so raise instead and let the CLI exit 128+signal.
        self.logger.warning("Received signal %d: stopping the sync", signum)
        signal.signal(signum, signal.SIG_DFL)
        for stream in self.streams.values():
            if isinstance(stream, PredictiveDialingCampaignsStream):
                stream.save_progress()
        self._interrupted(signum)

    def _interrupted(self, signum: int) -> None:
        # TargetGone: the loader has ended, so nothing can be told to it any more.
        with contextlib.suppress(TapError, BrokenPipeError, ValueError):
            self.state_writer.write_state(self.state)
        raise SyncInterrupted(signum)
