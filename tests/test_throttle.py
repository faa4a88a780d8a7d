"""The pacer: calls sent evenly, never more than ceil(rate) in any second; it backs off on throttling."""

from __future__ import annotations

import itertools
import math
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_ccc_campaign.api.pacing import (
    DECREASE,
    FLOOR_RATE,
    INCREASE_PER_SECOND,
    NEAR,
    PROBE_PER_SECOND,
    Interrupted,
    Pacer,
    Slot,
)
from tests.pacing import peak_in_any_second
from tests.sharing import simulate

MAX_WAITS = 100_000  # every loop below is bounded: a limiter that never grants fails, it does not hang


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def grant(limiter: Pacer, clock: FakeClock):
    """Advance the fake clock until the limiter grants a slot; return it."""
    for _ in range(MAX_WAITS):
        wait = limiter.delay()
        if wait <= 0:
            return Slot(limiter)
        assert wait > 0
        clock.now += wait
    raise AssertionError("the limiter never granted a slot")


def test_calls_are_spaced_one_interval_apart_from_their_send_times():
    clock = FakeClock()
    limiter = Pacer(20, guard=0.0, clock=clock)
    first = grant(limiter, clock)
    # Granted but not yet sent: the next call waits for it, however long that takes.
    assert limiter.delay() > 0
    clock.now += 5
    assert limiter.delay() > 0
    first.sent()
    assert limiter.delay() == pytest.approx(0.05)
    clock.now += 0.05
    assert limiter.delay() == 0.0


@settings(max_examples=200, deadline=None)
@given(
    rate=st.floats(0.3, 30),
    steps=st.lists(
        st.tuples(st.floats(0, 0.3), st.floats(0, 2.0)),  # (gap before asking, delay between grant and send)
        min_size=1,
        max_size=120,
    ),
)
def test_no_second_holds_more_than_ceil_rate_sends_whatever_the_send_delays(rate, steps):
    clock = FakeClock()
    limiter = Pacer(rate, clock=clock, adaptive=False)
    sends: list[float] = []
    for gap, send_delay in steps:
        clock.now += gap
        slot = grant(limiter, clock)
        clock.now += send_delay  # the thread was descheduled before it sent
        slot.sent()
        sends.append(slot.sent_at)
    assert all(b - a >= limiter.interval - 1e-9 for a, b in itertools.pairwise(sends))
    assert peak_in_any_second(sends) <= math.ceil(rate)


@pytest.mark.parametrize("rate", [0.5, 1.5, 2.5, 7.25, 20])
def test_a_fractional_rate_keeps_its_average(rate):
    clock = FakeClock()
    limiter = Pacer(rate, guard=0.0, clock=clock, adaptive=False)
    started = clock.now
    calls = 200
    for _ in range(calls):
        grant(limiter, clock).sent()
    assert clock.now - started == pytest.approx((calls - 1) / rate, rel=1e-4)


def test_the_guard_widens_the_spacing():
    clock = FakeClock()
    limiter = Pacer(1, guard=0.05, clock=clock, adaptive=False)
    grant(limiter, clock).sent()
    clock.now += 1.0
    assert limiter.delay() == pytest.approx(0.05)


def test_a_released_slot_frees_its_place():
    clock = FakeClock()
    limiter = Pacer(1, guard=0.0, clock=clock, adaptive=False)
    slot = grant(limiter, clock)
    assert limiter.delay() > 0
    limiter.release(slot)
    assert limiter.delay() == 0.0


def test_throttling_lowers_the_rate_once_per_burst_of_rejections():
    clock = FakeClock()
    limiter = Pacer(20, guard=0.0, clock=clock)
    burst = []
    for _ in range(5):
        slot = grant(limiter, clock)
        slot.sent()
        burst.append(slot)
    clock.now += 0.1
    for slot in burst:  # five answers to calls sent before the first decrease: one event
        limiter.throttled(slot)
    assert limiter.rate == pytest.approx(20 * DECREASE)
    later = grant(limiter, clock)
    clock.now += 0.01
    later.sent()
    limiter.throttled(later)  # sent after the decrease: a new event
    assert limiter.rate == pytest.approx(20 * DECREASE * DECREASE)
    assert limiter.decreases == 2


def test_the_rate_never_falls_below_the_floor_nor_climbs_above_the_ceiling():
    clock = FakeClock()
    limiter = Pacer(4, guard=0.0, clock=clock)
    for _ in range(50):
        slot = grant(limiter, clock)
        clock.now += 0.001
        slot.sent()
        limiter.throttled(slot)
    assert limiter.rate == pytest.approx(FLOOR_RATE)
    for _ in range(1000):
        limiter.succeeded()
    assert limiter.rate == 4


def test_successes_climb_back_about_one_call_per_second_each_second():
    clock = FakeClock()
    limiter = Pacer(20, guard=0.0, clock=clock)
    slot = grant(limiter, clock)
    slot.sent()
    limiter.throttled(slot)
    low = limiter.rate
    # One second of calls at the lowered rate raises it by about INCREASE_PER_SECOND.
    for _ in range(round(low)):
        limiter.succeeded()
    assert limiter.rate == pytest.approx(low + INCREASE_PER_SECOND, abs=0.2)


def test_just_below_the_rate_last_throttled_at_the_climb_creeps_then_resumes_past_it():
    clock = FakeClock()
    limiter = Pacer(20, guard=0.0, clock=clock)
    slot = grant(limiter, clock)
    slot.sent()
    limiter.throttled(slot)  # at 20: the budget left is about there
    for _ in range(MAX_WAITS):
        if limiter.rate >= 20 * NEAR:
            break
        limiter.succeeded()
    near = limiter.rate
    for _ in range(round(near)):  # a second of calls just below 20
        limiter.succeeded()
    assert limiter.rate - near == pytest.approx(PROBE_PER_SECOND, rel=0.2)


def test_a_second_client_taking_8_of_20_calls_a_second_leaves_the_pacer_most_of_the_rest():
    shared = simulate(limit=20, rate=20, other_rate=8, other_from=5, other_until=65, until=125, latency=0.25)
    left = 20 - shared.other_accepted / 60
    assert shared.during.rate() >= 0.9 * left
    assert shared.after.rate() >= 0.9 * 20  # climbs back once the other client stops
    assert shared.rejected_share < 0.02


def test_a_non_adaptive_limiter_keeps_its_rate():
    clock = FakeClock()
    limiter = Pacer(20, clock=clock, adaptive=False)
    slot = grant(limiter, clock)
    slot.sent()
    limiter.throttled(slot)
    assert limiter.rate == 20


def test_stop_releases_a_waiting_thread():
    limiter = Pacer(1, period=60)
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
    thread.join(timeout=60)
    assert outcome == ["interrupted"]


@pytest.mark.parametrize("rate", [0, -1, float("inf"), float("nan")])
def test_rate_must_be_positive_and_finite(rate):
    with pytest.raises(ValueError, match="positive"):
        Pacer(rate)


def test_acquire_within_gives_up_at_once_when_the_slot_would_come_too_late():
    clock = FakeClock()
    waits: list[float] = []

    def wait(condition, seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    limiter = Pacer(1, guard=0.0, clock=clock, wait=wait, adaptive=False)
    limiter.acquire_within(0).sent()  # free now: granted whatever the time left
    assert limiter.acquire_within(0.5) is None
    assert (waits, clock.now) == ([], 1000.0)  # not waited for
    limiter.acquire_within(1.0).sent()
    assert (waits, clock.now) == ([1.0], 1001.0)
