"""predictive_dialing_sessions: every call session of each campaign that can have new ones.

A campaign's sessions are listed again only when it may have made calls since the last sync
(see activity.py); the lists read are kept for the calls stream of the same run (spool.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator
from typing import Any, ClassVar

from tap_ccc_campaign.api import cdr
from tap_ccc_campaign.api.session_list import Sessions
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import activity, shapes
from tap_ccc_campaign.state.fingerprints import mark as entry_mark
from tap_ccc_campaign.state.ids import IdSet
from tap_ccc_campaign.state.marks import decode_marks, encode_marks
from tap_ccc_campaign.streams.base import CCCStream, forget_unlisted, release

Listed = tuple[int, int, int]  # (SdkAppId, CampaignId, the mark of its list entry)


class PredictiveDialingSessionsStream(CCCStream):
    name = "predictive_dialing_sessions"
    state_shape: ClassVar[dict[str, shapes.Shape]] = {"marks": shapes.Map(shapes.APP, shapes.Encoded(pairs=True))}
    record_per = "call session"
    parent = "campaign"
    actions = ("DescribePredictiveDialingCampaigns", "DescribePredictiveDialingSessions")
    # A SessionId names one call: with CampaignId a column, no loader sees a table of keys alone
    # (target-duckdb 0.8 crashes merging into one).
    primary_keys = ("SdkAppId", "SessionId")
    selected_by_default = False  # select it (Meltano: select) to load the sessions
    STATE_EVERY = 10_000  # sessions between two STATE messages, at the end of a campaign's list

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks: defaultdict[int, dict[int, int]] | None = None

    def save_progress(self) -> None:
        if self._marks is not None:
            self.stream_state["marks"] = encode_marks(self._marks)

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        self._marks = marks = decode_marks(self.stream_state, f"{self.name}: marks", self.logger.warning)
        listed_now: defaultdict[int, set[int]] = defaultdict(set)
        progress = Progress(0, self.logger, limit=settings.requests_per_second)
        client = self._client(settings, progress)
        pool: OrderedPool[Listed, Sessions] = OrderedPool(
            lambda item: self._sessions_of(client, item[0], item[1]),
            workers=settings.listers,
            window=settings.listers,
        )
        failures = Failures()
        emitted = campaigns = 0
        seen: defaultdict[int, IdSet] = defaultdict(IdSet)  # session ids emitted this run, per app
        twice: list[tuple[str, int]] = []  # (session id, the campaign it was listed under again)
        short: list[int] = []  # campaigns whose session list was not whole

        def to_list() -> Iterator[Listed]:
            for sdk_app_id, entry in self._configured(settings, client):
                campaign_id = entry["CampaignId"]
                listed_now[sdk_app_id].add(campaign_id)
                mark = entry_mark(entry)
                if settings.full_refresh or activity.may_have_new_sessions(entry, marks[sdk_app_id].get(campaign_id)):
                    progress.total += 1
                    yield sdk_app_id, campaign_id, mark

        try:
            for (sdk_app_id, campaign_id, mark), future in pool.map(to_list()):
                progress.advance()
                error = future.exception()
                if error is not None:
                    self._item_failed(campaign_id, error, failures, "listing the sessions", gone_if_said=True)
                    continue
                refused = False
                listed = future.result()
                for session_id in listed.ids:
                    record = {"SdkAppId": sdk_app_id, "CampaignId": campaign_id, "SessionId": session_id}
                    record, problems = checker.checked(record)
                    if problems:
                        detail = f"campaign {campaign_id}: a session id the schema refuses: {problems[0]}"
                        failures.add(str(campaign_id), "invalid session id", detail)
                        refused = True
                        continue
                    hashed = cdr.session_hash(session_id)
                    if hashed in seen[sdk_app_id]:  # a SessionId is one call: it has one row
                        twice.append((session_id, campaign_id))
                        continue
                    seen[sdk_app_id].add(hashed)
                    yield record
                    emitted += 1
                campaigns += 1
                if not listed.complete:
                    short.append(campaign_id)
                elif not refused:  # only once all its sessions were written: else listed again next time
                    marks[sdk_app_id][campaign_id] = mark
                self._checkpoint_every(emitted)
        finally:
            release(client, pool)
        if not failures and self._listed_whole(settings):
            forget_unlisted(marks, listed_now, settings.sdk_app_ids)
        self.save_progress()
        self._warn_listed_twice(twice)
        self._warn_short_lists(short)
        self.logger.info(
            "Done: %d session(s) of %d campaign(s) listed; %d campaign(s) could not have new ones; %s",
            emitted,
            campaigns,
            sum(len(ids) for ids in listed_now.values()) - progress.total,
            progress.line(),
        )
        if failures:
            raise SyncFailedError(failures.summary(progress.total, "campaign session list(s) were not read"))
