"""The time windows DescribeTelCdr can be asked about, newest first.

Its span must be under 90 days and its start at most 180 days back: windows of 89 days, kept two
days inside the limit (the server's clock and ours differ), cover all that is readable;
``start_date`` cuts them shorter, and so does a parent's own span (``covering``): a call's record
is found by its ``Time``, when the call began, which is never before the parent started calling
(a task's NotBefore) nor after it stopped (a task's NotAfter): asking outside that finds nothing.
"""

from __future__ import annotations

from datetime import datetime

DAY = 86400
SPAN = 89 * DAY
REACH = 178 * DAY
# Added to each side of a parent's span: the times are unix seconds (no time zone to get wrong), but
# a server that matched whole days in its own time zone (UTC+8, or any within 14 hours) would still
# find every call inside the span, and a call begun just before NotAfter is in.
MARGIN = DAY


def readable(now: int, start_date: datetime | None = None) -> list[tuple[int, int]]:
    """(StartTimeStamp, EndTimeStamp) pairs, newest first, together covering [oldest, now]."""
    return covering(now, start_date)


def covering(
    now: int, start_date: datetime | None = None, first: int | None = None, last: int | None = None
) -> list[tuple[int, int]]:
    """The readable windows, newest first, that cover a parent's span [``first``, ``last``] (either
    unknown: None) widened by MARGIN: ceil(days / 89) of them, none when the span is out of reach.
    A span that contradicts itself (ending before it begins, or beginning after now) is not
    trusted: every readable window is given."""
    oldest = now - REACH
    if start_date is not None:
        oldest = max(oldest, int(start_date.timestamp()))
    if first is not None and last is not None and last < first:
        first = last = None
    if first is not None and first > now:
        first = None
    low = oldest if first is None else max(oldest, first - MARGIN)
    end = now if last is None else min(now, last + MARGIN)
    windows = []
    while end > low:
        start = max(low, end - SPAN)
        windows.append((start, end))
        end = start
    return windows


def overlaps(spans: list[tuple[int, int]], first: int | None, last: int | None, now: int) -> list[int]:
    """Seconds of each window within a parent's span [``first``, ``last``] (widened by MARGIN, cut
    at ``now``): how likely each is to hold its calls. All 0 when neither bound is known."""
    if first is None and last is None:
        return [0] * len(spans)
    low = -(2**62) if first is None else first - MARGIN
    high = now if last is None else min(now, last + MARGIN)
    return [max(0, min(end, high) - max(start, low)) for start, end in spans]


def oldest(now: int, start_date: datetime | None = None) -> int:
    found = readable(now, start_date)
    return found[-1][0] if found else now
