"""Which campaigns were loaded before, what this sync found, and so which no longer exist.

Only a sync that completed may conclude that a campaign is gone: until then the ids loaded
by the last complete sync are carried forward unchanged. A campaign counts as gone when
the API answers that it does not exist, never merely because a list did not show it
(a list read while campaigns come and go can slide past one): in discovery, a campaign
loaded before and not listed now is read once more to be sure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from tap_ccc_campaign import idset


class Ledger:
    def __init__(self, loaded: Mapping[str, str]) -> None:
        self.before: dict[int, set[int]] = {int(app): idset.decode(ids) for app, ids in loaded.items()}
        self.emitted: defaultdict[int, set[int]] = defaultdict(set)
        self.missing: defaultdict[int, set[int]] = defaultdict(set)

    def unconfirmed(self, sdk_app_id: int) -> list[int]:
        """Loaded before, and neither read nor answered missing by this sync: read them to know."""
        return sorted(self.before.get(sdk_app_id, set()) - self.emitted[sdk_app_id] - self.missing[sdk_app_id])

    def deleted(self, sdk_app_id: int) -> list[int]:
        """Loaded before, and answered as not existing now."""
        return sorted(self.before.get(sdk_app_id, set()) & self.missing[sdk_app_id])

    def loaded_after(self, sdk_app_ids: tuple[int, ...], *, discovery: bool) -> dict[str, str]:
        """What the state remembers once this sync has completed."""
        after = {app: ids for app, ids in self.before.items() if app not in sdk_app_ids}
        for app in sdk_app_ids:
            if discovery:  # the whole app was listed: what exists now is what was read now
                after[app] = set(self.emitted[app])
            else:  # only the configured ids were asked about
                after[app] = (self.before.get(app, set()) - self.missing[app]) | self.emitted[app]
        return {str(app): idset.encode(ids) for app, ids in sorted(after.items())}
