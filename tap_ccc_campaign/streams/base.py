"""What every stream of the tap shares: its API client, a STATE on failure, quiet logs."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future
from typing import Any, ClassVar

from singer_sdk import Tap, metrics
from singer_sdk.exceptions import AbortedSyncExceptionBase, MaxRecordsLimitException
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_ccc_campaign.api.campaign_list import Listing
from tap_ccc_campaign.api.client import CallResult, CCCClient, RetryPolicy
from tap_ccc_campaign.api.errors import APIError, Disposition, Missing, TransportError, denied
from tap_ccc_campaign.api.pacing import Interrupted, Pacers
from tap_ccc_campaign.api.paged_list import PagedList, Read, read_list
from tap_ccc_campaign.api.session_list import Sessions, read_sessions
from tap_ccc_campaign.api.transport import redact_url
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import (
    FatalRunError,
    PermissionDeniedError,
    SyncFailedError,
    SyncInterrupted,
    TapError,
    one_line,
)
from tap_ccc_campaign.run.failures import Failures, StreamFailures
from tap_ccc_campaign.run.output import Writer
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.run.spool import Spool
from tap_ccc_campaign.sdk_private import UNHANDLED_ERROR_LINE, PrivateStreamHooks
from tap_ccc_campaign.state.shapes import Shape
from tap_ccc_campaign.validation import RecordChecker


class CCCStream(PrivateStreamHooks):
    # Streams write their own STATE as they go (see _checkpoint); singer-sdk's counter never fires.
    STATE_MSG_FREQUENCY = 2**62
    STATE_EVERY = 5000  # records between two of the stream's own STATE messages (see _checkpoint_every)
    # Every record leaves the tap checked against its schema, unknown fields dropped at any depth
    # (validation.RecordChecker): singer-sdk's own pass over each record would change nothing.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    unit = "campaign"  # what a failure names ("campaign 2569", "task 50000001")
    actions: tuple[str, ...] = ()  # the API actions the stream calls: its CAM permissions
    record_per = ""  # what one record is ("campaign (its settings)"): README's streams table
    parent = "app"  # what the stream reads one by one: app, campaign, task or agent
    state_shape: ClassVar[dict[str, Shape]] = {}  # its state's keys: checked on read (state/shapes.py)

    def __init__(
        self,
        tap: Tap,
        *,
        spool: Spool,
        failed: StreamFailures | None = None,
        pacers: Pacers | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(tap=tap, **kwargs)
        self._spool = spool  # lists read once per run, shared with the other streams
        self._pacers = pacers  # one per action for the account: shared by the streams syncing side by side
        self._clients: list[CCCClient] = []  # this stream's, stopped with it
        self._stopping = threading.Event()
        self._stream_failures = failed if failed is not None else StreamFailures()
        self._state_writer = tap.state_writer
        self._writer = tap.message_writer if isinstance(tap.message_writer, Writer) else None
        self._handed: Callable[[], None] | None = None  # bookkeeping of the record handed to the SDK
        self._told = _ToldOnce()
        self.logger.addFilter(self._told)
        self.records_read = 0  # records handed to singer-sdk (read and valid), this run
        self._checkpointed = 0  # records emitted at the last STATE of this sync
        self.checker: RecordChecker | None = None

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        if self._writer is not None:
            self._writer.on_record_written(self._written)
        self._checkpointed = 0  # records emitted at the last STATE of this sync
        self._clients.clear()  # those of an earlier sync of this stream are closed
        records = self._sync()
        try:
            try:
                for record in records:
                    if self._stopping.is_set():  # the record is not handed: its bookkeeping is not done
                        raise SyncInterrupted(0)
                    self.records_read += 1
                    yield record
            finally:
                records.close()  # as `yield from` would: a stopped sync runs the stream's own cleanup now
        except GeneratorExit:
            raise
        except SyncFailedError as exc:
            # The stream ran to its end with some failures, or the key may not call one of its
            # actions: named at the end of the run, while the streams after this one still run.
            with contextlib.suppress(TapError, OSError, ValueError):
                self._checkpoint()
            message = one_line(str(exc))
            if isinstance(exc, PermissionDeniedError):
                needed = ", ".join(f"ccc:{action}" for action in self.actions)
                message += f"; the key's CAM policy must allow {needed}"
            self.logger.error("%s", message)
            self._stream_failures.add(self.name, message)
        except BaseException as exc:
            # A failed or stopped sync still tells the target how far it got.
            with contextlib.suppress(TapError, OSError, ValueError):
                self._checkpoint()
            if isinstance(exc, Interrupted) and self._stopping.is_set():
                # A call waiting to be sent when the run was stopped: the stop, not a failure.
                self._told.error = True
                raise SyncInterrupted(0) from None
            self._told.error = isinstance(exc, TapError)
            raise
        finally:
            if self._writer is not None:
                self._writer.on_record_written(None)
                # singer-sdk writes no STATE when the state did not change: the stream's last
                # records must not wait for one.
                with contextlib.suppress(TapError, OSError, ValueError):
                    self._writer.flush()

    def _hand(self, record: dict[str, Any], done: Callable[[], None]) -> Iterator[dict[str, Any]]:
        """Yield ``record``; ``done`` runs once it is written (whatever stream maps make of it: an
        alias, a copy), or, when a filter wrote nothing, once the SDK has handled it."""
        self._handed = done
        yield record
        self._written()

    def _written(self) -> None:
        done, self._handed = self._handed, None
        if done is not None:
            done()

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        raise NotImplementedError

    def _record_checker(self) -> RecordChecker:
        """The run's checker of this stream's records (kept: --test reports the fields it refused)."""
        self.checker = RecordChecker(self.schema, self.logger)
        return self.checker

    def save_progress(self) -> None:
        """Put what this run has done so far into the stream's state (called before each STATE)."""

    def ready(self) -> None:
        """Ready to sync: no stop asked for (yet)."""
        self._stopping.clear()

    def stop(self) -> None:
        """Stop the sync at its next record; its calls waiting to be sent are let go (any thread)."""
        self._stopping.set()
        for client in list(self._clients):
            client.stop()

    def publish_state(self) -> None:
        """Hand the stream's state, as its sync ended, to the STATE messages of the other streams."""
        board = getattr(self._state_writer, "board", None)
        if board is not None and board.active:
            board.publish(self.name, self.stream_state)

    def _checkpoint_every(self, emitted: int) -> None:
        """A STATE once STATE_EVERY more records were emitted since the last, and once the records
        since weigh enough that the STATEs stay a small share of the output (Writer.state_due): a
        stopped run then repeats little (a signal writes one at once), and a state that grows with
        the sessions is not written again every few thousand records."""
        if emitted - self._checkpointed < self.STATE_EVERY:
            return
        if self._writer is not None and not self._writer.state_due():
            return
        self._checkpointed = emitted
        self._checkpoint()

    def _checkpoint(self) -> None:
        self.save_progress()
        self._state_writer.write_state(self.tap_state)

    def _listed(
        self, settings: Settings, client: CCCClient, sdk_app_id: int, listing: Listing | None = None
    ) -> Iterator[dict[str, Any]]:
        """The app's campaign list entries: read by the first stream of the run to ask, and kept."""
        key = ("campaigns", sdk_app_id)

        def fill() -> None:
            read = listing or Listing(client, sdk_app_id, self.logger)
            try:
                self._spool.keep_items(key, read)
            except (APIError, TransportError) as exc:
                raise list_failed(settings, client, f"listing the campaigns of SdkAppId {sdk_app_id}", exc) from None
            self._spool.keep(("complete", sdk_app_id), read.complete)

        self._spool.once(key, fill)
        yield from self._spool.replay(key)

    def _sessions_of(self, client: CCCClient, sdk_app_id: int, campaign_id: int) -> Sessions:
        """A campaign's session ids, and whether its list was whole: read by the first stream of the
        run to ask, and kept."""
        key = ("sessions", sdk_app_id, campaign_id)

        def fill() -> None:
            found = read_sessions(client, sdk_app_id, campaign_id)
            self._spool.keep(key, [found.ids, found.complete])

        self._spool.once(key, fill)
        ids, complete = self._spool.get(key)
        return Sessions(ids, complete)

    def _warn_short_lists(self, short: list[int]) -> None:
        """One line for the campaigns whose session list stayed short of its TotalCount: not done
        with this sync (listed again at the next), so no session of theirs is given up."""
        if short:
            self.logger.warning(
                "%d %s session list(s) showed fewer sessions than their TotalCount after every pass: read "
                "again at the next sync: %s%s",
                len(short),
                self.unit,
                ", ".join(map(str, short[:10])),
                " …" if len(short) > 10 else "",
            )

    def _read_whole(self, client: CCCClient, kind: PagedList, sdk_app_id: int) -> Read:
        """A list read whole (no ModifiedTime): read by the first stream of the run to ask, and kept."""
        key = ("whole", kind.action, sdk_app_id)

        def fill() -> None:
            read = read_list(client, kind, sdk_app_id)
            self._spool.keep(key, [list(read.items.values()), read.complete])

        self._spool.once(key, fill)
        entries, complete = self._spool.get(key)
        return Read({entry[kind.key]: entry for entry in entries}, complete, 0)

    def _warn_listed_twice(self, twice: list[tuple[str, int]]) -> None:
        """One line for the sessions a list gave under a second campaign: (session id, that campaign)."""
        if twice:
            self.logger.warning(
                "%d session(s) were listed under two campaigns: each is loaded once, with the first campaign: %s%s",
                len(twice),
                ", ".join(f"{s} (again under campaign {cid})" for s, cid in twice[:10]),
                " …" if len(twice) > 10 else "",
            )

    def _listed_whole(self, settings: Settings) -> bool:
        """Whether this run listed every campaign of every app, each list complete (see Listing): only
        then may a campaign's absence from the lists count."""
        return settings.discovery and self._all_complete(settings, "complete")

    def _all_complete(self, settings: Settings, what: str) -> bool:
        """Whether the spool holds a true ``(what, SdkAppId)`` for every app: each list read complete."""
        keys = [(what, app) for app in settings.sdk_app_ids]
        return all(key in self._spool and bool(self._spool.get(key)) for key in keys)

    def _configured(self, settings: Settings, client: CCCClient) -> Iterator[tuple[int, dict[str, Any]]]:
        """(SdkAppId, list entry) of every campaign the config asks for: all, or the campaign_ids."""
        wanted = set(settings.campaign_ids)
        for sdk_app_id in settings.sdk_app_ids:
            for entry in self._listed(settings, client, sdk_app_id):
                if not wanted or entry["CampaignId"] in wanted:
                    yield sdk_app_id, entry

    def _item_failed(
        self,
        item: int | str,
        error: BaseException,
        failures: Failures,
        doing: str,
        *,
        gone_if_said: bool = False,
        count: int = 1,
    ) -> None:
        """A call about one item (a campaign, task or agent: the stream's ``unit``) failed while
        ``doing`` ("listing its sessions"): what stops the run is raised, the rest counted. With
        ``gone_if_said``, an answer that says that very item does not exist (gone since it was
        listed) skips it with a warning; a code alone never does."""
        label = str(item)
        if gone_if_said and isinstance(error, APIError) and error.missing_for(self.unit) is Missing.SAYS_SO:
            self.logger.warning("%s %s no longer exists: skipped %s (%s)", self.unit.capitalize(), label, doing, error)
            return
        if isinstance(error, APIError) and denied(error.code):
            raise PermissionDeniedError(f"{doing} of {self.unit} {label}: not allowed: {error}")
        if isinstance(error, APIError) and error.disposition is Disposition.FATAL:
            raise FatalRunError(f"{error} while {doing} of {self.unit} {label}; stopping the run")
        if isinstance(error, TransportError) and error.fatal:
            raise FatalRunError(f"{error} (while {doing} of {self.unit} {label})")
        if not isinstance(error, TapError):
            raise error
        cause = error.code if isinstance(error, APIError) else transport_cause(error)
        failures.add(
            label, cause, f"{self.unit} {label}: {doing}: {error} (after {error.attempts} attempt(s))", count=count
        )
        self.logger.error("%s %s: %s failed: %s", self.unit.capitalize(), label, doing, error)

    def _client(self, settings: Settings, progress: Progress) -> CCCClient:
        def on_attempt(action: str, status: int | None, seconds: float, error: BaseException | None) -> None:
            progress.called()
            if self.metrics_logger.isEnabledFor(logging.INFO):  # the tap lowers it unless log_metrics
                self._log_attempt(action, status, seconds, error)

        if self._pacers is None:
            self._pacers = Pacers(settings.requests_per_second)
        client = CCCClient(
            api_url=settings.api_url,
            credentials=settings.credentials,
            pacers=self._pacers,
            region=settings.region,
            language=settings.language,
            timeout=settings.request_timeout,
            retry=RetryPolicy(
                max_attempts=settings.max_attempts,
                base_seconds=settings.retry_backoff_seconds,
                max_total_wait=settings.max_retry_seconds,
            ),
            pool_size=settings.workers,
            on_attempt=on_attempt,
        )
        self._clients.append(client)
        if self._stopping.is_set():
            client.stop()
        return client

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
        metrics.log(self.metrics_logger, metrics.Point("timer", metrics.Metric.HTTP_REQUEST_DURATION, seconds, tags))


