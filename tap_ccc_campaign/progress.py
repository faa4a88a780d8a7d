"""Progress lines for long syncs: done / total, rate and ETA, every few seconds."""

from __future__ import annotations

import logging
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
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._last = self._started

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
        return (
            f"progress: {self.done}/{self.total} campaigns ({100 * self.done / max(self.total, 1):.1f}%), "
            f"{rate:.1f}/s, elapsed {_duration(elapsed)}, "
            f"ETA {_duration(eta) if eta != float('inf') else 'unknown'}"
        )
