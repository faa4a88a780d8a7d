"""Singer messages to stdout, with a loader that stopped reading told apart from a crash, and
a record's bookkeeping done before a termination signal can act."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from singer_sdk.contrib.msgspec import encoder
from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import Message, RecordMessage

from tap_ccc_campaign.errors import TargetGone


class Writer(SingerWriter):
    def __init__(self) -> None:
        super().__init__()
        self._written: Callable[[], None] | None = None
        self._depth = 0  # writes in progress on this (the main) thread
        self._held: int | None = None

    def on_record_written(self, hook: Callable[[], None] | None) -> None:
        """Call ``hook`` right after each RECORD has been written and flushed, whatever stream name
        (a stream map's alias) it carries: streams sync one at a time, so it is the syncing stream's."""
        self._written = hook

    def hold(self, signum: int) -> bool:
        """True while a message is being written (a record: until its bookkeeping is done); the
        signal is then raised again once the write is over, so a handler that writes a STATE
        never writes into the middle of another line."""
        if self._depth:
            self._held = signum
        return bool(self._depth)

    def write_message(self, message: Message) -> None:
        hook = self._written if isinstance(message, RecordMessage) else None
        # A STATE written on a signal then holds exactly the records the target was sent.
        self._depth += 1
        try:
            self._write(message)
            if hook is not None:
                hook()
        finally:
            self._depth -= 1
        if self._depth == 0 and self._held is not None:
            signum, self._held = self._held, None
            signal.raise_signal(signum)

    def serialize_message(self, message: Message) -> str:
        # msgspec's encoder (singer-sdk's own, from its msgspec extra) writes a record several times
        # faster than simplejson; the JSON is the same to any reader (non-ASCII left as UTF-8).
        return encoder.encode(message.to_dict()).decode("utf-8")

    def _write(self, message: Message) -> None:
        try:
            sys.stdout.write(self.format_message(message) + "\n")
            # Records reach the loader in the stream's buffer; anything else (a STATE above all,
            # which must follow the records it counts) pushes them out at once.
            if not isinstance(message, RecordMessage):
                sys.stdout.flush()
        except BrokenPipeError:
            raise TargetGone(
                "the target stopped reading the tap's output (it exited or crashed): see the loader's log"
            ) from None
