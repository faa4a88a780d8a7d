"""What a sync may mark deleted, and how the deletion records leave the tap: one rule for every stream.

CCC never says an item was deleted: it vanishes from a list, and reading it answers an error whose
code also answers a dozen other mistakes. So an item known before this sync is marked deleted only
with proof:

- a **complete** list of this sync no longer shows it, or an answer to reading it names that very
  object as gone (``api.errors.missing``: the stream decides which answers count);
- and **no** list of this sync shows it, whatever an answer says (a list that shows it proves
  it is there);
- and, all together, no more than ``max_deleted_share`` of what was known **before** the sync
  (this sync's new items do not dilute the share): past that, nothing is marked and the stream
  names them as failures (an account that suddenly lacks most of its items is likelier
  misconfigured than emptied).

A deletion record holds the keys and ``_sdc_deleted_at`` alone, and passes every stream-map
filter (see ``sdk_private.let_deletions_through``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from tap_ccc_campaign.sdk_private import let_deletions_through

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Verdict(Generic[K]):
    """One sync's deletions: ``gone`` to be marked, or, past the share, ``held`` and none marked."""

    gone: tuple[K, ...]
    held: tuple[K, ...]
    before: int  # how many were known before the sync
    max_share: float

    def refusal(self, what: str) -> str:
        """Why ``held`` are not marked (``what``: "campaign(s)", "agents")."""
        return (
            f"{len(self.held)} of the {self.before} {what} loaded before are gone, more than "
            f"max_deleted_share ({self.max_share:g}): none is marked deleted. If they were deleted, "
            "run once with a higher max_deleted_share"
        )


class Deletions(Generic[K]):
    """The evidence one sync gathers about the items (keys ``K``) known before it."""

    def __init__(self, known_before: Iterable[K]) -> None:
        self._before: dict[K, None] = dict.fromkeys(known_before)  # ordered: records go out in this order
        self._shown: set[K] = set()
        self._proved: set[K] = set()

    def shown(self, keys: Iterable[K]) -> None:
        """A list of this sync showed these: they exist, whatever an answer says."""
        self._shown.update(keys)

    def listed_completely(self, keys: Iterable[K]) -> None:
        """A complete list of this sync: it shows ``keys``, and every item known before that it
        does not show is gone."""
        listed = set(keys)
        self._shown |= listed
        self._proved.update(key for key in self._before if key not in listed)

    def answered_gone(self, key: K) -> None:
        """An answer to reading this very object says it does not exist."""
        self._proved.add(key)

    def verdict(self, max_share: float) -> Verdict[K]:
        gone = tuple(key for key in self._before if key in self._proved and key not in self._shown)
        if len(gone) > max_share * len(self._before):
            return Verdict((), gone, len(self._before), max_share)
        return Verdict(gone, (), len(self._before), max_share)


def deletion_records(stream_maps: list[Any], keys: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """A record per item gone, its key fields and ``_sdc_deleted_at`` (one moment for the sync)."""
    let_deletions_through(stream_maps)
    deleted_at = datetime.now(UTC).isoformat(timespec="seconds")
    for fields in keys:
        yield {**fields, "_sdc_deleted_at": deleted_at}
