"""A sync cycle that can span several runs: which campaigns it has already emitted.

A run that is interrupted (a signal, a killed job, a failure) leaves the cycle in its STATE;
the next run, started with that STATE, carries the cycle on and does not read again what it
already emitted, as long as the campaign's list entry is still the one it was read at. Only
the run that finishes a cycle completes the sync (and only then may deletions be marked).

The ids are kept in sealed chunks of CHUNK plus one open chunk, so that writing the STATE
every hundred records costs one small chunk's encoding, not the whole cycle's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.state.ids import IdMap
from tap_ccc_campaign.state.shapes import is_id

CHUNK = 1000


class Cycle:
    def __init__(self, started_at: str, *, full_refresh: bool) -> None:
        self.started_at = started_at
        self.full_refresh = full_refresh
        self.resumed = False
        self._before: defaultdict[int, IdMap] = defaultdict(IdMap)  # emitted by the interrupted runs
        self._emitted = 0  # by this run
        self._sealed: defaultdict[int, list[str]] = defaultdict(list)
        self._open: defaultdict[int, dict[int, int]] = defaultdict(dict)

    @classmethod
    def from_state(cls, saved: Any) -> Cycle | None:
        """The cycle an interrupted run left, or None when there is none (or it is unreadable)."""
        if problem(saved) or saved is None:
            return None
        cycle = cls(saved["started_at"], full_refresh=saved["full_refresh"])
        cycle.resumed = True
        for app, chunks in saved["done"].items():
            for chunk in chunks:
                for campaign_id, print_ in encoding.decode_pairs(chunk):
                    cycle._before[int(app)].add(campaign_id, print_)
            cycle._sealed[int(app)] = list(chunks)
        return cycle

    def emitted(self, sdk_app_id: int, campaign_id: int, print_: int) -> None:
        """This campaign's record was written, read while its list entry had ``print_`` (0: not listed)."""
        self._emitted += 1
        pending = self._open[sdk_app_id]
        pending[campaign_id] = print_
        if len(pending) >= CHUNK:
            self._sealed[sdk_app_id].append(encoding.encode_map(pending))
            self._open[sdk_app_id] = {}

    def already(self, sdk_app_id: int, campaign_id: int, print_now: int | None) -> bool:
        """Emitted by an interrupted run of this cycle and, when listed (``print_now``), with the same entry."""
        before = self._before.get(sdk_app_id)
        print_then = before.get(campaign_id) if before is not None else None
        return print_then is not None and (print_now is None or print_then == print_now)

    def count(self) -> int:
        return sum(len(ids) for ids in self._before.values()) + self._emitted

    def to_state(self) -> dict[str, Any]:
        done: dict[str, list[str]] = {}
        for app in sorted(self._sealed.keys() | self._open.keys()):
            chunks = list(self._sealed.get(app, []))
            if self._open.get(app):
                chunks.append(encoding.encode_map(self._open[app]))
            done[str(app)] = chunks
        return {"started_at": self.started_at, "full_refresh": self.full_refresh, "done": done}


def problem(saved: Any) -> str | None:
    """Why ``saved`` is not a cycle this module wrote, or None (None itself is no cycle: fine)."""
    if saved is None:
        return None
    if not isinstance(saved, dict) or set(saved) != {"started_at", "full_refresh", "done"}:
        return "cycle is not an object with started_at, full_refresh and done"
    if not isinstance(saved["started_at"], str) or not isinstance(saved["full_refresh"], bool):
        return "cycle: started_at must be a string and full_refresh a boolean"
    done = saved["done"]
    if not isinstance(done, dict):
        return "cycle: done is not an object"
    for app, chunks in done.items():
        if not is_id(app) or not isinstance(chunks, list) or not all(isinstance(c, str) for c in chunks):
            return "cycle: done is not a map of SdkAppId to a list of id maps"
        for chunk in chunks:
            try:
                for _ in encoding.decode_pairs(chunk):
                    pass
            except ValueError:
                return "cycle: done holds something that is not an id map"
    return None
