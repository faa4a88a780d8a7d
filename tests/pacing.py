"""Send times the pacers stamped during an in-process sync, per action."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tap_ccc_campaign.api import pacing


@pytest.fixture
def sends(monkeypatch) -> dict[int, list[float]]:
    """Send times of every request, keyed by the pacer (one per action) that let it go."""
    stamps: dict[int, list[float]] = defaultdict(list)
    original = pacing.Slot.sent

    def record(slot: pacing.Slot) -> None:
        original(slot)
        stamps[id(slot._limiter)].append(slot.sent_at)

    monkeypatch.setattr(pacing.Slot, "sent", record)
    return stamps


def peak_in_any_second(stamps: list[float]) -> int:
    ordered = sorted(stamps)
    peak, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= 1.0:
            first += 1
        peak = max(peak, last - first + 1)
    return peak
