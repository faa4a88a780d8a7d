"""predictive_dialing_calls: each session's call detail record, read with DescribeTelCdr.

Per campaign that may have new sessions (activity.py), its sessions are listed (or taken from the
sessions stream of this run) and the calls not yet loaded are asked for, at most 100 SessionIds a
call, in the readable windows newest first (windows.py). A record is loaded once it is final
(cdr.py); one that can still change, or a session without a record yet, is asked for again at
the next sync (a few times at most). The state keeps, per campaign that can still get calls,
48 bits of each loaded session id; a finished campaign's set is dropped once it has all, and a
deleted campaign's once a complete discovery sync no longer lists it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tap_ccc_campaign import activity, cdr, idset, windows
from tap_ccc_campaign.client import CALLS_PAGE_SIZE, CCCClient
from tap_ccc_campaign.concurrency import OrderedPool
from tap_ccc_campaign.config import Settings
from tap_ccc_campaign.errors import SyncFailedError, TransportError
from tap_ccc_campaign.failures import Failures
from tap_ccc_campaign.progress import Progress
from tap_ccc_campaign.schema import RecordChecker
from tap_ccc_campaign.streams.base import CCCStream, forget_unlisted
from tap_ccc_campaign.streams.sessions import decode_marks, encode_marks, sessions_of

# Syncs in a row a call is asked for while its record can still change (ASR text being made)
# before it is kept as it is; a running campaign's session without a record yet (its call may
# not have ended) is asked for at one more sync. Then they are given up, and named.
MAX_TRIES = 3
MAX_MISSING_TRIES = 2


@dataclass
class CampaignCalls:
    sdk_app_id: int
    campaign_id: int
    mark: int
    listed: bool  # its sessions were listed this run
    terminal: bool
    running: bool
    loaded: set[int]
    pending: dict[str, int]  # session id -> tries so far
    batches_left: int = 0
    failed: bool = False
    given_up: list[str] = field(default_factory=list)


Batch = tuple[CampaignCalls, list[str]]


def fetch(
    client: CCCClient, sdk_app_id: int, session_ids: list[str], spans: list[tuple[int, int]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The records of ``session_ids`` found in the windows (newest first), and the ids with none."""
    found: dict[str, dict[str, Any]] = {}
    remaining = list(session_ids)
    for span in spans:
        if not remaining:
            break
        page = 0
        while True:
            result = client.describe_calls(sdk_app_id, span, remaining, page)
            total = result.data.get("TotalCount")
            rows = result.data.get("TelCdrList", result.data.get("TelCdrs")) or []
            if not isinstance(total, int) or not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise TransportError(
                    f"the call records (page {page}) are not the shape the API documents (RequestId {result.request_id})",
                    http_status=200,
                )
            for row in rows:
                session = row.get("SessionId")
                if session in remaining and session not in found:
                    found[session] = row
            page += 1
            if not rows or page >= math.ceil(total / CALLS_PAGE_SIZE):
                break
        remaining = [s for s in remaining if s not in found]
    return list(found.values()), remaining


