"""Checksums of a campaign's list entry, kept in the state to tell what moved since the last sync."""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

from tap_ccc_campaign.api.campaign_list import PROGRESS_FIELDS, SETTINGS_FIELDS


def fingerprint(entry: Mapping[str, Any]) -> int:
    """A non-zero checksum of what settles a started campaign's settings (0 stands for "no entry known")."""
    text = json.dumps([entry.get(name) for name in SETTINGS_FIELDS], ensure_ascii=False, sort_keys=True)
    return zlib.crc32(text.encode("utf-8")) | 1


def mark(entry: Mapping[str, Any]) -> int:
    """24 bits of a checksum of what the list says of a campaign's progress, with its Status in the
    3 low bits: a status change is always seen; a change of counts alone (a paused campaign that
    ran and paused again between two syncs) slips through once in 16 million."""
    status = entry.get("Status")
    text = json.dumps([entry.get(name) for name in PROGRESS_FIELDS])
    checksum = zlib.crc32(text.encode("ascii")) & 0xFFFFFF
    return (checksum << 3) | (status if isinstance(status, int) and 0 <= status < 8 else 7)
