"""The predictive_dialing_campaigns stream: one DescribePredictiveDialingCampaign per campaign, listed or given."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from singer_sdk import Tap, metrics

from tap_ccc_campaign.api.campaign_list import Listing
from tap_ccc_campaign.api.client import CallResult, CCCClient
from tap_ccc_campaign.api.errors import APIError, Disposition, Missing, TransportError, denied
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import FatalRunError, PermissionDeniedError, SyncFailedError, TapError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import shapes
from tap_ccc_campaign.state.cycle import Cycle
from tap_ccc_campaign.state.deletions import deletion_records
from tap_ccc_campaign.state.ledger import Ledger
from tap_ccc_campaign.streams.base import CCCStream, attempts, release, transport_cause, unreachable
from tap_ccc_campaign.validation import RecordChecker

# Campaigns in a row that may fail without any answer from the API before the run stops:
# two, so that one campaign's own persistent fault does not stop a run against a live API.
UNREACHABLE_CAMPAIGNS = 2

Campaign = tuple[int, int]  # (SdkAppId, CampaignId)


@dataclass(frozen=True)
class Judge:
    """What one sync judges each campaign's answer with. ``unlisted``: a complete list read this sync
    did not show the campaigns being judged (a generic "not found" then counts as proof)."""

    checker: RecordChecker
    failures: Failures
    ledger: Ledger
    several_apps: bool
    unlisted: bool


class PredictiveDialingCampaignsStream(CCCStream):
    name = "predictive_dialing_campaigns"
    state_shape = shapes.CAMPAIGNS_STATE
    record_per = "campaign (its settings)"
    actions = ("DescribePredictiveDialingCampaigns", "DescribePredictiveDialingCampaign")
    primary_keys = ("SdkAppId", "CampaignId")
    STATE_EVERY = 100  # records between two STATE messages, each counted once written

    def __init__(self, tap: Tap, **kwargs: Any) -> None:
        super().__init__(tap=tap, **kwargs)
        self._cycle: Cycle | None = None  # the cycle being synced, until it completes

    def save_progress(self) -> None:
        """Put the cycle's progress into the stream's state, so the next STATE can resume it."""
        if self._cycle is not None:
            self.stream_state["cycle"] = self._cycle.to_state()

    def _hand_over(
        self, record: dict[str, Any], campaign: Campaign, print_: int, cycle: Cycle, last_sync: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """The record, to yield from; it counts as emitted once written (see ``CCCStream._hand``)."""
        sdk_app_id, campaign_id = campaign

        def emitted() -> None:
            last_sync["emitted"] += 1
            cycle.emitted(sdk_app_id, campaign_id, print_)
            self._checkpoint_every(last_sync["emitted"])

        return self._hand(record, emitted)

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        progress = Progress(0, self.logger, limit=settings.requests_per_second)
        client = self._client(settings, progress)
        pool: OrderedPool[Campaign, CallResult] = OrderedPool(
            lambda campaign: client.describe_campaign(*campaign),
            workers=settings.workers,
            window=settings.workers * 2,
        )
        progress.total = len(settings.sdk_app_ids) * len(settings.campaign_ids)
        failures = Failures()
        # How far this run got, so a scheduler or a person can see it in STATE.
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        last_sync: dict[str, Any] = {
            "started_at": started_at,
            "campaigns": progress.total,
            "done": 0,
            "emitted": 0,
            "last_campaign_id": None,
            "complete": False,
        }
        # Until this sync completes, the ids loaded by the last complete one stay as they were.
        loaded = dict(self.stream_state.get("loaded") or {})
        last_full = self.stream_state.get("last_full_refresh")
        ledger = Ledger(loaded)
        # An interrupted run's cycle goes on: what it emitted is not read again.
        cycle = Cycle.from_state(self.stream_state.get("cycle"))
        if cycle is None:
            cycle = Cycle(started_at, full_refresh=_full_refresh(settings, loaded, last_full, started_at))
        cycle.full_refresh = full = cycle.full_refresh or settings.full_refresh
        self._cycle = cycle
        last_sync.update(
            full_refresh=full,
            skipped_unchanged=0,
            resumed_cycle_of=cycle.started_at if cycle.resumed else None,
            skipped_emitted_before=0,
        )
        self.stream_state.clear()
        self.stream_state.update(last_sync=last_sync, loaded=loaded)
        if last_full:
            self.stream_state["last_full_refresh"] = last_full
        apps = ", ".join(map(str, settings.sdk_app_ids))
        if settings.discovery:
            self.logger.info(
                "Listing every campaign of SdkAppId %s and reading each, from %s at up to %g calls/s per action",
                apps,
                client.api_url,
                settings.requests_per_second,
            )
        else:
            self.logger.info(
                "Extracting %d campaign(s) of SdkAppId %s from %s at up to %g calls/s",
                progress.total,
                apps,
                client.api_url,
                settings.requests_per_second,
            )
        if cycle.resumed:
            self.logger.info(
                "Resuming the sync started %s: %d campaign(s) emitted then are not read again unless changed",
                cycle.started_at,
                cycle.count(),
            )
        listings: list[Listing] = []
        judge = Judge(checker, failures, ledger, several_apps=len(settings.sdk_app_ids) > 1, unlisted=False)
        unanswered = 0  # campaigns in a row that failed before the API ever answered
        error: BaseException | None = None
        unconfirmed: list[Campaign] = []  # loaded before, not in this sync's complete list: read to know
        try:
            with metrics.http_request_counter(self.name, endpoint=client.api_url) as requests_made:
                campaigns = self._campaigns(settings, client, listings, progress, last_sync, ledger, cycle)
                # One campaign at a time until the API has answered once: a dead endpoint costs one call's retries.
                for campaign, future in pool.map(campaigns, one_at_a_time=lambda: not client.answered.is_set()):
                    requests_made.increment(attempts(future))
                    error = future.exception()
                    if isinstance(error, TransportError) and not client.answered.is_set():
                        unanswered += 1
                        if unanswered >= UNREACHABLE_CAMPAIGNS or error.fatal:
                            raise unreachable(settings, error)
                    record, print_ = self._record(campaign, future, judge)
                    if record is not None:
                        yield from self._hand_over(record, campaign, print_, cycle, last_sync)
                    progress.advance()
                    last_sync.update(done=progress.done, last_campaign_id=campaign[1])
                listed_all = self._listed_whole(settings)
                if not failures and listed_all:
                    # Loaded before and not in a complete list now: read once more, so that only the
                    # API's answer (with the list's silence) marks a campaign deleted.
                    unconfirmed = [(app, cid) for app in settings.sdk_app_ids for cid in ledger.unconfirmed(app)]
                    for campaign, future in pool.map(unconfirmed):
                        requests_made.increment(attempts(future))
                        record, print_ = self._record(campaign, future, replace(judge, unlisted=True))
                        if record is not None:
                            yield from self._hand_over(record, campaign, print_, cycle, last_sync)
                if not failures:
                    yield from self._deletions(settings, ledger, last_sync, failures)
        finally:
            release(client, pool)
        last_sync["complete"] = not failures
        if failures:
            self.save_progress()  # the next run resumes this cycle
        else:
            self._cycle = None
            self.stream_state.pop("cycle", None)
            # A list that was not complete says nothing of the campaigns it left out: they stay remembered.
            self.stream_state["loaded"] = ledger.loaded_after(settings.sdk_app_ids, discovery=listed_all)
            if full:
                self.stream_state["last_full_refresh"] = cycle.started_at
        list_calls = sum(listing.calls for listing in listings)
        self.logger.info(
            "Done: %d campaign(s) emitted, %d skipped as unchanged, %d as emitted by the interrupted run, "
            "%d as not found, %d failed%s; %s",
            last_sync["emitted"],
            last_sync["skipped_unchanged"],
            last_sync["skipped_emitted_before"],
            sum(len(ledger.missing[app]) for app in settings.sdk_app_ids),
            failures.count,
            f", {list_calls} list call(s)" if settings.discovery else "",
            progress.line(),
        )
        if failures:
            if isinstance(error, TransportError) and not client.answered.is_set():
                raise unreachable(settings, error)
            raise SyncFailedError(failures.summary(progress.done + len(unconfirmed)))

    def _deletions(
        self, settings: Settings, ledger: Ledger, last_sync: dict[str, Any], failures: Failures
    ) -> Iterator[dict[str, Any]]:
        """A record with the keys and _sdc_deleted_at for each campaign loaded before and gone now, by
        the rule of ``state.deletions``; none past max_deleted_share (named as failures instead)."""
        verdict = ledger.deletions(settings.sdk_app_ids).verdict(settings.max_deleted_share)
        if verdict.held:
            detail = verdict.refusal("campaign(s)")
            for _, cid in verdict.held:
                failures.add(str(cid), "not marked deleted", detail)
            self.logger.error("%s", detail)
            last_sync["deleted"] = 0
            return
        gone = verdict.gone
        yield from deletion_records(self.stream_maps, ({"SdkAppId": app, "CampaignId": cid} for app, cid in gone))
        last_sync["deleted"] = len(gone)
        if gone:
            self.logger.info(
                "%d campaign(s) loaded before no longer exist: marked deleted (%s)",
                len(gone),
                ", ".join(str(cid) for _, cid in gone[:10]) + (" …" if len(gone) > 10 else ""),
            )

    def _campaigns(
        self,
        settings: Settings,
        client: CCCClient,
        listings: list[Listing],
        progress: Progress,
        last_sync: dict[str, Any],
        ledger: Ledger,
        cycle: Cycle,
    ) -> Iterator[Campaign]:
        """(SdkAppId, CampaignId) of every campaign to read: the configured ids of each app, or,
        in discovery, each app's list, read page by page as the pool asks for more, less the
        campaigns that cannot have changed since the last complete sync (unless a full refresh)
        and those this cycle's interrupted run already emitted."""

        def emitted_before(sdk_app_id: int, campaign_id: int, listed: tuple[int, bool] | None) -> bool:
            if not cycle.already(sdk_app_id, campaign_id, listed[0] if listed else None):
                return False
            ledger.found(sdk_app_id, campaign_id, listed or (0, False))
            last_sync["skipped_emitted_before"] += 1
            progress.total -= 1
            return True

        for sdk_app_id in settings.sdk_app_ids:
            if not settings.discovery:
                for campaign_id in settings.campaign_ids:
                    if not emitted_before(sdk_app_id, campaign_id, None):
                        yield sdk_app_id, campaign_id
                continue
            listing = Listing(client, sdk_app_id, self.logger)
            listings.append(listing)
            counted = listed = 0
            for entry in self._listed(settings, client, sdk_app_id, listing):
                listed += 1
                # What the list says is still coming, so progress and STATE show a real total.
                if listing.total is not None and listing.total != counted:
                    progress.total += listing.total - counted
                    counted = listing.total
                    last_sync["campaigns"] = progress.total
                campaign_id = entry["CampaignId"]
                ledger.listed[sdk_app_id].add(campaign_id)
                listed_now = ledger.entry_mark(entry)
                if not cycle.full_refresh and ledger.unchanged(sdk_app_id, campaign_id, listed_now):
                    ledger.found(sdk_app_id, campaign_id, listed_now)  # the row loaded before is still right
                    last_sync["skipped_unchanged"] += 1
                    progress.total -= 1
                    continue
                if not emitted_before(sdk_app_id, campaign_id, listed_now):
                    ledger.hand_over(sdk_app_id, campaign_id, listed_now)
                    yield sdk_app_id, campaign_id
            progress.total += listed - counted
            last_sync["campaigns"] = progress.total

    def _record(
        self, campaign: Campaign, future: Future[CallResult], judge: Judge
    ) -> tuple[dict[str, Any] | None, int]:
        """The record for one campaign, or None when it is skipped or failed (failures says which),
        with the fingerprint of the list entry it was read for (0 when not listed)."""
        sdk_app_id, campaign_id = campaign
        listed = judge.ledger.take(sdk_app_id, campaign_id)
        record = self._checked(campaign, future, judge)
        if record is not None:
            judge.ledger.found(sdk_app_id, campaign_id, listed)
            # The calls stream, syncing alongside, needs a campaign's StartTime and EndTime: not read twice.
            span = (record.get("StartTime"), record.get("EndTime"))
            self._spool.keep(("campaign span", sdk_app_id, campaign_id), span)
        return record, listed[0]

    def _checked(self, campaign: Campaign, future: Future[CallResult], judge: Judge) -> dict[str, Any] | None:
        checker, failures, ledger, unlisted = judge.checker, judge.failures, judge.ledger, judge.unlisted
        several_apps = judge.several_apps
        sdk_app_id, campaign_id = campaign
        label = str(campaign_id) + (f" of SdkAppId {sdk_app_id}" if several_apps else "")
        name = f"campaign {label}"
        error = future.exception()
        if isinstance(error, APIError):
            if denied(error.code):
                raise PermissionDeniedError(f"reading {name}: not allowed: {error}")
            if error.disposition is Disposition.FATAL:
                raise FatalRunError(f"{error} while reading {name}; stopping the run")
            # Proof that it is gone: an answer that says so, or one that may mean so about a
            # campaign a complete list no longer shows. A code alone never is.
            said = error.missing
            if said is Missing.SAYS_SO or (said is Missing.MAYBE and unlisted):
                ledger.missing[sdk_app_id].add(campaign_id)
                self.logger.warning(
                    "Campaign %s skipped: the API says it does not exist (%s: %s, RequestId %s)%s",
                    label,
                    error.code,
                    error.message,
                    error.request_id,
                    # Deleted since it was listed, or an answer that is wrong: the next sync decides.
                    "; this sync's list shows it, so it is not marked deleted"
                    if campaign_id in ledger.listed[sdk_app_id]
                    else "",
                )
                return None
        if isinstance(error, TransportError) and error.fatal:
            raise FatalRunError(f"{error} (while reading {name})")
        if isinstance(error, TapError):
            cause = error.code if isinstance(error, APIError) else transport_cause(error)
            failures.add(label, cause, f"{name}: {error} (after {error.attempts} attempt(s))")
            self.logger.error("Campaign %s not emitted: %s", label, error)
            return None
        if error is not None:
            raise error
        result = future.result()
        self.logger.debug("Campaign %s read, RequestId %s", label, result.request_id)
        if not result.data:
            failures.add(
                label,
                "empty answer",
                f"{name}: the API answered with no campaign fields (RequestId {result.request_id})",
            )
            self.logger.error("Campaign %s not emitted: the answer holds no fields", label)
            return None
        record, violations = checker.checked({"CampaignId": campaign_id, **result.data, "SdkAppId": sdk_app_id})
        problems = [str(v) for v in violations]
        if record["CampaignId"] != campaign_id:
            problems.append(f"CampaignId: the answer is for campaign {record['CampaignId']!r}")
        if problems:
            failures.add(
                label,
                "invalid fields",
                f"{name}: invalid field(s) {', '.join(problems)} (RequestId {result.request_id})",
            )
            self.logger.error("Campaign %s not emitted, schema check failed: %s", label, "; ".join(problems))
            return None
        checker.note_undocumented(record)
        return record


def _full_refresh(settings: Settings, loaded: dict[str, str], last_full: str | None, started_at: str) -> bool:
    """Whether this sync reads every campaign: asked for, nothing loaded yet, ids given, or the last
    full sync is older than full_refresh_days."""
    if settings.full_refresh or not settings.discovery or not loaded or not isinstance(last_full, str):
        return True
    try:
        age = datetime.fromisoformat(started_at) - datetime.fromisoformat(last_full)
    except ValueError:
        return True
    return age.total_seconds() >= settings.full_refresh_days * 86400
