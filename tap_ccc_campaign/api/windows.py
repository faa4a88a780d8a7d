"""The time windows DescribeTelCdr can be asked about, newest first.

Its span must be under 90 days and its start at most 180 days back: two windows of 89 days,
kept two days inside the limit (the server's clock and ours differ), cover all that is readable;
``start_date`` cuts them shorter.
"""

from __future__ import annotations

from datetime import datetime

DAY = 86400
SPAN = 89 * DAY
REACH = 178 * DAY


def readable(now: int, start_date: datetime | None = None) -> list[tuple[int, int]]:
    """(StartTimeStamp, EndTimeStamp) pairs, newest first, together covering [oldest, now]."""
    oldest = now - REACH
    if start_date is not None:
        oldest = max(oldest, int(start_date.timestamp()))
    windows, end = [], now
    while end > oldest:
        start = max(oldest, end - SPAN)
        windows.append((start, end))
        end = start
    return windows


def oldest(now: int, start_date: datetime | None = None) -> int:
    found = readable(now, start_date)
    return found[-1][0] if found else now
