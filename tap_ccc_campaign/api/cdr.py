"""A call detail record (TelCdrInfo) as the tap loads it, and whether it can still change.

Expiring signed links (RecordURL, AsrUrl, ...) are not loaded: Tencent's links die within a day,
and a warehouse column of dead links misleads; RecordId stays, to fetch a recording when needed.
Nor is the deprecated Uui: it repeats UUI, and a warehouse that folds names to lower case
(DuckDB, PostgreSQL) would get two columns named uui.
A record is final once the call has ended (EndedTimestamp > 0) and its ASR text is no longer
being made (AsrStatus is not "Processing"): nothing else in it moves after that.
"""

from __future__ import annotations

import hashlib
from typing import Any

NOT_LOADED = ("RecordURL", "AsrUrl", "CustomRecordURL", "VoicemailRecordURL", "VoicemailAsrURL", "Uui")
PARTICIPANT_NOT_LOADED = ("RecordURL", "CustomRecordURL")


def loadable(record: dict[str, Any]) -> dict[str, Any]:
    kept = dict(record)
    for name in NOT_LOADED:
        kept.pop(name, None)
    participants = kept.get("ServeParticipants")
    if isinstance(participants, list):
        kept["ServeParticipants"] = [
            {k: v for k, v in p.items() if k not in PARTICIPANT_NOT_LOADED} if isinstance(p, dict) else p
            for p in participants
        ]
    return kept


def final(record: dict[str, Any]) -> bool:
    ended = record.get("EndedTimestamp")
    return isinstance(ended, int) and ended > 0 and record.get("AsrStatus") != "Processing"


def session_hash(session_id: str) -> int:
    """40 bits of a session id: what the state keeps of a loaded call. A new session taken for a
    loaded one (its call then missed) takes a campaign with a million loaded calls to happen once
    in a million new calls."""
    return int.from_bytes(hashlib.blake2b(session_id.encode("utf-8"), digest_size=5).digest(), "big")
