"""Singer messages to stdout, with a loader that stopped reading told apart from a crash, and
a record's bookkeeping done before a termination signal can act."""

from __future__ import annotations

import atexit
import contextlib
import signal
import sys
import threading
from collections.abc import Callable

from singer_sdk.contrib.msgspec import encoder
from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import Message, RecordMessage, StateMessage

from tap_ccc_campaign.errors import TapError, TargetGone

FLUSH_SIZE = 64 * 1024  # bytes of records gathered before they are written
# The most a sync's STATE messages may weigh against its records (see state_due): a state that
# grows with the sessions of running campaigns must not be written again every few records.
STATE_SHARE = 0.05


class _PerThread(threading.local):
    written: Callable[[], None] | None = None  # the hook of the stream syncing on this thread
    depth = 0  # writes in progress on this thread


class Writer(SingerWriter):
    """One writer for every stream: streams sync side by side, each on its own thread, and each
    message is written whole under one lock."""

    def __init__(self) -> None:
        super().__init__()
        self._thread = _PerThread()
        self._lock = threading.RLock()
        self._held: int | None = None
        self._pending: list[str] = []  # records written but not yet handed to stdout
        self._pending_size = 0
        self.record_bytes = 0  # RECORD messages written by this run
        self.state_bytes = 0  # STATE messages written by this run
        self._last_state = 0  # the size of the last STATE
        self._records_at_last_state = 0
        atexit.register(self._flush_at_exit)

    def on_record_written(self, hook: Callable[[], None] | None) -> None:
        """Call ``hook`` right after each RECORD written from this thread, whatever stream name (a
        stream map's alias) it carries: a stream syncs on a thread of its own, so it is that stream's."""
        self._thread.written = hook

    def hold(self, signum: int) -> bool:
        """True while a message is being written on this (the signal's) thread (a record: until its
        bookkeeping is done); the signal is then raised again once the write is over, so a handler
        that writes a STATE never writes into the middle of another line."""
        if self._thread.depth:
            self._held = signum
        return bool(self._thread.depth)

    def write_message(self, message: Message) -> None:
        hook = self._thread.written if isinstance(message, RecordMessage) else None
        # A STATE written on a signal then holds exactly the records the target was sent.
        self._thread.depth += 1
        try:
            with self._lock:
                self._write(message)
            if hook is not None:
                hook()
        finally:
            self._thread.depth -= 1
        if self._thread.depth == 0 and self._held is not None and threading.current_thread() is threading.main_thread():
            signum, self._held = self._held, None
            signal.raise_signal(signum)

    def state_due(self) -> bool:
        """Whether a STATE written now keeps the sync's STATE messages within STATE_SHARE of its
        records: the records since the last one weigh at least the last one / STATE_SHARE."""
        return self.record_bytes - self._records_at_last_state >= self._last_state / STATE_SHARE

    def _flush_at_exit(self) -> None:
        with contextlib.suppress(TapError, OSError, ValueError):
            self.flush()

    def serialize_message(self, message: Message) -> str:
        # msgspec's encoder (singer-sdk's own, from its msgspec extra) writes a record several times
        # faster than simplejson; the JSON is the same to any reader (non-ASCII left as UTF-8).
        return encoder.encode(message.to_dict()).decode("utf-8")

    def _write(self, message: Message) -> None:
        # Records are gathered and written together (stdout may be unbuffered: PYTHONUNBUFFERED is
        # common where Meltano runs), at the latest with the next message that is not a record: a
        # STATE always follows the records it counts, and so does anything a signal writes.
        line = self.format_message(message) + "\n"
        if isinstance(message, RecordMessage):
            self.record_bytes += len(line)
        elif isinstance(message, StateMessage):
            self.state_bytes += len(line)
            self._last_state, self._records_at_last_state = len(line), self.record_bytes
        self._pending.append(line)
        self._pending_size += len(line)
        if not isinstance(message, RecordMessage) or self._pending_size >= FLUSH_SIZE:
            self.flush()

    def flush(self) -> None:
        """Write the gathered records, and flush stdout."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        try:
            if self._pending:
                text, self._pending, self._pending_size = "".join(self._pending), [], 0
                sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise TargetGone(
                "the target stopped reading the tap's output (it exited or crashed): see the loader's log"
            ) from None
