"""Run a function over items on a bounded pool of threads, yielding in input order.

Hand-written because ThreadPoolExecutor joins its threads at interpreter exit
(an interrupted sync would wait for slow requests) and ``Executor.map`` submits
every item up front (memory would grow with the number of campaigns).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Cancelled(Exception):  # noqa: N818 - the job was never run
    pass


class OrderedPool(Generic[T, R]):
    def __init__(self, fn: Callable[[T], R], *, workers: int, window: int) -> None:
        self._fn = fn
        self._jobs: queue.SimpleQueue[tuple[T, Future[R]] | None] = queue.SimpleQueue()
        self._window = max(window, workers)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"ccc-worker-{i}", daemon=True) for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            item, future = job
            if self._stop.is_set():
                future.set_exception(Cancelled())
                continue
            try:
                future.set_result(self._fn(item))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                future.set_exception(exc)

    def map(
        self, items: Iterable[T], *, one_at_a_time: Callable[[], bool] = lambda: False
    ) -> Iterator[tuple[T, Future[R]]]:
        """Yield (item, finished future) in the order of ``items``, at most ``window`` ahead.

        While ``one_at_a_time()`` is true (asked before each item), an item runs alone and is
        yielded before the next starts: a consumer that stops on it has caused one call, not a
        pool's worth.
        """
        pending: deque[tuple[T, Future[R]]] = deque()
        for item in items:
            future: Future[R] = Future()
            pending.append((item, future))
            self._jobs.put((item, future))
            if len(pending) >= self._window or one_at_a_time():
                while pending and (len(pending) >= self._window or one_at_a_time()):
                    yield self._finish(pending.popleft())
        while pending:
            yield self._finish(pending.popleft())

    @staticmethod
    def _finish(entry: tuple[T, Future[R]]) -> tuple[T, Future[R]]:
        entry[1].exception()  # wait; the consumer reads result or exception
        return entry

    def close(self) -> None:
        """Cancel queued jobs and let the (daemon) workers end; never waits on a request."""
        self._stop.set()
        for _ in self._threads:
            self._jobs.put(None)
