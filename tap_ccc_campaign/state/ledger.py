"""Which campaigns were loaded before, what this sync found, and so which no longer exist.

Only a sync that completed may conclude that a campaign is gone: until then the ids loaded
by the last complete sync are carried forward unchanged. The ledger gathers this sync's
evidence (what the lists showed, what the reads answered missing); ``state.deletions`` judges
it, by the rule every stream shares. A campaign counts as gone when the API answers that it
does not exist, never merely because a list did not show it (a list read while campaigns come
and go can slide past one): in discovery, a campaign loaded before and not listed now is read
once more to be sure. A campaign this sync's list shows is never gone, whatever its read answers.

Each id is remembered with the fingerprint of its list entry (0 when unknown or not started),
which is what lets a later sync skip campaigns that cannot have changed (see ``unchanged``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from tap_ccc_campaign.state import encoding
from tap_ccc_campaign.state.deletions import Deletions
from tap_ccc_campaign.state.fingerprints import fingerprint
from tap_ccc_campaign.state.ids import IdMap, IdSet


class Ledger:
    def __init__(self, loaded: Mapping[str, str]) -> None:
        self.before: dict[int, IdMap] = {int(app): IdMap(encoding.decode_pairs(ids)) for app, ids in loaded.items()}
        self.present: defaultdict[int, IdMap] = defaultdict(IdMap)
        self.missing: defaultdict[int, set[int]] = defaultdict(set)  # answered as not existing
        self.listed: defaultdict[int, IdSet] = defaultdict(IdSet)  # shown by a list of this sync
        # The list entry of each campaign handed to the readers and not yet recorded: (print, not started).
        self._in_flight: dict[tuple[int, int], tuple[int, bool]] = {}

    @staticmethod
    def entry_mark(entry: Mapping[str, Any]) -> tuple[int, bool]:
        """A list entry's (fingerprint, not started)."""
        return fingerprint(entry), entry.get("Status") == 0

    def hand_over(self, sdk_app_id: int, campaign_id: int, listed: tuple[int, bool]) -> None:
        self._in_flight[(sdk_app_id, campaign_id)] = listed

    def take(self, sdk_app_id: int, campaign_id: int) -> tuple[int, bool]:
        """The list entry a campaign was handed over with ((0, False) when it was not listed)."""
        return self._in_flight.pop((sdk_app_id, campaign_id), (0, False))

    def found(self, sdk_app_id: int, campaign_id: int, listed: tuple[int, bool] = (0, False)) -> None:
        """The campaign exists now (read, or skipped as unchanged)."""
        print_, editable = listed
        # A not-started campaign is remembered with 0, so the next sync reads it again.
        self.present[sdk_app_id].add(campaign_id, 0 if editable else print_)

    def unchanged(self, sdk_app_id: int, campaign_id: int, listed: tuple[int, bool]) -> bool:
        """True when the last complete sync saw this very list entry for a started campaign."""
        print_, editable = listed
        if print_ == 0 or editable:
            return False  # settings are editable until the campaign starts: always read again
        before = self.before.get(sdk_app_id)
        return before is not None and before.get(campaign_id) == print_

    def unconfirmed(self, sdk_app_id: int) -> list[int]:
        """Loaded before, and neither found nor answered missing by this sync: read them to know."""
        present, missing = self.present[sdk_app_id], self.missing[sdk_app_id]
        before = self.before.get(sdk_app_id, IdMap())
        return [cid for cid in before if cid not in present and cid not in missing]

    def deletions(self, sdk_app_ids: tuple[int, ...]) -> Deletions[tuple[int, int]]:
        """This sync's evidence about the apps' campaigns loaded before, keyed (SdkAppId, CampaignId)."""
        found = Deletions((app, cid) for app in sdk_app_ids for cid in self.before.get(app, IdMap()))
        for app in sdk_app_ids:
            listed = self.listed[app]
            found.shown((app, cid) for cid in self.before.get(app, IdMap()) if cid in listed)
            for cid in self.missing[app]:
                found.answered_gone((app, cid))
        return found

    def loaded_after(self, sdk_app_ids: tuple[int, ...], *, discovery: bool) -> dict[str, str]:
        """What the state remembers once this sync has completed."""
        after: dict[int, Any] = {app: ids for app, ids in self.before.items() if app not in sdk_app_ids}
        for app in sdk_app_ids:
            if discovery:  # the whole app was listed: what exists now is what was found now
                after[app] = self.present[app]
                # Listed, yet answered missing: not deleted (the list shows it), still remembered, and
                # remembered as changed (0), so that the next sync reads it again and decides.
                before = self.before.get(app, IdMap())
                for cid in self.missing[app]:
                    if cid in self.listed[app] and cid in before and cid not in after[app]:
                        after[app].add(cid, 0)
            else:  # only the configured ids were asked about
                kept = IdMap(
                    (cid, mark) for cid, mark in self.before.get(app, IdMap()).items() if cid not in self.missing[app]
                )
                for cid, mark in self.present[app].items():
                    kept.add(cid, mark)
                after[app] = kept
        return {str(app): encoding.encode_map(ids.items()) for app, ids in sorted(after.items())}
