"""The state a STATE message carries while streams sync side by side.

Each stream changes its own part of the tap state on its own thread, as its records are written.
A STATE written by one stream cannot read another's part while that stream changes it, nor may it
carry a part ahead of that stream's written records. So each stream *publishes* a copy of its
part at its checkpoints (when every change in it is for a record already written), and a STATE
holds each stream's last published part: every STATE follows the records it counts.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

from singer_sdk.helpers.types import TapState

from tap_ccc_campaign.sdk_private import StateWriter

Part = dict[str, Any]


class StateBoard:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._base: dict[str, Any] = {}
        self._parts: dict[str, Part] = {}
        self._syncing = threading.local()  # the stream syncing on each thread
        self.active = False

    def start(self, state: Mapping[str, Any]) -> None:
        """Side by side from now: each part as the sync starts with it."""
        with self._lock:
            self._base = {key: value for key, value in state.items() if key != "bookmarks"}
            self._parts = copy.deepcopy(state.get("bookmarks") or {})
            self.active = True

    def stop(self) -> None:
        self.active = False

    def syncing(self, name: str | None) -> None:
        """Say which stream syncs on this thread (None: none)."""
        self._syncing.name = name

    def current(self) -> str | None:
        return getattr(self._syncing, "name", None)

    def publish(self, name: str, part: Part | None) -> None:
        """A copy of ``name``'s part, taken on its own thread when all its changes are written."""
        copied = copy.deepcopy(part) if part is not None else None
        with self._lock:
            if copied is None:
                self._parts.pop(name, None)
            else:
                self._parts[name] = copied

    def value(self) -> TapState:
        with self._lock:
            return cast(TapState, {**self._base, "bookmarks": dict(self._parts)})


class BoardStateWriter(StateWriter):
    """singer-sdk's STATE writer (a STATE only when it changed), made safe from any thread: while
    streams sync side by side, the state written is the board's, the calling stream's part
    published first. A stream's STATE (at a checkpoint, at its end) is then written only when
    ``due()`` says the records since the last one outweigh it enough: every STATE holds every
    stream's state, and ten streams ending would write it ten times. The run's last STATE is
    written by the tap, from the main thread, once all streams ended."""

    def __init__(self, message_writer: Any, board: StateBoard, due: Callable[[], bool] = lambda: True) -> None:
        super().__init__(message_writer)
        self.board = board
        self.due = due
        # Re-entrant: in a serial sync (--test), a signal held during a STATE write is raised again
        # once the line is written, and its handler writes a STATE too.
        self._lock = threading.RLock()

    def write_state(self, state: TapState) -> None:
        board = self.board
        gated = False
        if board.active:
            name = board.current()
            if name is not None:
                parts: dict[str, Part] = dict(state).get("bookmarks") or {}  # type: ignore[assignment]
                board.publish(name, parts.get(name))
                gated = True
        # The board is read under the lock too: a STATE never goes back to an older one. ``due()``
        # is asked under it: two streams asking at once would otherwise both write.
        with self._lock:
            if gated and not self.due():
                return
            super().write_state(board.value() if board.active else state)
