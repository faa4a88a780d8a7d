"""Which window each batch of sessions is asked in: every session asked until a window holds it,
and few asks that find nothing."""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from collections.abc import Iterator
from typing import Any

from tap_ccc_campaign.streams.cdr_asks import Ask, Asks

SIZE = 100


class Parent:
    pass


World = dict[str, int | None]


def run(
    world: World, windows: int, ahead: int = 1, fail: frozenset[int] = frozenset(), likely: list[int] | None = None
) -> dict[str, Any]:
    """Drive Asks the way the calls stream does, ``ahead`` asks sent before the oldest is answered.
    ``world``: each session's window (None: no record). The asks sent ``fail``-th (from 1) are not
    answered."""
    asks: Asks[Parent] = Asks(SIZE)
    parent = Parent()
    count, made = asks.fresh(parent, list(world), likely or [0] * windows)

    def first_round() -> Iterator[Ask[Parent]]:
        for ask in made:
            yield from asks.ready()
            yield ask
        yield from asks.ready()

    sent: list[Ask[Parent]] = []
    found: Counter[str] = Counter()
    missing: list[str] = []
    source: Iterator[Ask[Parent]] = first_round()
    while True:
        flight: deque[Ask[Parent]] = deque()
        for ask in source:
            flight.append(ask)
            sent.append(ask)
            while len(flight) >= ahead:
                answer(asks, flight.popleft(), world, found, missing, fail, sent)
        while flight:
            answer(asks, flight.popleft(), world, found, missing, fail, sent)
        if not asks:
            break
        source = asks.ready()
    return {"count": count, "sent": sent, "found": found, "missing": missing, "done": asks.done(parent)}


def answer(
    asks: Asks[Parent],
    ask: Ask[Parent],
    world: World,
    found: Counter[str],
    missing: list[str],
    fail: frozenset[int],
    sent: list[Ask[Parent]],
) -> None:
    if sent.index(ask) + 1 in fail:
        asks.failed(ask)
        return
    here = [s for s in ask.sessions if world[s] == ask.window]
    found.update(here)
    missing.extend(asks.answered(ask, [s for s in ask.sessions if s not in here]))


def sessions(n: int, share_older: float, seed: int = 1) -> World:
    """``n`` sessions listed in no particular order, ``share_older`` of them in window 1."""
    rng = random.Random(seed)
    older = set(rng.sample(range(n), round(n * share_older)))
    return {f"s{k}": (1 if k in older else 0) for k in range(n)}


def test_a_parent_whose_calls_straddle_two_windows_asks_its_leftovers_in_full_batches():
    world = sessions(1_000, 0.3)
    result = run(world, windows=2, ahead=8)
    assert result["found"] == Counter(list(world))  # every session found, once
    assert result["missing"] == []
    # One ask per 100 sessions in the newer window, and the 300 it lacks in three more, not ten.
    assert len(result["sent"]) == 10 + 3
    assert result["done"]


def test_a_parent_whose_calls_all_lie_in_the_older_window_soon_asks_there_first():
    world = sessions(5_000, 1.0)
    ahead = 8
    result = run(world, windows=2, ahead=ahead)
    assert result["found"] == Counter(list(world))
    # Only the asks sent before the first leftover ask's answer came back tried the newer window.
    assert len(result["sent"]) <= 50 + 2 * ahead + 1
    assert sum(ask.window == 0 for ask in result["sent"]) <= 2 * ahead


def test_a_parent_whose_span_lies_mostly_in_the_older_window_asks_there_first():
    world = sessions(500, 0.8)
    result = run(world, windows=2, ahead=8, likely=[10, 90])
    assert result["found"] == Counter(list(world))
    assert [ask.window for ask in result["sent"][:5]] == [1] * 5
    assert len(result["sent"]) == 5 + 1  # the 100 of the newer window in one more


def test_sessions_no_window_holds_are_asked_in_every_window_then_returned_once():
    world: World = {f"s{k}": None for k in range(150)}
    result = run(world, windows=3, ahead=2)
    assert sorted(result["missing"]) == sorted(world)
    asked = Counter(s for ask in result["sent"] for s in ask.sessions)
    assert set(asked.values()) == {3}  # once in each window
    assert {ask.windows for ask in result["sent"]} == {(0, 1, 2), (1, 2), (2,)}
    assert len(result["sent"]) == 3 * math.ceil(150 / SIZE)


def test_a_partial_leftover_batch_waits_for_the_parents_other_asks():
    # Each of the five asks lacks 20: asked as they came, that is five asks of 20; pooled, one.
    world: World = {f"s{k}": (1 if k % 5 == 0 else 0) for k in range(500)}
    result = run(world, windows=2, ahead=1)
    assert [len(ask.sessions) for ask in result["sent"] if ask.window == 1] == [100]


def test_an_ask_not_answered_passes_none_of_its_sessions_on_and_the_parent_still_ends():
    world = sessions(300, 0.5)
    result = run(world, windows=2, ahead=1, fail=frozenset({1}))
    first = set(result["sent"][0].sessions)
    assert not first & set(result["found"])  # kept pending by the stream, not asked elsewhere
    assert not first & set(result["missing"])
    assert set(result["found"]) == set(world) - first
    assert result["done"]


def test_a_parent_with_nothing_to_ask_is_done_at_once():
    asks: Asks[Parent] = Asks(SIZE)
    parent = Parent()
    count, made = asks.fresh(parent, [], [0, 0])
    assert (count, list(made)) == (0, [])
    assert asks.done(parent)


def test_a_parent_is_not_done_while_its_leftovers_wait():
    asks: Asks[Parent] = Asks(SIZE)
    parent = Parent()
    _, made = asks.fresh(parent, ["a", "b"], [0, 0])
    (ask,) = list(made)
    assert asks.answered(ask, ["b"]) == []
    assert not asks.done(parent)
    (leftover,) = list(asks.ready())
    assert (leftover.sessions, leftover.windows) == (["b"], (1,))
    assert asks.answered(leftover, ["b"]) == ["b"]
    assert asks.done(parent)
