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


MAP_PREFIX = "z2:"


def encode_map(values: dict[int, int]) -> str:
    """Ids with a small non-negative integer each (a fingerprint), as one short string."""
    ordered = sorted(values)
    previous = 0
    parts = []
    for key in ordered:
        parts.append(f"{key - previous:x}:{values[key]:x}")
        previous = key
    return MAP_PREFIX + base64.b64encode(zlib.compress(",".join(parts).encode("ascii"), 9)).decode("ascii")


def decode_map(encoded: str) -> dict[int, int]:
    """What ``encode_map`` made; an id set (``encode``) reads as ids with 0 each."""
    if encoded.startswith(PREFIX):
        return dict.fromkeys(decode(encoded), 0)
    if not encoded.startswith(MAP_PREFIX):
        raise ValueError("not an id map")
    try:
        text = zlib.decompress(base64.b64decode(encoded[len(MAP_PREFIX) :], validate=True)).decode("ascii")
        values, current = {}, 0
        for part in filter(None, text.split(",")):
            delta, value = part.split(":")
            current += int(delta, 16)
            values[current] = int(value, 16)
    except (zlib.error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not an id map") from exc
    return values
