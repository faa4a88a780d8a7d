"""Which campaigns were loaded before, what this sync found, and so which no longer exist.

Only a sync that completed may conclude that a campaign is gone: until then the ids loaded
by the last complete sync are carried forward unchanged. A campaign counts as gone when
the API answers that it does not exist, never merely because a list did not show it
(a list read while campaigns come and go can slide past one): in discovery, a campaign
loaded before and not listed now is read once more to be sure.

Each id is remembered with the fingerprint of its list entry (0 when unknown or not started),
which is what lets a later sync skip campaigns that cannot have changed (see ``unchanged``).
"""

from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from tap_ccc_campaign import idset

# What the list shows of a campaign; once it has started, nothing else of it can change.
LIST_FIELDS = ("Name", "Status", "StatusReason", "Priority", "SkillGroupId")


def fingerprint(entry: Mapping[str, Any]) -> int:
    """A non-zero checksum of a list entry (0 stands for "no entry known")."""
    text = json.dumps([entry.get(name) for name in LIST_FIELDS], ensure_ascii=False, sort_keys=True)
    return zlib.crc32(text.encode("utf-8")) | 1


class Ledger:
    def __init__(self, loaded: Mapping[str, str]) -> None:
        self.before: dict[int, dict[int, int]] = {int(app): idset.decode_map(ids) for app, ids in loaded.items()}
        self.listed: defaultdict[int, dict[int, int]] = defaultdict(dict)  # this sync's list entries' prints
        self.editable: defaultdict[int, set[int]] = defaultdict(set)  # listed as not started (Status 0)
        self.present: defaultdict[int, dict[int, int]] = defaultdict(dict)
        self.missing: defaultdict[int, set[int]] = defaultdict(set)

    def list(self, sdk_app_id: int, entry: Mapping[str, Any]) -> int:
        """Note a list entry; its fingerprint."""
        campaign_id = entry["CampaignId"]
        self.listed[sdk_app_id][campaign_id] = print_now = fingerprint(entry)
        if entry.get("Status") == 0:
            self.editable[sdk_app_id].add(campaign_id)
        else:
            self.editable[sdk_app_id].discard(campaign_id)
        return print_now

    def found(self, sdk_app_id: int, campaign_id: int) -> None:
        """The campaign exists now (read, or skipped as unchanged)."""
        # A not-started campaign is remembered with 0, so the next sync reads it again.
        editable = campaign_id in self.editable[sdk_app_id]
        self.present[sdk_app_id][campaign_id] = 0 if editable else self.listed[sdk_app_id].get(campaign_id, 0)

    def unchanged(self, sdk_app_id: int, campaign_id: int) -> bool:
        """True when the last complete sync saw this very list entry for a started campaign."""
        print_now = self.listed[sdk_app_id].get(campaign_id, 0)
        if print_now == 0 or campaign_id in self.editable[sdk_app_id]:
            return False  # settings are editable until the campaign starts: always read again
        return self.before.get(sdk_app_id, {}).get(campaign_id) == print_now

    def unconfirmed(self, sdk_app_id: int) -> list[int]:
        """Loaded before, and neither found nor answered missing by this sync: read them to know."""
        before = self.before.get(sdk_app_id, {})
        return sorted(before.keys() - self.present[sdk_app_id].keys() - self.missing[sdk_app_id])

    def deleted(self, sdk_app_id: int) -> list[int]:
        """Loaded before, and answered as not existing now."""
        return sorted(self.before.get(sdk_app_id, {}).keys() & self.missing[sdk_app_id])

    def loaded_after(self, sdk_app_ids: tuple[int, ...], *, discovery: bool) -> dict[str, str]:
        """What the state remembers once this sync has completed."""
        after = {app: ids for app, ids in self.before.items() if app not in sdk_app_ids}
        for app in sdk_app_ids:
            if discovery:  # the whole app was listed: what exists now is what was found now
                after[app] = dict(self.present[app])
            else:  # only the configured ids were asked about
                kept = {cid: mark for cid, mark in self.before.get(app, {}).items() if cid not in self.missing[app]}
                after[app] = kept | self.present[app]
        return {str(app): idset.encode_map(ids) for app, ids in sorted(after.items())}
