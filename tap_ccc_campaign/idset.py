"""A set of campaign ids as a short string, for the state: sorted, delta-coded, compressed.

50,000 ids take a few tens of kilobytes whatever their spacing, so the state that remembers
which campaigns were loaded stays far below Meltano's comfort zone.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable

PREFIX = "z1:"


def encode(ids: Iterable[int]) -> str:
    ordered = sorted(set(ids))
    deltas = [b - a for a, b in zip([0, *ordered], ordered, strict=False)]
    text = ",".join(format(d, "x") for d in deltas)
    return PREFIX + base64.b64encode(zlib.compress(text.encode("ascii"), 9)).decode("ascii")


def decode(encoded: str) -> set[int]:
    """The ids; ValueError if ``encoded`` was not made by ``encode``."""
    if not encoded.startswith(PREFIX):
        raise ValueError("not an id set")
    try:
        text = zlib.decompress(base64.b64decode(encoded[len(PREFIX) :], validate=True)).decode("ascii")
    except (zlib.error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not an id set") from exc
    ids, current = set(), 0
    for part in filter(None, text.split(",")):
        current += int(part, 16)
        ids.add(current)
    return ids
