"""Progress lines for long syncs: done / total, calls per second against the limit, ETA; every 15 s."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class Progress:
    def __init__(
        self,
        total: int,
        logger: logging.Logger,
        *,
        limit: float | None = None,
        interval: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        unit: str = "campaigns",
    ) -> None:
        self.total = total
        self.unit = unit
        self.done = 0
        self.calls = 0  # API calls sent, retries and list pages included
        self._limit = limit
        self._lock = threading.Lock()
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._last = self._started

    def called(self) -> None:
        with self._lock:  # workers report their calls from their own threads
            self.calls += 1

    def advance(self) -> None:
        self.done += 1
        now = self._clock()
        if now - self._last >= self._interval and self.done < self.total:
            self._last = now
            self._logger.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = max((now if now is not None else self._clock()) - self._started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        limit = f" (limit {self._limit:g}/s per action)" if self._limit else ""
        return (
            f"progress: {self.done}/{self.total} {self.unit} ({100 * self.done / max(self.total, 1):.1f}%), "
            f"{self.calls / elapsed:.1f} calls/s{limit}, elapsed {_duration(elapsed)}, "
            f"ETA {_duration(eta) if eta != float('inf') else 'unknown'}"
        )
