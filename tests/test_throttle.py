"""The limiter never lets more than `rate` calls start in any trailing window."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.throttle import Interrupted, SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_first_rate_calls_start_at_once_then_one_waits():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(20, guard=0.0, clock=clock)
    assert [limiter.delay() for _ in range(20)] == [0.0] * 20
    assert limiter.delay() == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.delay() == 0.0


@settings(max_examples=200, deadline=None)
@given(
    rate=st.integers(1, 30),
    gaps=st.lists(st.floats(0, 0.2, allow_nan=False), min_size=1, max_size=200),
)
def test_no_trailing_window_holds_more_than_rate_starts(rate, gaps):
    clock = FakeClock()
    limiter = SlidingWindowLimiter(rate, guard=0.0, clock=clock)
    starts: list[float] = []
    for gap in gaps:
        clock.now += gap
        wait = limiter.delay()
        while wait > 0:
            clock.now += wait
            wait = limiter.delay()
        starts.append(clock.now)
    for i, start in enumerate(starts):
        in_window = [s for s in starts[: i + 1] if start - s < 1.0]
        assert len(in_window) <= rate


def test_a_fractional_rate_spaces_calls_out():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(0.5, guard=0.0, clock=clock)
    assert limiter.delay() == 0.0
    assert limiter.delay() == pytest.approx(2.0)


def test_the_guard_widens_the_window():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, guard=0.05, clock=clock)
    limiter.delay()
    clock.now += 1.0
    assert limiter.delay() == pytest.approx(0.05)


def test_stop_releases_a_waiting_thread():
    limiter = SlidingWindowLimiter(1, period=60)
    limiter.acquire()
    outcome: list[str] = []

    def wait() -> None:
        try:
            limiter.acquire()
            outcome.append("acquired")
        except Interrupted:
            outcome.append("interrupted")

    thread = threading.Thread(target=wait)
    thread.start()
    limiter.stop()
    thread.join(timeout=5)
    assert outcome == ["interrupted"]


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        SlidingWindowLimiter(0)
