"""A pacer sharing an action's budget with another client, simulated on a fake clock.

The server admits at most ``limit`` calls of all clients in any trailing second (the emulator's
own TrailingWindow); the other client sends ``other_rate`` calls per second, evenly, between
``other_from`` and ``other_until``; the tap's calls are answered ``latency`` after they are sent,
and a rejected call tells the pacer so, as the client does. Millisecond steps, no threads, no
wall clock: the same inputs give the same figures on any machine.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from ccc_emulator.ratelimit import TrailingWindow

from tap_ccc_campaign.api.pacing import Pacer, Slot

STEP = 0.001


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Phase:
    start: float
    end: float
    accepted: int = 0
    rejected: int = 0

    def rate(self) -> float:
        return self.accepted / (self.end - self.start)


@dataclass
class Shared:
    during: Phase
    after: Phase
    other_accepted: int = 0
    rates: list[float] = field(default_factory=list)  # the pacer's rate, once per simulated second

    @property
    def rejected_share(self) -> float:
        calls = self.during.accepted + self.during.rejected + self.after.accepted + self.after.rejected
        return (self.during.rejected + self.after.rejected) / calls


def simulate(
    *,
    limit: int = 20,
    rate: float = 20,
    other_rate: float = 8,
    other_from: float = 5.0,
    other_until: float = 65.0,
    until: float = 125.0,
    latency: float = 0.25,
    workers: int = 40,
) -> Shared:
    clock = Clock()
    server = TrailingWindow(limit, clock=clock)
    pacer = Pacer(rate, clock=clock)
    result = Shared(Phase(other_from, other_until), Phase(other_until, until))
    answers: list[tuple[float, int, bool, object]] = []  # (due, tiebreak, accepted, slot)
    next_other, in_flight, serial = other_from, 0, 0
    for tick in range(round(until / STEP)):
        clock.now = tick * STEP
        while answers and answers[0][0] <= clock.now:
            _, _, accepted, slot = heapq.heappop(answers)
            in_flight -= 1
            if accepted:
                pacer.succeeded()
            else:
                pacer.throttled(slot)
        if other_from <= clock.now < other_until and clock.now >= next_other:
            result.other_accepted += server.admit("DescribePredictiveDialingCampaign")
            next_other += 1 / other_rate
        while in_flight < workers and pacer.delay() == 0:
            slot = Slot(pacer)
            slot.sent()
            accepted = server.admit("DescribePredictiveDialingCampaign")
            phase = result.during if clock.now < other_until else result.after
            if clock.now >= other_from:
                phase.accepted += accepted
                phase.rejected += not accepted
            serial += 1
            heapq.heappush(answers, (clock.now + latency, serial, accepted, slot))
            in_flight += 1
        if tick % round(1 / STEP) == 0:
            result.rates.append(pacer.rate)
    return result
