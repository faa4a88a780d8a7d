"""vcrpy set-up for Tencent calls: matching, scrubbing, and a persister that refuses secrets.

Every Tencent call is a POST to "/" on one host, so cassettes match on the
X-TC-Action header and the body; timestamps and signatures change on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import vcr
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serialize import serialize

CASSETTES = Path(__file__).parent / "cassettes"
SCRUBBED_HEADERS = ("Authorization", "X-TC-Token", "X-TC-Timestamp")


class UnscrubbedCassetteError(RuntimeError):
    pass


def _action(r1: Any, r2: Any) -> None:
    assert r1.headers.get("X-TC-Action") == r2.headers.get("X-TC-Action")


def scrubbing_persister(secrets: Iterable[str]) -> type:
    forbidden = [s for s in secrets if s] + ["TC3-HMAC-SHA256", "Signature="]

    class ScrubbingPersister(FilesystemPersister):
        @classmethod
        def save_cassette(cls, cassette_path: str, cassette_dict: dict, serializer: Any) -> None:
            text = serialize(cassette_dict, serializer)
            leaked = [s for s in forbidden if s in text]
            if leaked:
                # Name what leaked by kind, never by value.
                raise UnscrubbedCassetteError(
                    f"refusing to write {cassette_path}: it holds {len(leaked)} secret or signature value(s)"
                )
            super().save_cassette(cassette_path, cassette_dict, serializer)

    return ScrubbingPersister


def make_vcr(*, record_mode: str = "none", secrets: Iterable[str] = ()) -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "tc_action", "body"],
        filter_headers=list(SCRUBBED_HEADERS),
        decode_compressed_response=True,
    )
    recorder.register_matcher("tc_action", _action)
    recorder.register_persister(scrubbing_persister(secrets))
    return recorder
