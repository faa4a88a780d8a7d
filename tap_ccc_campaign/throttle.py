"""Pacing: at most ``rate`` calls sent in any trailing window, a rate that backs off on throttling.

Hand-written because no pacing library counts a call at the moment it is sent (a slot granted
to a thread that the OS then delays would otherwise let the next calls bunch up at the server)
nor adapts its rate to the server's RequestLimitExceeded answers; both are small and exactly
testable with a fake clock.

A slot is *granted* by ``acquire`` and *sent* by ``Slot.sent()``: until it is sent it counts
against every window (it will be sent at some moment from now on), afterwards against the
window that follows its send time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

# Slowest pace the limiter backs off to, in calls per second (never above the configured rate).
FLOOR_RATE = 0.5
# On a RequestLimitExceeded answer the rate is multiplied by this, at most once per window.
DECREASE = 0.8
# While calls succeed, the rate grows by this many calls/s every second of sending (additive).
INCREASE_PER_SECOND = 1.0


class Interrupted(Exception):  # noqa: N818 - a signal to stop waiting, not a failure
    pass


class Slot:
    """One granted call. ``sent()`` stamps the moment its request leaves."""

    __slots__ = ("_limiter", "sent_at")

    def __init__(self, limiter: SlidingWindowLimiter) -> None:
        self._limiter = limiter
        self.sent_at: float | None = None

    def sent(self) -> None:
        if self.sent_at is None:
            self._limiter._stamp(self)


class SlidingWindowLimiter:
    def __init__(
        self,
        rate: float,
        *,
        period: float = 1.0,
        guard: float = 0.015,
        clock: Callable[[], float] = time.monotonic,
        adaptive: bool = True,
    ) -> None:
        if not rate > 0 or math.isinf(rate):
            raise ValueError("rate must be positive and finite")
        self.ceiling = rate
        self.period = period
        self.guard = guard
        self.adaptive = adaptive
        self._rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._unsent = 0
        self._sent: list[float] = []  # send times still inside a window
        self._last_decrease = -math.inf
        self.decreases = 0

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def capacity(self) -> int:
        # A whole rate is a budget per window; a fractional one is kept on average with calls
        # evenly spaced (1.5/s: one call every 0.67 s), so no second holds more than ceil(rate).
        return int(self._rate) if self._rate >= 1 and self._rate == int(self._rate) else 1

    @property
    def window(self) -> float:
        return self.capacity / self._rate * self.period + self.guard

    def delay(self) -> float:
        """Seconds until a call may be granted; 0 means it is granted now (and counted as unsent)."""
        with self._lock:
            wait = self._wait(self._clock())
            if wait <= 0:
                self._unsent += 1
            return wait

    def _wait(self, now: float) -> float:
        window = self.window
        self._sent = [t for t in self._sent if now - t < window]
        if self._unsent + len(self._sent) < self.capacity:
            return 0.0
        if not self._sent:  # every slot is granted and not yet sent: wait for one to be sent
            return window
        return max(window - (now - min(self._sent)), 1e-6)

    def acquire(self) -> Slot:
        """Block until a call may start. Raises Interrupted once ``stop()`` is called."""
        while True:
            if self._stop.is_set():
                raise Interrupted
            wait = self.delay()
            if wait <= 0:
                return Slot(self)
            # Wake at least every window: a slot sent meanwhile may free one sooner.
            self._stop.wait(min(wait, self.window))

    def _stamp(self, slot: Slot) -> None:
        with self._lock:
            slot.sent_at = self._clock()
            self._unsent -= 1
            self._sent.append(slot.sent_at)

    def release(self, slot: Slot) -> None:
        """A granted slot that was never sent (the call failed before sending)."""
        with self._lock:
            if slot.sent_at is None:
                slot.sent_at = -math.inf
                self._unsent -= 1

    def throttled(self, slot: Slot) -> None:
        """The server rejected this call for the rate: slow down, once per window of such answers."""
        if not self.adaptive:
            return
        with self._lock:
            # Calls sent before the last decrease were paced by the old rate: one event, one decrease.
            if slot.sent_at is not None and slot.sent_at <= self._last_decrease:
                return
            self._rate = max(min(FLOOR_RATE, self.ceiling), self._rate * DECREASE)
            self._last_decrease = self._clock()
            self.decreases += 1

    def succeeded(self) -> None:
        """A call was accepted: grow back towards the ceiling, about INCREASE_PER_SECOND per second."""
        if not self.adaptive or self._rate >= self.ceiling:
            return
        with self._lock:
            self._rate = min(self.ceiling, self._rate + INCREASE_PER_SECOND / self._rate)

    def stop(self) -> None:
        self._stop.set()
