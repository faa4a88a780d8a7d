"""Each agent's status history (DescribeStaffStatusHistory), made from the calls the agent took.

For every answered call an agent took: ``busy`` when it was accepted (with the call's SessionId),
``afterCallWork`` when it ended, ``free`` a little later. On each day with calls the agent logs in
(``free``) ten minutes before the first and goes ``offline`` ten minutes after the last, with a
``rest`` (lunch) on some days. So occupancy computed from the history matches the calls.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

DAY = 86400


def build(
    calls: Iterable[dict[str, Any]], seed: int, number_of: Callable[[str], str]
) -> dict[str, list[dict[str, Any]]]:
    """Every agent's events, by mail, in time order, each with an opaque, ordered ``Cursor``."""
    per_agent: dict[str, list[tuple[int, int, str, str, str]]] = defaultdict(list)
    days: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for call in calls:
        seat = call.get("SeatUser")
        if not seat or not call.get("AcceptTimestamp"):
            continue
        mail, accept, ended = seat["Mail"], call["AcceptTimestamp"], call["EndedTimestamp"]
        rng = random.Random(f"{seed}:status:{call['SessionId']}")
        per_agent[mail] += [
            (accept, 1, "busy", call["SessionId"], ""),
            (ended, 2, "afterCallWork", call["SessionId"], ""),
            (ended + rng.randint(5, 60), 3, "free", "", ""),
        ]
        days[mail][accept // DAY] += [accept, ended]
    for mail, by_day in days.items():
        for day, moments in by_day.items():
            first, last = min(moments), max(moments)
            per_agent[mail] += [(first - 600, 0, "free", "", ""), (last + 600, 4, "offline", "", "")]
            if random.Random(f"{seed}:rest:{mail}:{day}").random() < 0.3 and last - first > 3 * 3600:
                middle = (first + last) // 2
                per_agent[mail] += [(middle, 5, "rest", "", "lunch"), (middle + 1800, 6, "free", "", "")]
    history = {}
    for mail, events in per_agent.items():
        events.sort()
        history[mail] = [
            {
                "Cursor": f"{seq:010d}",
                "Timestamp": ts,
                "Status": status,
                "SessionId": session,
                "Reason": reason,
                "StaffEmail": mail,
                "StaffNo": number_of(mail),
            }
            for seq, (ts, _, status, session, reason) in enumerate(events)
        ]
    return history


def page(events: list[dict[str, Any]], start: int, end: int, cursor: str | None, size: int) -> list[dict[str, Any]]:
    """The events in [start, end] after ``cursor`` (none: from the first), at most ``size``."""
    found = [e for e in events if start <= e["Timestamp"] <= end and (cursor is None or e["Cursor"] > cursor)]
    return found[:size]


def served(events: list[dict[str, Any]], start: int, end: int, cursor: str) -> int:
    """How many events of [start, end] a client has been given once it asks after ``cursor``."""
    return sum(1 for e in events if start <= e["Timestamp"] <= end and e["Cursor"] <= cursor)
