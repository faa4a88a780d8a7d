"""Streams synced side by side, one thread each: each API action has its own 20 requests/s, so a
sync takes about the time of its busiest action, not the sum of all of them.

Each stream runs singer-sdk's own ``sync()`` on its thread (its SCHEMA before its records, its
stream maps, its state): records of different streams interleave message by message (the
Writer writes each whole), and every STATE holds each stream's last published part
(state_board.py). A stream's failure stays its own; an error that stops the run stops them all,
each at its next record, its state as far as its written records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from tap_ccc_campaign.errors import SyncInterrupted, TapError
from tap_ccc_campaign.run.state_board import StateBoard


class Syncable(Protocol):
    name: str

    def sync(self) -> None: ...

    def finalize_state_progress_markers(self) -> None: ...

    def ready(self) -> None: ...

    def stop(self) -> None: ...

    def publish_state(self) -> None: ...


class SideBySide:
    def __init__(self, board: StateBoard, streams: Sequence[Syncable], logger: logging.Logger) -> None:
        self.board = board
        self.logger = logger
        self._streams = list(streams)
        self._errors: list[BaseException] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        for stream in self._streams:
            stream.ready()  # a stop from now on (a signal before the threads start too) is kept

    def run(self, *, wait: Callable[[threading.Thread], None] | None = None) -> None:
        """Sync the streams at once; returns when all ended. The first error that stops the run
        (a stream's own failures never do: they are told at the end) is raised once all ended;
        any other is logged."""
        threads = [
            threading.Thread(target=self._sync, args=(stream,), name=f"sync {stream.name}", daemon=True)
            for stream in self._streams
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            (wait or threading.Thread.join)(thread)
        stopping_the_run = [error for error in self._errors if not isinstance(error, SyncInterrupted)]
        for error in stopping_the_run[1:]:
            self.logger.error("Also: %s", error, exc_info=not isinstance(error, TapError))
        if stopping_the_run or self._errors:
            raise (stopping_the_run or self._errors)[0]

    def stop(self) -> None:
        """Stop every stream at its next record (from any thread, a signal handler too)."""
        self.stopping.set()
        for stream in self._streams:
            stream.stop()

    def _sync(self, stream: Syncable) -> None:
        self.board.syncing(stream.name)
        try:
            if self.stopping.is_set():
                raise SyncInterrupted(0)
            stream.sync()
            stream.finalize_state_progress_markers()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            with self._lock:
                self._errors.append(exc)
            if not isinstance(exc, SyncInterrupted):
                self.stop()  # an error that stops the run stops the other streams too
        finally:
            stream.publish_state()
            self.board.syncing(None)
