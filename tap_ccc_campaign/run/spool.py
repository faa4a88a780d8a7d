"""What a run reads from a list action once, kept on disk for every stream that needs it.

The campaign list one stream reads is what the progress history needs, and a campaign's session
list is what its calls need. Streams run side by side: the first to ask reads (``once``), the
others wait for it and replay what it kept, so a list costs no second call and no memory. Kept
in a temporary file (JSON lines), each key's lines written together under one lock.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
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

    def readable(self) -> str | None:
        """The file's name, everything appended so far flushed to it (None: nothing appended yet)."""
        if self._handle is None:
            return None
        self._handle.flush()
        return self._handle.name


def _lines(name: str, start: int, end: int) -> Iterator[str]:
    with open(name, "rb") as kept:
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
        self._file = _File()  # values, each key's lines written together under the lock
        self._lists: list[_File] = []  # a list read page by page has a file of its own
        self._kept: dict[Hashable, tuple[_File, int, int]] = {}
        self._lock = threading.Lock()
        self._filling: dict[Hashable, threading.Lock] = {}
        self._closed = False

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept

    def once(self, key: Hashable, fill: Callable[[], object]) -> None:
        """Call ``fill`` (which keeps ``key``) unless ``key`` is kept already. A stream asking for a
        key another stream is filling waits for it instead of calling the API again; when the
        filling fails, the next one asking tries itself (and meets its own error)."""
        with self._lock:
            filling = self._filling.setdefault(key, threading.Lock())
        with filling:
            if key not in self._kept:
                fill()

    def close(self) -> None:
        """Remove the files and forget what was kept (at the end of a run); a value kept after
        (by a worker let go at the end) is dropped."""
        with self._lock:
            self._closed = True
            for kept in (self._file, *self._lists):
                kept.close()
            self._lists.clear()
            self._kept.clear()
            self._filling.clear()

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep one value (a campaign's session ids) under ``key``; safe from any thread."""
        line = json.dumps(value, ensure_ascii=False) + "\n"
        with self._lock:
            if self._closed:
                return
            start = self._file.end()
            self._kept[key] = (self._file, start, self._file.append(line))

    def keep_items(self, key: Hashable, items: Iterable[Any]) -> None:
        """Keep a list (a campaign list's entries) under ``key``, written as it is read (pages
        are never held together) and replayed one item at a time; kept once read to its end."""
        written = _File()
        with self._lock:
            if self._closed:
                return
            self._lists.append(written)
        for item in items:
            written.append(json.dumps(item, ensure_ascii=False) + "\n")
        with self._lock:
            if not self._closed:
                self._kept[key] = (written, 0, written.end())

    def replay(self, key: Hashable) -> Iterator[Any]:
        with self._lock:
            kept, start, end = self._kept[key]
            name = kept.readable()
        if name is None or start == end:  # an empty list
            return
        # Read outside the lock: a kept range never changes, and the file is only appended to.
        for line in _lines(name, start, end):
            yield json.loads(line)

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key`` by ``keep``."""
        return next(self.replay(key))
