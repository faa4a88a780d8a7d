"""What a run reads from a list action once, kept on disk for the streams that come after.

singer-sdk syncs streams one after another: the campaign list one stream read is what the
progress history needs, and a campaign's session list is what its calls need. Kept in temporary
files (JSON lines), they cost no second call and no memory. Lists read as they are consumed
(``record``) and whole values (``keep``, from any thread) go to two files, so that one list's
lines are never interleaved with another's.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Hashable, Iterable, Iterator
from typing import IO, Any


class _File:
    """A temporary file written only at its end; its offsets are counted, not asked for (a text
    file's tell() costs a millisecond, once per campaign)."""

    def __init__(self) -> None:
        self._handle: IO[bytes] | None = None
        self._size = 0

    def append(self, line: str) -> int:
        if self._handle is None:
            self._handle = tempfile.NamedTemporaryFile("w+b", prefix="tap-ccc-", suffix=".jsonl")  # noqa: SIM115 - lives as long as the run
        data = line.encode("utf-8")
        self._handle.write(data)  # never moved: lines() reads through a handle of its own
        self._size += len(data)
        return self._size

    def end(self) -> int:
        return self._size

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()  # a NamedTemporaryFile: removed on close
            self._handle = None

    def lines(self, start: int, end: int) -> Iterator[str]:
        if self._handle is None or start == end:  # an empty list kept before anything was written
            return
        self._handle.flush()
        with open(self._handle.name, "rb") as kept:
            kept.seek(start)
            at = start
            while at < end:
                raw = kept.readline()
                if not raw:
                    return
                at += len(raw)
                yield raw.decode("utf-8")


class Spool:
    def __init__(self) -> None:
        self._lists, self._values = _File(), _File()
        self._kept: dict[Hashable, tuple[_File, int, int]] = {}
        self._lock = threading.Lock()
        self._recording = False

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept

    def record(self, key: Hashable, items: Iterable[Any]) -> Iterator[Any]:
        """``items``, passed on as they come; kept under ``key`` once all were read."""
        assert not self._recording, "one list at a time"
        self._recording = True
        try:
            start = self._lists.end()
            for item in items:
                self._lists.append(json.dumps(item, ensure_ascii=False) + "\n")
                yield item
            self._kept[key] = (self._lists, start, self._lists.end())
        finally:
            self._recording = False

    def close(self) -> None:
        """Remove the files and forget what was kept (at the end of a run)."""
        with self._lock:
            self._lists.close()
            self._values.close()
            self._kept.clear()

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep one value (a campaign's session ids) under ``key``; safe from any thread."""
        line = json.dumps(value, ensure_ascii=False) + "\n"
        with self._lock:
            start = self._values.end()
            end = self._values.append(line)
            self._kept[key] = (self._values, start, end)

    def replay(self, key: Hashable) -> Iterator[Any]:
        kept, start, end = self._kept[key]
        with self._lock:
            lines = list(kept.lines(start, end)) if kept is self._values else None
        if lines is not None:
            yield from map(json.loads, lines)
            return
        for line in kept.lines(start, end):
            yield json.loads(line)

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key`` by ``keep``."""
        return next(self.replay(key))