class PredictiveDialingCallsStream(CCCStream):
    name = "predictive_dialing_calls"
    primary_keys = ("SdkAppId", "SessionId")
    selected_by_default = False  # select it (Meltano: select) to load the calls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks: defaultdict[int, dict[int, int]] | None = None
        self._loaded: dict[int, dict[int, str]] = {}
        self._pending: dict[int, dict[int, dict[str, int]]] = {}

    def save_progress(self) -> None:
        if self._marks is None:
            return
        self.stream_state["marks"] = encode_marks(self._marks)
        self.stream_state["loaded"] = {
            str(app): {str(cid): ids for cid, ids in sorted(per.items())}
            for app, per in sorted(self._loaded.items())
            if per
        }
        self.stream_state["pending"] = {
            str(app): {str(cid): ids for cid, ids in sorted(per.items())}
            for app, per in sorted(self._pending.items())
            if per
        }

    def _sync(self) -> Iterator[dict[str, Any]]:
        settings = Settings.from_config(self.config, self.logger)
        checker = RecordChecker(self.schema, self.logger)
        self._marks = marks = decode_marks(self.stream_state)
        self._loaded = {
            int(a): {int(c): v for c, v in per.items()} for a, per in (self.stream_state.get("loaded") or {}).items()
        }
        self._pending = {
            int(a): {int(c): dict(v) for c, v in per.items()}
            for a, per in (self.stream_state.get("pending") or {}).items()
        }
        now = int(time.time())
        spans = windows.readable(now, settings.start_date)
        progress = Progress(0, self.logger, limit=settings.requests_per_second, unit="batches of calls")
        client = self._client(settings, progress)
        sessions_pool: OrderedPool[CampaignCalls, list[str]] = OrderedPool(
            lambda c: sessions_of(self._spool, client, c.sdk_app_id, c.campaign_id) if c.listed else [],
            workers=settings.workers,
            window=settings.workers * 2,
        )
        calls_pool: OrderedPool[Batch, tuple[list[dict[str, Any]], list[str]]] = OrderedPool(
            lambda batch: fetch(client, batch[0].sdk_app_id, batch[1], spans),
            workers=settings.workers,
            window=settings.workers * 2,
        )
        failures = Failures()
        given_up: list[CampaignCalls] = []
        listed_now: defaultdict[int, set[int]] = defaultdict(set)
        emitted = 0

        def campaigns() -> Iterator[CampaignCalls]:
            for sdk_app_id, entry in self._configured(settings, client):
                campaign_id = entry["CampaignId"]
                listed_now[sdk_app_id].add(campaign_id)
                listed = settings.full_refresh or activity.may_have_new_sessions(
                    entry, marks[sdk_app_id].get(campaign_id)
                )
                pending = self._pending.get(sdk_app_id, {}).get(campaign_id, {})
                if not listed and not pending:
                    continue
                loaded = self._loaded.get(sdk_app_id, {}).get(campaign_id)
                yield CampaignCalls(
                    sdk_app_id,
                    campaign_id,
                    activity.mark(entry),
                    listed,
                    activity.terminal(entry),
                    entry.get("Status") == activity.RUNNING,
                    set() if settings.full_refresh or not loaded else idset.decode(loaded),
                    dict(pending),
                )

        def batches() -> Iterator[Batch]:
            for campaign, future in sessions_pool.map(campaigns()):
                error = future.exception()
                if error is not None:
                    self._failed(campaign, error, failures, "listing the sessions", gone_if_said=True)
                    continue
                wanted = [s for s in future.result() if cdr.session_hash(s) not in campaign.loaded]
                wanted = list(dict.fromkeys([*wanted, *campaign.pending]))
                chunks = [wanted[i : i + CALLS_PAGE_SIZE] for i in range(0, len(wanted), CALLS_PAGE_SIZE)]
                campaign.batches_left = len(chunks)
                progress.total += len(chunks)
                if not chunks:
                    self._finish(campaign, given_up)
                for chunk in chunks:
                    yield campaign, chunk

        try:
            for (campaign, asked), future in calls_pool.map(batches()):
                progress.advance()
                campaign.batches_left -= 1
                error = future.exception()
                if error is not None:
                    self._failed(campaign, error, failures, f"reading {len(asked)} call record(s)")
                    for session in asked:  # asked for again next time, whatever the campaign does
                        campaign.pending.setdefault(session, 0)
                else:
                    records, missing = future.result()
                    for raw in records:
                        record = checker.drop_unknown(
                            cdr.loadable(raw) | {"SdkAppId": campaign.sdk_app_id, "CampaignId": campaign.campaign_id}
                        )
                        if problems := checker.violations(record):
                            failures.add(
                                str(campaign.campaign_id),
                                "invalid fields",
                                f"call {raw.get('SessionId')}: invalid field(s) {', '.join(map(str, problems))}",
                            )
                            continue
                        checker.note_undocumented(record)
                        yield record
                        emitted += 1
                        self._noted(campaign, raw)
                    for session in missing:
                        self._retry(campaign, session, later=campaign.running, most=MAX_MISSING_TRIES)
                if campaign.batches_left == 0:
                    self._finish(campaign, given_up)
        finally:
            sessions_pool.close()
            calls_pool.close()
            client.stop()
            client.close()
        if settings.discovery and not failures and all(map(self._list_complete, settings.sdk_app_ids)):
            for kept in (marks, self._loaded, self._pending):
                forget_unlisted(kept, listed_now, settings.sdk_app_ids)
        self.save_progress()
        self._tell_given_up(given_up, windows.oldest(now, settings.start_date))
        self.logger.info("Done: %d call record(s) emitted; %s", emitted, progress.line())
        if failures:
            raise SyncFailedError(failures.summary(progress.total, "campaign call batch(es) were not read"))

    def _noted(self, campaign: CampaignCalls, record: dict[str, Any]) -> None:
        session = record["SessionId"]
        if cdr.final(record):
            campaign.loaded.add(cdr.session_hash(session))
            campaign.pending.pop(session, None)
        else:  # loaded as it is now; asked for again next time
            self._retry(campaign, session, later=True)

    def _retry(self, campaign: CampaignCalls, session: str, *, later: bool, most: int = MAX_TRIES) -> None:
        tries = campaign.pending.get(session, 0) + 1
        if later and tries < most:
            campaign.pending[session] = tries
        else:
            campaign.pending.pop(session, None)
            campaign.loaded.add(cdr.session_hash(session))  # not asked for again
            campaign.given_up.append(session)

    def _finish(self, campaign: CampaignCalls, given_up: list[CampaignCalls]) -> None:
        """Every batch of the campaign is done: keep what the next sync needs to know."""
        app, cid = campaign.sdk_app_id, campaign.campaign_id
        if campaign.given_up:
            given_up.append(campaign)
        self._pending.setdefault(app, {}).pop(cid, None)
        if campaign.pending:
            self._pending[app][cid] = campaign.pending
        loaded = self._loaded.setdefault(app, {})
        if campaign.terminal and not campaign.pending and not campaign.failed:
            loaded.pop(cid, None)  # it will never call again: nothing to tell apart any more
        elif campaign.loaded:
            loaded[cid] = idset.encode(campaign.loaded)
        if campaign.listed and not campaign.failed:
            assert self._marks is not None
            self._marks[app][cid] = campaign.mark

    def _failed(
        self,
        campaign: CampaignCalls,
        error: BaseException,
        failures: Failures,
        doing: str,
        *,
        gone_if_said: bool = False,
    ) -> None:
        campaign.failed = True
        self._campaign_failed(campaign.campaign_id, error, failures, doing, gone_if_said=gone_if_said)

    def _tell_given_up(self, campaigns: list[CampaignCalls], oldest: int) -> None:
        sessions = [(c.campaign_id, s) for c in campaigns for s in c.given_up]
        if not sessions:
            return
        shown = ", ".join(f"{s} (campaign {cid})" for cid, s in sessions[:10])
        self.logger.warning(
            "%d session(s) have no final call record DescribeTelCdr can read (calls before %s are out of its "
            "reach or start_date; others never got one): not loaded: %s%s",
            len(sessions),
            time.strftime("%Y-%m-%d", time.gmtime(oldest)),
            shown,
            " …" if len(sessions) > 10 else "",
        )
