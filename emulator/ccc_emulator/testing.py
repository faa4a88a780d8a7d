"""pytest fixtures: an emulator on a free loopback port, stopped after the test.

Load with ``pytest_plugins = ["ccc_emulator.testing"]`` in a conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ccc_emulator.server import Emulator

StartEmulator = Callable[..., Emulator]


@pytest.fixture
def start_emulator() -> Iterator[StartEmulator]:
    """A factory: ``start_emulator(**Emulator kwargs)``; every emulator it starts is stopped afterwards."""
    started: list[Emulator] = []

    def start(**kwargs: Any) -> Emulator:
        emulator = Emulator(**kwargs).start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator: StartEmulator) -> Emulator:
    """The default emulator: 100 campaigns, the demo credential, the 20/s limit, no latency."""
    return start_emulator()
