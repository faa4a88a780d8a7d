"""A thread-safe limiter: at most ``rate`` calls start in any trailing window.

Hand-written because the guarantee we need is exact and testable with a fake
clock: a sliding-window log, shared by every worker and every retry, plus a small
guard so that arrival jitter at the server cannot squeeze rate+1 calls into its
one-second window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class Interrupted(Exception):  # noqa: N818 - a signal to stop waiting, not a failure
    pass


class SlidingWindowLimiter:
    def __init__(
        self,
        rate: float,
        *,
        period: float = 1.0,
        guard: float = 0.015,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        # A fractional rate (0.5/s) becomes one call per 2 s window.
        if rate >= 1:
            self.capacity, self.window = int(rate), period * (rate / int(rate))
        else:
            self.capacity, self.window = 1, period / rate
        self.window += guard
        self._clock = clock
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def delay(self) -> float:
        """Seconds until a call may start; 0 means it may start now (and is counted)."""
        with self._lock:
            now = self._clock()
            while self._starts and now - self._starts[0] >= self.window:
                self._starts.popleft()
            if len(self._starts) < self.capacity:
                self._starts.append(now)
                return 0.0
            return self.window - (now - self._starts[0])

    def acquire(self) -> None:
        """Block until a call may start. Raises Interrupted once ``stop()`` is called."""
        while True:
            if self._stop.is_set():
                raise Interrupted
            wait = self.delay()
            if wait <= 0:
                return
            self._stop.wait(wait)

    def stop(self) -> None:
        self._stop.set()
