"""Pacing: calls sent evenly spaced at ``rate`` per second, a rate that backs off on throttling.

Hand-written because no pacing library counts a call at the moment it is sent nor adapts its
rate to the server's RequestLimitExceeded answers; both are small and exactly testable with a
fake clock.

Calls leave one at a time, ``interval`` apart, counted from the moment each was *sent*
(``Slot.sent()``), not from the moment it was granted: a thread the OS delays between the two
cannot make the next calls bunch up behind it. Even spacing (rather than bursts of ``rate``
calls at the top of each second) also keeps a server that is itself slow for a moment from
counting two bursts in one second.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

# Slowest pace the limiter backs off to, in calls per second (never above the configured rate).
FLOOR_RATE = 0.5
# On a RequestLimitExceeded answer the rate is multiplied by this, at most once per burst of answers.
DECREASE = 0.85
# While calls succeed, the rate grows by this many calls/s every second of sending (additive)...
INCREASE_PER_SECOND = 2.0
# ...except just below the rate last throttled at (from NEAR of it up to it), where it creeps up by
# PROBE_PER_SECOND: the budget left by another client is about there, and creeping makes the next
# rejection come late and alone. Past that rate without a rejection, the other client has
# slowed down: the rate climbs at the full pace again.
NEAR = 0.95
PROBE_PER_SECOND = 0.1
# Spacing margin: 20/s is sent as one call every 50.25 ms, so clock granularity and small
# scheduling delays cannot fit a 21st call into a second.
GUARD = 0.005


class Interrupted(Exception):  # noqa: N818 - a signal to stop waiting, not a failure
    pass


class Slot:
    """One granted call. ``sent()`` stamps the moment its request leaves."""

    __slots__ = ("_limiter", "sent_at")

    def __init__(self, limiter: Pacer) -> None:
        self._limiter = limiter
        self.sent_at: float | None = None

    def sent(self) -> None:
        if self.sent_at is None:
            self._limiter._stamp(self)


class Pacer:
    def __init__(
        self,
        rate: float,
        *,
        period: float = 1.0,
        guard: float = GUARD,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Condition, float], object] | None = None,
        adaptive: bool = True,
    ) -> None:
        if not rate > 0 or math.isinf(rate):
            raise ValueError("rate must be positive and finite")
        self.ceiling = rate
        self.period = period
        self.guard = guard
        self.adaptive = adaptive
        self._rate = rate
        self.clock = clock  # public: the client measures a retry's wait here with it
        # How a thread waits for a slot (a test with a fake clock moves the clock instead).
        self._wait = wait or threading.Condition.wait
        self._changed = threading.Condition()
        self._stopped = False
        self._granted = False  # a slot is granted and not yet sent
        self._next = -math.inf  # earliest moment the next call may be sent
        self._last_decrease = -math.inf
        self._throttled_at: float | None = None  # the rate of the last rejection, until climbed past
        self.decreases = 0

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def interval(self) -> float:
        return self.period / self._rate * (1 + self.guard)

    def delay(self) -> float:
        """Seconds until a call may be granted; 0 means it is granted now."""
        with self._changed:
            return self._grant(self.clock())

    def _grant(self, now: float) -> float:
        if self._granted:  # the call before has not left yet: wait for it
            return self.interval
        wait = self._next - now
        if wait <= 0:
            self._granted = True
            return 0.0
        return wait

    def acquire(self, cancel: threading.Event | None = None) -> Slot:
        """Block until a call may start. Raises Interrupted once ``stop()`` is called, or once
        ``cancel`` (one client's own stop, the pacer being shared by every stream) is set and the
        pacer woken (``wake``)."""
        slot = self._acquire(None, cancel)
        assert slot is not None  # without a deadline, a slot or Interrupted
        return slot

    def acquire_within(self, seconds: float, cancel: threading.Event | None = None) -> Slot | None:
        """A slot, or None without waiting any further once it cannot come within ``seconds``:
        a retry whose time is up does not sit at the pacer for a call it would not send."""
        return self._acquire(self.clock() + max(0.0, seconds), cancel)

    def _acquire(self, deadline: float | None, cancel: threading.Event | None) -> Slot | None:
        with self._changed:
            while True:
                if self._stopped or (cancel is not None and cancel.is_set()):
                    raise Interrupted
                now = self.clock()
                wait = self._grant(now)
                if wait <= 0:
                    return Slot(self)
                if deadline is not None and now + wait > deadline:
                    return None
                self._wait(self._changed, wait)

    def _stamp(self, slot: Slot) -> None:
        with self._changed:
            slot.sent_at = self.clock()
            self._granted = False
            self._next = max(self._next, slot.sent_at + self.interval)
            self._changed.notify_all()

    def release(self, slot: Slot) -> None:
        """Give back a granted slot whose call was never sent (it failed before sending)."""
        with self._changed:
            if slot.sent_at is None:
                slot.sent_at = -math.inf
                self._granted = False
                self._changed.notify_all()

    def throttled(self, slot: Slot) -> None:
        """The server rejected this call for the rate: slow down, once per burst of such answers."""
        if not self.adaptive:
            return
        with self._changed:
            # Calls sent before the last decrease were paced by the old rate: one event, one decrease.
            if slot.sent_at is not None and slot.sent_at <= self._last_decrease:
                return
            self._throttled_at = self._rate
            self._rate = max(min(FLOOR_RATE, self.ceiling), self._rate * DECREASE)
            self._last_decrease = self.clock()
            self.decreases += 1

    def succeeded(self) -> None:
        """A call was accepted: grow back towards the ceiling (per second: INCREASE_PER_SECOND,
        or PROBE_PER_SECOND just below the rate last throttled at)."""
        if not self.adaptive or self._rate >= self.ceiling:
            return
        with self._changed:
            per_second = INCREASE_PER_SECOND
            if self._throttled_at is not None:
                if self._rate >= self._throttled_at:
                    self._throttled_at = None  # climbed past it without a rejection
                elif self._rate >= self._throttled_at * NEAR:
                    per_second = PROBE_PER_SECOND
            self._rate = min(self.ceiling, self._rate + per_second / self._rate)

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def wake(self) -> None:
        """Make every waiting thread look again (one of them was cancelled)."""
        with self._changed:
            self._changed.notify_all()


class Pacers:
    """One pacer per action, made on first use: each Tencent action has its own budget,
    shared by every app of the account and every stream of the run, and its own adaptation to
    throttling."""

    def __init__(self, rate: float, **options: Any) -> None:
        self.rate = rate
        self._options = options
        self._pacers: dict[str, Pacer] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def for_action(self, action: str) -> Pacer:
        with self._lock:
            pacer = self._pacers.get(action)
            if pacer is None:
                pacer = self._pacers[action] = Pacer(self.rate, **self._options)
                if self._stopped:
                    pacer.stop()
            return pacer

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for pacer in self._pacers.values():
                pacer.stop()

    def wake(self) -> None:
        with self._lock:
            pacers = list(self._pacers.values())
        for pacer in pacers:
            pacer.wake()
