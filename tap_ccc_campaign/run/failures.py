"""The campaigns a sync could not emit, grouped by cause for a summary one person can read."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_IDS = 10


@dataclass
class Group:
    ids: dict[str, None] = field(default_factory=dict)  # each id once, in the order first seen
    count: int = 0
    example: str = ""


class Failures:
    def __init__(self, unit: str = "campaign") -> None:
        self._unit = unit  # what the ids name in the summary ("campaign 2569", "task 50000001")
        self._groups: dict[str, Group] = {}
        self.count = 0

    def add(self, campaign: str, cause: str, detail: str, *, count: int = 1) -> None:
        """Record a failure of ``count`` items (campaigns, calls) of one campaign; ``cause`` groups (an
        error code), ``detail`` explains."""
        group = self._groups.setdefault(cause, Group())
        if not group.ids:
            group.example = detail
        group.ids[campaign] = None
        group.count += count
        self.count += count

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self, total: int, what: str = "campaign(s) were not emitted") -> str:
        """One line: the count, then per cause its count, a bounded list of ids and one example."""
        parts = []
        for cause, group in sorted(self._groups.items(), key=lambda kv: (-kv[1].count, kv[0])):
            ids = list(group.ids)
            shown = ", ".join(ids[:SHOWN_IDS])
            if len(ids) > SHOWN_IDS:
                shown += f" and {len(ids) - SHOWN_IDS} more"
            named = f"{self._unit} {shown}" if self._unit else shown
            parts.append(f"{cause} x{group.count} ({named}), e.g. {group.example}")
        return f"{self.count} of {total} {what}: " + "; ".join(parts)


class StreamFailures:
    """The streams of a run that ended with failures: each stream's summary, told once at the end,
    so that one stream's trouble never keeps the streams after it from running."""

    def __init__(self) -> None:
        self._summaries: dict[str, str] = {}

    def add(self, stream: str, summary: str) -> None:
        self._summaries[stream] = summary

    def pop(self, stream: str) -> str | None:
        """The stream's summary, taken out (None when it ended without failures)."""
        return self._summaries.pop(stream, None)

    def __bool__(self) -> bool:
        return bool(self._summaries)

    def summary(self) -> str:
        parts = [f"{stream}: {summary}" for stream, summary in self._summaries.items()]
        if len(parts) == 1:
            return parts[0]
        return f"{len(parts)} streams ended with failures: " + " | ".join(parts)
