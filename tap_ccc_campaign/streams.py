"""The predictive_dialing_campaigns stream: one DescribePredictiveDialingCampaign per id."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from singer_sdk import Stream, Tap, metrics

from tap_ccc_campaign.client import CallResult, CCCClient, RetryPolicy
from tap_ccc_campaign.concurrency import OrderedPool
from tap_ccc_campaign.config import Settings
from tap_ccc_campaign.errors import (
    APIError,
    Disposition,
    FatalRunError,
    SyncFailedError,
    TapError,
    TransportError,
)
from tap_ccc_campaign.failures import Failures
from tap_ccc_campaign.progress import Progress
from tap_ccc_campaign.schema import RecordChecker
from tap_ccc_campaign.throttle import Pacer
from tap_ccc_campaign.transport import redact_url

# Campaigns in a row that may fail without any answer from the API before the run stops:
# two, so that one campaign's own persistent fault does not stop a run against a live API.
UNREACHABLE_CAMPAIGNS = 2


class PredictiveDialingCampaignsStream(Stream):
    name = "predictive_dialing_campaigns"
    primary_keys = ("SdkAppId", "CampaignId")
    # A STATE message every 100 records, so a long sync reports state as it goes.
    STATE_MSG_FREQUENCY = 100

    def __init__(self, tap: Tap, **kwargs: Any) -> None:
        super().__init__(tap=tap, **kwargs)
        self._state_writer = tap.state_writer

    def get_records(self, context: dict | None) -> Iterable[dict[str, Any]]:
        try:
            yield from self._sync()
        except GeneratorExit:
            raise
        except BaseException:
            # A failed or stopped sync still tells the target how far it got (complete: false).
            with contextlib.suppress(TapError, OSError, ValueError):
                self._state_writer.write_state(self.tap_state)
            raise

    def _sync(self) -> Iterator[dict[str, Any]]:
        settings = Settings.from_config(self.config, self.logger)
        checker = RecordChecker(self.schema, self.logger)
        client = self._client(settings)
        pool: OrderedPool[int, CallResult] = OrderedPool(
            lambda cid: client.describe_campaign(settings.sdk_app_id, cid),
            workers=settings.workers,
            window=settings.workers * 2,
        )
        progress = Progress(len(settings.campaign_ids), self.logger)
        failures = Failures()
        # Not a resume point (every run reads every campaign, see README): a record of
        # how far this sync got, so a scheduler or a person can see it in STATE.
        last_sync: dict[str, Any] = {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "campaigns": progress.total,
            "done": 0,
            "emitted": 0,
            "last_campaign_id": None,
            "complete": False,
        }
        self.stream_state.clear()
        self.stream_state["last_sync"] = last_sync
        self.logger.info(
            "Extracting %d campaign(s) of SdkAppId %d from %s at up to %g calls/s",
            progress.total,
            settings.sdk_app_id,
            client.api_url,
            settings.requests_per_second,
        )
        unreachable = 0  # campaigns in a row that failed before the API ever answered
        error: BaseException | None = None
        try:
            with metrics.http_request_counter(self.name, endpoint=client.api_url) as requests_made:
                # One campaign at a time until the API has answered once: a dead endpoint costs one call's retries.
                for campaign_id, future in pool.map(
                    settings.campaign_ids, one_at_a_time=lambda: not client.answered.is_set()
                ):
                    requests_made.increment(_attempts(future))
                    error = future.exception()
                    if isinstance(error, TransportError) and not client.answered.is_set():
                        unreachable += 1
                        if unreachable >= UNREACHABLE_CAMPAIGNS or error.fatal:
                            raise _unreachable(settings, error)
                    record = self._record(campaign_id, future, settings, checker, failures)
                    if record is not None:
                        yield record
                        last_sync["emitted"] += 1  # counted once the SDK has written it
                    progress.advance()
                    last_sync.update(done=progress.done, last_campaign_id=campaign_id)
        finally:
            pool.close()
            client.stop()
            client.close()
        last_sync["complete"] = not failures
        self.logger.info(
            "Done: %d campaign(s) emitted, %d skipped as not found, %d failed; %s",
            last_sync["emitted"],
            progress.total - last_sync["emitted"] - failures.count,
            failures.count,
            progress.line(),
        )
        if failures:
            if isinstance(error, TransportError) and not client.answered.is_set():
                raise _unreachable(settings, error)
            raise SyncFailedError(failures.summary(progress.total))

    def _client(self, settings: Settings) -> CCCClient:
        return CCCClient(
            api_url=settings.api_url,
            credentials=settings.credentials,
            limiter=Pacer(settings.requests_per_second),
            region=settings.region,
            language=settings.language,
            timeout=settings.request_timeout,
            retry=RetryPolicy(
                max_attempts=settings.max_attempts,
                base_seconds=settings.retry_backoff_seconds,
                max_total_wait=settings.max_retry_seconds,
            ),
            pool_size=settings.workers,
            on_attempt=self._log_attempt,
        )

    def _log_attempt(self, action: str, status: int | None, seconds: float, error: BaseException | None) -> None:
        tags: dict[str, Any] = {
            metrics.Tag.STREAM: self.name,
            metrics.Tag.ENDPOINT: action,
            metrics.Tag.STATUS: metrics.Status.FAILED if error else metrics.Status.SUCCEEDED,
        }
        if status is not None:
            tags[metrics.Tag.HTTP_STATUS_CODE] = status
        if isinstance(error, APIError):
            tags["error_code"] = error.code
        self._log_metric(metrics.Point("timer", metrics.Metric.HTTP_REQUEST_DURATION, seconds, tags))

    def _record(
        self,
        campaign_id: int,
        future: Future[CallResult],
        settings: Settings,
        checker: RecordChecker,
        failures: Failures,
    ) -> dict[str, Any] | None:
        """The record for one campaign, or None when it is skipped or failed (failures says which)."""
        error = future.exception()
        if isinstance(error, APIError):
            disposition = error.disposition
            if disposition is Disposition.FATAL:
                raise FatalRunError(f"{error} while reading campaign {campaign_id}; stopping the run")
            if disposition is Disposition.SKIP_CAMPAIGN:
                self.logger.warning(
                    "Campaign %d skipped: the API says it does not exist (%s: %s, RequestId %s)",
                    campaign_id,
                    error.code,
                    error.message,
                    error.request_id,
                )
                return None
        if isinstance(error, TransportError) and error.fatal:
            raise FatalRunError(f"{error} (while reading campaign {campaign_id})")
        if isinstance(error, TapError):
            cause = error.code if isinstance(error, APIError) else _transport_cause(error)
            failures.add(campaign_id, cause, f"campaign {campaign_id}: {error} (after {error.attempts} attempt(s))")
            self.logger.error("Campaign %d not emitted: %s", campaign_id, error)
            return None
        if error is not None:
            raise error
        result = future.result()
        self.logger.debug("Campaign %d read, RequestId %s", campaign_id, result.request_id)
        if not result.data:
            failures.add(
                campaign_id,
                "empty answer",
                f"campaign {campaign_id}: the API answered with no campaign fields (RequestId {result.request_id})",
            )
            self.logger.error("Campaign %d not emitted: the answer holds no fields", campaign_id)
            return None
        record = checker.drop_unknown({**result.data, "SdkAppId": settings.sdk_app_id})
        record.setdefault("CampaignId", campaign_id)
        problems = [str(v) for v in checker.violations(record)]
        if record["CampaignId"] != campaign_id:
            problems.append(f"CampaignId: the answer is for campaign {record['CampaignId']!r}")
        if problems:
            failures.add(
                campaign_id,
                "invalid fields",
                f"campaign {campaign_id}: invalid field(s) {', '.join(problems)} (RequestId {result.request_id})",
            )
            self.logger.error("Campaign %d not emitted, schema check failed: %s", campaign_id, "; ".join(problems))
            return None
        checker.note_undocumented(record)
        return record


def _unreachable(settings: Settings, error: TransportError) -> FatalRunError:
    return FatalRunError(
        f"api_url: cannot reach {redact_url(settings.api_url)}: {error} (after {error.attempts} attempt(s))"
    )


def _transport_cause(error: TransportError) -> str:
    if error.http_status is None:
        return "no answer"
    return "malformed answer" if error.http_status == 200 else f"HTTP {error.http_status}"


def _attempts(future: Future[CallResult]) -> int:
    error = future.exception()
    if isinstance(error, TapError):
        return error.attempts
    return 1 if error is not None else future.result().attempts
