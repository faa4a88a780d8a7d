"""A meeting of actions: each one's first request is answered only once every one has arrived.

Proof that a client calls them at the same time, without a clock: a client calling them one
after another leaves the first waiting until ``timeout`` (a safety net, not a measure), and the
meeting counts it as missed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable


class Rendezvous:
    def __init__(self, actions: Iterable[str], timeout: float = 120.0) -> None:
        self.actions = frozenset(actions)
        self.timeout = timeout
        self._arrived: set[str] = set()
        self._all = threading.Event()
        self._lock = threading.Lock()
        self.met = 0  # first requests answered once all had arrived
        self.missed = 0  # first requests answered because the wait ran out

    def arrive(self, action: str) -> None:
        """Called with each request before it is answered; waits on an action's first request."""
        if action not in self.actions:
            return
        with self._lock:
            if action in self._arrived:
                return
            self._arrived.add(action)
            if self._arrived == self.actions:
                self._all.set()
        met = self._all.wait(self.timeout)
        with self._lock:
            if met:
                self.met += 1
            else:
                self.missed += 1
