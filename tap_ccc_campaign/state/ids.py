"""Campaign ids with a 32-bit number each (a fingerprint), in two typed arrays.

About 12 bytes an entry, where a dict of Python ints takes about 100: the maps the tap keeps
for every campaign of an app (loaded before, found now, emitted earlier in the cycle) stay
small at 50,000 campaigns.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator


class IdMap:
    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        self._ids = array("q")
        self._values = array("I")
        self._sorted = True
        for key, value in pairs:
            self.add(key, value)

    def add(self, key: int, value: int) -> None:
        if self._ids and key <= self._ids[-1]:
            self._sorted = False
        self._ids.append(key)
        self._values.append(value)

    def _sort(self) -> None:
        if self._sorted:
            return
        order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        ids, values = array("q"), array("I")
        for i in order:  # a repeated id keeps its last value
            if ids and ids[-1] == self._ids[i]:
                values[-1] = self._values[i]
                continue
            ids.append(self._ids[i])
            values.append(self._values[i])
        self._ids, self._values, self._sorted = ids, values, True

    def get(self, key: int, default: int | None = None) -> int | None:
        self._sort()
        i = bisect_left(self._ids, key)
        return self._values[i] if i < len(self._ids) and self._ids[i] == key else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self.get(key) is not None

    def __len__(self) -> int:
        self._sort()
        return len(self._ids)

    def keys(self) -> Iterator[int]:
        self._sort()
        return iter(self._ids)

    def __iter__(self) -> Iterator[int]:
        return self.keys()

    def items(self) -> Iterator[tuple[int, int]]:
        """(id, value) in increasing id order."""
        self._sort()
        return zip(self._ids, self._values, strict=True)


class IdSet:
    """Ids seen, in a sorted typed array plus a small set merged into it every MERGE ids."""

    MERGE = 4096

    def __init__(self) -> None:
        self._sorted = array("q")
        self._recent: set[int] = set()

    def add(self, key: int) -> None:
        if key in self:
            return
        self._recent.add(key)
        if len(self._recent) >= self.MERGE:
            self._merge()

    def _merge(self) -> None:
        # Slices of the typed array between the new ids: no Python int is made for the ids kept
        # (sorting them all as a list would take 36 bytes an id, at every merge).
        merged, at = array("q"), 0
        for key in sorted(self._recent):
            i = bisect_left(self._sorted, key, at)
            merged.extend(self._sorted[at:i])
            merged.append(key)
            at = i
        merged.extend(self._sorted[at:])
        self._sorted, self._recent = merged, set()

    def __contains__(self, key: object) -> bool:
        if key in self._recent:
            return True
        if not isinstance(key, int):
            return False
        i = bisect_left(self._sorted, key)
        return i < len(self._sorted) and self._sorted[i] == key

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)
