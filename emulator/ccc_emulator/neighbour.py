"""Another client of the same account: it spends part of an action's budget for a while.

Tencent's limits are per account, so a company's dashboards or scripts take calls from the
same 20/s the tap uses. A neighbour takes its calls straight from the emulator's window
(no HTTP): its calls are counted apart, and never appear in the request log or the tap's
rejections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ccc_emulator.ratelimit import TrailingWindow


class Neighbour:
    def __init__(
        self,
        window: TrailingWindow,
        action: str,
        rate: float,
        seconds: float,
        since: Callable[[], float],
    ) -> None:
        if not rate > 0 or not seconds > 0:
            raise ValueError("a neighbour needs a positive rate and duration")
        self.window = window
        self.action = action
        self.rate = rate
        self.seconds = seconds
        self._since = since  # the emulator's clock, as in its request log
        self.accepted = 0
        self.rejected = 0
        self.started: float | None = None
        self.ended: float | None = None
        self._begin = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ccc-emulator-neighbour", daemon=True)

    def start(self) -> Neighbour:
        self._begin = time.monotonic()
        self.started = self._since()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def wait(self) -> None:
        """Until it has made all its calls."""
        self._thread.join()

    def _run(self) -> None:
        begin = self._begin
        calls = round(self.rate * self.seconds)
        for n in range(calls):  # evenly spaced, n / rate after the start
            if self._stop.wait(max(0.0, begin + n / self.rate - time.monotonic())):
                break
            if self.window.admit(self.action):
                self.accepted += 1
            else:
                self.rejected += 1
        self.ended = self._since()

    def summary(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "rate": self.rate,
            "seconds": self.seconds,
            "from": self.started,
            "until": self.ended,
            "accepted": self.accepted,
            "rejected": self.rejected,
        }
