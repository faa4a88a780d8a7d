"""What a run reads from a list action once, kept on disk for the streams that come after.

singer-sdk syncs streams one after another: the campaign list the settings stream read is what
the progress history needs, and a campaign's session list is what its calls need. Kept in one
temporary file (JSON lines), they cost no second call and no memory.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Hashable, Iterable, Iterator
from typing import IO, Any


class Spool:
    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._kept: dict[Hashable, tuple[int, int]] = {}
        self._lock = threading.Lock()  # keep() is called from the readers' threads

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept

    def record(self, key: Hashable, items: Iterable[Any]) -> Iterator[Any]:
        """``items``, passed on as they come; kept under ``key`` once all were read."""
        out = self._open()
        out.seek(0, os.SEEK_END)
        start = out.tell()
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            yield item
        out.flush()
        self._kept[key] = (start, out.tell())

    def replay(self, key: Hashable) -> Iterator[Any]:
        start, end = self._kept[key]
        assert self._file is not None
        with open(self._file.name, encoding="utf-8") as kept:
            kept.seek(start)
            while kept.tell() < end:
                yield json.loads(kept.readline())

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep one value (a campaign's session ids) under ``key``; safe from any thread."""
        line = json.dumps(value, ensure_ascii=False) + "\n"
        with self._lock:
            out = self._open()
            out.seek(0, os.SEEK_END)
            start = out.tell()
            out.write(line)
            out.flush()
            self._kept[key] = (start, out.tell())

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key`` by ``keep``."""
        return next(self.replay(key))

    def items(self, key: Hashable, read: Iterable[Any]) -> Iterator[Any]:
        """What is kept under ``key``, or else ``read``, kept as it goes."""
        return self.replay(key) if key in self else self.record(key, read)

    def _open(self) -> IO[str]:
        if self._file is None:
            self._file = tempfile.NamedTemporaryFile("w+", encoding="utf-8", prefix="tap-ccc-", suffix=".jsonl")  # noqa: SIM115 - lives as long as the run
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._kept.clear()
