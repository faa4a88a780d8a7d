"""The campaigns a sync could not emit, grouped by cause for a summary one person can read."""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_IDS = 10


@dataclass
class Group:
    ids: list[str] = field(default_factory=list)
    example: str = ""


class Failures:
    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self.count = 0

    def add(self, campaign: str, cause: str, detail: str) -> None:
        """Record one campaign's failure; ``cause`` groups (an error code), ``detail`` explains."""
        group = self._groups.setdefault(cause, Group())
        if not group.ids:
            group.example = detail
        group.ids.append(campaign)
        self.count += 1

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self, total: int, what: str = "campaign(s) were not emitted") -> str:
        """One line: the count, then per cause its count, a bounded list of ids and one example."""
        parts = []
        for cause, group in sorted(self._groups.items(), key=lambda kv: (-len(kv[1].ids), kv[0])):
            shown = ", ".join(group.ids[:SHOWN_IDS])
            if len(group.ids) > SHOWN_IDS:
                shown += f" and {len(group.ids) - SHOWN_IDS} more"
            parts.append(f"{cause} x{len(group.ids)} (campaign {shown}), e.g. {group.example}")
        return f"{self.count} of {total} {what}: " + "; ".join(parts)


class StreamFailures:
    """The streams of a run that ended with failures: each stream's summary, told once at the end,
    so that one stream's trouble never keeps the streams after it from running."""

    def __init__(self) -> None:
        self._summaries: dict[str, str] = {}

    def add(self, stream: str, summary: str) -> None:
        self._summaries[stream] = summary

    def __bool__(self) -> bool:
        return bool(self._summaries)

    def summary(self) -> str:
        parts = [f"{stream}: {summary}" for stream, summary in self._summaries.items()]
        if len(parts) == 1:
            return parts[0]
        return f"{len(parts)} streams ended with failures: " + " | ".join(parts)
