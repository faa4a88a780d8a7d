"""predictive_dialing_campaign_progress: each campaign's list entry, once per sync, as history.

It costs no call beyond the campaign list, which another stream of this run has usually read
already (see spool.py); with campaign_ids, the list is read and filtered to those ids.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from tap_ccc_campaign.api.campaign_list import ENTRY_FIELDS
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.streams.base import CCCStream, release


class PredictiveDialingCampaignProgressStream(CCCStream):
    name = "predictive_dialing_campaign_progress"
    record_per = "campaign per sync (history)"
    actions = ("DescribePredictiveDialingCampaigns",)
    primary_keys = ("SdkAppId", "CampaignId", "ObservedAt")
    selected_by_default = False  # select it (Meltano: select) to load the history

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        failures = Failures()
        emitted = 0
        client = self._client(settings, Progress(0, self.logger, limit=settings.requests_per_second))
        try:
            for sdk_app_id, entry in self._configured(settings, client):
                record, problems = checker.checked(
                    {"SdkAppId": sdk_app_id, "CampaignId": entry["CampaignId"], "ObservedAt": entry["ObservedAt"]}
                    | {name: entry[name] for name in ENTRY_FIELDS if name in entry}
                )
                if problems:
                    label = f"campaign {entry['CampaignId']} of SdkAppId {sdk_app_id}"
                    failures.add(label, "invalid fields", f"{label}: {', '.join(map(str, problems))}")
                    continue
                checker.note_undocumented(record)
                yield record
                emitted += 1
        finally:
            release(client)
        self.logger.info("Done: %d campaign progress row(s)", emitted)
        if failures:
            raise SyncFailedError(failures.summary(emitted + failures.count))
