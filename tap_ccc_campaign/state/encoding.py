"""A set of campaign ids as a short string, for the state: sorted, delta-coded, compressed.

50,000 ids take a few tens of kilobytes whatever their spacing, so the state that remembers
which campaigns were loaded stays far below Meltano's comfort zone.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Iterator, Mapping

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


def encode_map(values: Mapping[int, int] | Iterable[tuple[int, int]]) -> str:
    """Ids with a small non-negative integer each (a fingerprint), as one short string.
    ``values``: a mapping, or (id, value) pairs in increasing id order."""
    pairs = sorted(values.items()) if isinstance(values, Mapping) else values
    compressor = zlib.compressobj(9)
    out, previous, parts = [], 0, []
    for key, value in pairs:
        parts.append(f"{key - previous:x}:{value:x}")
        previous = key
        if len(parts) == 4096:  # compressed as it goes: no 50,000-part string at once
            out.append(compressor.compress((",".join(parts) + ",").encode("ascii")))
            parts = []
    out.append(compressor.compress(",".join(parts).encode("ascii")))
    out.append(compressor.flush())
    return MAP_PREFIX + base64.b64encode(b"".join(out)).decode("ascii")


def decode_pairs(encoded: str) -> Iterator[tuple[int, int]]:
    """(id, value) pairs of what ``encode_map`` made, in increasing id order; ValueError if not one."""
    if encoded.startswith(PREFIX):
        yield from ((i, 0) for i in sorted(decode(encoded)))
        return
    if not encoded.startswith(MAP_PREFIX):
        raise ValueError("not an id map")
    try:
        text = zlib.decompress(base64.b64decode(encoded[len(MAP_PREFIX) :], validate=True)).decode("ascii")
        current = 0
        for part in filter(None, text.split(",")):
            delta, value = part.split(":")
            current += int(delta, 16)
            yield current, int(value, 16)
    except (zlib.error, ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not an id map") from exc


def decode_map(encoded: str) -> dict[int, int]:
    """What ``encode_map`` made, as a dict; an id set (``encode``) reads as ids with 0 each."""
    return dict(decode_pairs(encoded))


CHECKSUMS_PREFIX = "c1:"


def encode_checksums(checksums: Iterable[int]) -> str:
    """32-bit checksums, in their order, as one short string: 4 bytes each (5⅓ characters in base64;
    random bits do not compress)."""
    packed = b"".join((value & 0xFFFFFFFF).to_bytes(4, "big") for value in checksums)
    return CHECKSUMS_PREFIX + base64.b64encode(packed).decode("ascii")


def decode_checksums(encoded: str) -> list[int]:
    """What ``encode_checksums`` made, in order; ValueError if it did not make ``encoded``."""
    if not encoded.startswith(CHECKSUMS_PREFIX):
        raise ValueError("not a list of checksums")
    try:
        packed = base64.b64decode(encoded[len(CHECKSUMS_PREFIX) :], validate=True)
    except ValueError as exc:
        raise ValueError("not a list of checksums") from exc
    if len(packed) % 4:
        raise ValueError("not a list of checksums")
    return [int.from_bytes(packed[i : i + 4], "big") for i in range(0, len(packed), 4)]
