"""The tap asks glibc for fewer malloc arenas, unless the user already chose a number."""

from __future__ import annotations

import sys

import pytest

from tap_ccc_campaign.run.memory import few_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_arenas_are_limited_on_linux():
    assert few_malloc_arenas({}) is True


def test_a_malloc_arena_max_the_user_set_is_left_alone():
    assert few_malloc_arenas({"MALLOC_ARENA_MAX": "8"}) is False
