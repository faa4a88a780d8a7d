"""Per-action request counting over a trailing one-second window."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class TrailingWindow:
    """Admits at most ``limit`` requests per action in any trailing ``period``; tracks the peak of arrivals."""

    def __init__(self, limit: int | None, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._lock = threading.Lock()
        self._arrivals: dict[str, deque[float]] = defaultdict(deque)
        self._admitted: dict[str, deque[float]] = defaultdict(deque)
        self.peak: dict[str, int] = defaultdict(int)

    def _trim(self, window: deque[float], now: float) -> None:
        while window and now - window[0] >= self.period:
            window.popleft()

    def admit(self, action: str) -> bool:
        with self._lock:
            now = self._clock()
            arrivals = self._arrivals[action]
            arrivals.append(now)
            self._trim(arrivals, now)
            self.peak[action] = max(self.peak[action], len(arrivals))
            admitted = self._admitted[action]
            self._trim(admitted, now)
            if self.limit is not None and len(admitted) >= self.limit:
                return False
            admitted.append(now)
            return True