def release(client: CCCClient, *pools: OrderedPool[Any, Any]) -> None:
    """Close a sync's pools and client, however the sync ends (its calls in flight are let go)."""
    for pool in pools:
        pool.close()
    client.stop()
    client.close()


def forget_unlisted(kept: dict[int, dict[int, Any]], listed: dict[int, set[int]], apps: Iterable[int]) -> None:
    """Keep, per app, only the campaigns a complete listing still has: the state forgets deleted ones."""
    for app in apps:
        kept[app] = {cid: value for cid, value in kept.get(app, {}).items() if cid in listed.get(app, ())}


class _ToldOnce(logging.Filter):
    """Drops singer-sdk's generic "An unhandled error occurred" line when the error is one of ours
    (the CLI prints it as one line that already says what happened), or singer-sdk's own stop of a
    stream after its records for --test (not an error at all)."""

    error = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != UNHANDLED_ERROR_LINE:
            return True
        handled = sys.exc_info()[1]
        dry_run_stop = isinstance(handled, AbortedSyncExceptionBase) and isinstance(
            handled.__cause__, MaxRecordsLimitException
        )
        return not (self.error or dry_run_stop)


def unreachable(settings: Settings, error: TransportError) -> FatalRunError:
    return FatalRunError(
        f"api_url: cannot reach {redact_url(settings.api_url)}: {error} (after {error.attempts} attempt(s))"
    )


def list_failed(settings: Settings, client: CCCClient, what: str, error: TapError) -> TapError:
    """The error for a list call (``what``: "listing the campaigns of SdkAppId 1") that failed: the
    run stops when no call can succeed, otherwise this stream ends with it and the others still run."""
    if isinstance(error, APIError) and denied(error.code):
        return PermissionDeniedError(f"{what}: not allowed: {error}")
    if isinstance(error, APIError) and error.disposition is Disposition.FATAL:
        return FatalRunError(f"{error} while {what}")
    if isinstance(error, TransportError) and (not client.answered.is_set() or error.fatal):
        return unreachable(settings, error)
    return SyncFailedError(f"{what} failed: {error} (after {error.attempts} attempt(s))")


def transport_cause(error: TapError) -> str:
    """What failed, for a summary: no answer, a malformed one, or an HTTP status."""
    if not isinstance(error, TransportError) or error.http_status is None:
        return "no answer"
    return "malformed answer" if error.http_status == 200 else f"HTTP {error.http_status}"


def attempts(future: Future[CallResult] | Future[Any]) -> int:
    error = future.exception()
    if isinstance(error, TapError):
        return error.attempts
    if error is not None:
        return 1
    result = future.result()
    return getattr(result, "attempts", 1)
