"""Which window each batch of sessions is asked in (DescribeTelCdr), so that few calls find nothing.

A session's record is found only in the window holding its call's ``Time``, and nothing says which
one: the session list carries no times, and its order is not documented. So a batch of up to 100
sessions is asked in one window only, the one that held most of its parent's records so far
(before any, the one most of its span overlaps; the newest when that is not known either). What
that window lacks joins the parent's other leftovers for the next window, and is asked for there in
full batches; a last, partial batch goes once the parent has nothing else being asked. A parent whose calls straddle two windows costs about 1 + (the smaller
share) calls per 100 sessions, not 2 as when each batch tried every window in turn; one whose calls
all lie in an older window costs 1 after its first batch.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

P = TypeVar("P")  # a parent: a campaign or an auto-callout task


@dataclass(eq=False)
class Ask(Generic[P]):
    parent: P
    sessions: list[str]
    windows: tuple[int, ...]  # the parent's windows (indices, newest 0) still to try: asked in the first

    @property
    def window(self) -> int:
        return self.windows[0]

    @property
    def last(self) -> bool:
        """No window left after this one: what it lacks has no record to be found."""
        return len(self.windows) == 1


@dataclass
class _Plan:
    likely: list[int]  # the weight of each window before any answer
    out: int = 0  # asks made and not yet answered
    found: Counter[int] = field(default_factory=Counter)  # records found, per window
    leftovers: dict[tuple[int, ...], list[str]] = field(default_factory=dict)  # by windows still to try


class Asks(Generic[P]):
    """The asks of one run: ``fresh`` for a parent's sessions, ``answered``/``failed`` as each ask
    comes back, ``ready`` for the leftovers' asks. Used from one thread (the stream's)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._plans: dict[int, _Plan] = {}
        self._ready: deque[Ask[P]] = deque()

    def fresh(self, parent: P, sessions: list[str], likely: list[int]) -> tuple[int, Iterator[Ask[P]]]:
        """How many asks ``sessions`` take, and the asks. ``likely``: a weight per window of the
        parent (its span's overlap with it), before any answer. Each ask takes its window order as it
        is sent, so that the answers to a parent's first asks steer its later ones."""
        if not sessions or not likely:
            return 0, iter(())
        plan = self._plans.setdefault(id(parent), _Plan(likely))
        chunks = self._chunks(sessions)
        plan.out += len(chunks)
        return len(chunks), (Ask(parent, chunk, self._likeliest_first(plan)) for chunk in chunks)

    def answered(self, ask: Ask[P], missing: list[str]) -> list[str]:
        """Note what ``ask`` found; its missing sessions go to the next window. Returns those that no
        window holds (asked in all of the parent's)."""
        plan = self._plans[id(ask.parent)]
        plan.found[ask.window] += len(ask.sessions) - len(missing)
        plan.out -= 1
        if ask.last:
            self._flush_if_idle(plan, ask.parent)
            return missing
        rest = ask.windows[1:]
        kept = plan.leftovers.setdefault(rest, [])
        kept.extend(missing)
        full = len(kept) - len(kept) % self._size
        if full:
            self._ready.extend(self._made(plan, ask.parent, kept[:full], rest))
            del kept[:full]
        self._flush_if_idle(plan, ask.parent)
        return []

    def failed(self, ask: Ask[P]) -> None:
        """``ask`` was not answered: its sessions stay with the parent as they were (pending)."""
        plan = self._plans[id(ask.parent)]
        plan.out -= 1
        self._flush_if_idle(plan, ask.parent)

    def done(self, parent: P) -> bool:
        """Nothing of the parent is being asked, nor left to ask."""
        plan = self._plans.get(id(parent))
        if plan is not None and (plan.out or any(plan.leftovers.values())):
            return False
        self._plans.pop(id(parent), None)
        return True

    def ready(self) -> Iterator[Ask[P]]:
        """The leftovers' asks made so far (more may come as answers do)."""
        while self._ready:
            yield self._ready.popleft()

    def __bool__(self) -> bool:
        return bool(self._ready)

    @staticmethod
    def _likeliest_first(plan: _Plan) -> tuple[int, ...]:
        return tuple(sorted(range(len(plan.likely)), key=lambda w: (-plan.found[w], -plan.likely[w], w)))

    def _chunks(self, sessions: list[str]) -> list[list[str]]:
        return [sessions[i : i + self._size] for i in range(0, len(sessions), self._size)]

    def _made(self, plan: _Plan, parent: P, sessions: list[str], windows: tuple[int, ...]) -> list[Ask[P]]:
        made = [Ask(parent, chunk, windows) for chunk in self._chunks(sessions)]
        plan.out += len(made)
        return made

    def _flush_if_idle(self, plan: _Plan, parent: P) -> None:
        # The last, partial batch of each window waits until nothing else of the parent is being
        # asked: an answer still to come may fill it.
        if plan.out:
            return
        for rest, kept in plan.leftovers.items():
            if kept:
                self._ready.extend(self._made(plan, parent, kept, rest))
        plan.leftovers = {}
