"""Singer messages to stdout, with a loader that stopped reading told apart from a crash, and
a record's bookkeeping done before a termination signal can act."""

from __future__ import annotations

import signal
from collections.abc import Callable

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import Message, RecordMessage

from tap_ccc_campaign.errors import TargetGone


class Writer(SingerWriter):
    def __init__(self) -> None:
        super().__init__()
        self._written: dict[str, Callable[[], None]] = {}
        self._holding = False
        self._held: int | None = None

    def on_record_written(self, stream: str, hook: Callable[[], None]) -> None:
        """Call ``hook`` right after each RECORD of ``stream`` has been written and flushed."""
        self._written[stream] = hook

    def hold(self, signum: int) -> bool:
        """True when a record is between its write and its bookkeeping: the signal is replayed after."""
        if self._holding:
            self._held = signum
        return self._holding

    def write_message(self, message: Message) -> None:
        hook = self._written.get(message.stream) if isinstance(message, RecordMessage) else None
        if hook is None:
            self._write(message)
            return
        # A STATE written on a signal then holds exactly the records the target was sent.
        self._holding = True
        try:
            self._write(message)
            hook()
        finally:
            self._holding = False
        if self._held is not None:
            signum, self._held = self._held, None
            signal.raise_signal(signum)

    def _write(self, message: Message) -> None:
        try:
            super().write_message(message)
        except BrokenPipeError:
            raise TargetGone(
                "the target stopped reading the tap's output (it exited or crashed): see the loader's log"
            ) from None
