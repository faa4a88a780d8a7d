"""agent_status_history: every status change of every agent (free, busy, rest, notReady,
afterCallWork, offline), what predictive dialing's abandon rate depends on.

DescribeStaffStatusHistory takes one agent per call and a window under 7 days, at most 180 days
back. Per agent of the app (the whole agent list: one call per 1,000 agents, shared with the agents
stream when it reads whole in the same run), the tap reads from
where the last sync stopped (its bookmark) up to a few minutes ago (changes are read once they
have settled), in 7-day windows: a first sync costs agents x ceil(days / 7) windows (start_date,
or the 178 days the action can reach), each later one about one window per agent. A window that
fails leaves the agent's bookmark before it: read again at the next sync. A status change the
schema refuses is refused alone (named at the end): the changes beside it are loaded and the
bookmark moves on, as a past change never changes. An app whose agent list fails is named at the
end; the other apps are read. An agent deleted since the list was read is skipped with a warning.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from typing import Any, ClassVar

from tap_ccc_campaign.api import windows as cdr_windows
from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import APIError, TransportError
from tap_ccc_campaign.api.lists import CursorRead
from tap_ccc_campaign.api.paged_list import AGENTS
from tap_ccc_campaign.api.status_history import read_window, windows
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import PermissionDeniedError, SyncFailedError, TapError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import shapes
from tap_ccc_campaign.streams.base import CCCStream, list_failed, release, transport_cause
from tap_ccc_campaign.validation import Violation

clock = time.time  # the moment a sync reads up to (a test sets it)
SETTLE = 300  # seconds: a status change is read once it is this old (visible everywhere by then)
# A refused change is not asked for again: the history of the past is what it is.
REFUSED = (
    "status change(s) were refused by the schema and not loaded "
    "(a past status change does not change: reading it again cannot help)"
)

Window = tuple[int, str, tuple[int, int]]  # (SdkAppId, agent, (start, end))


class AgentStatusHistoryStream(CCCStream):
    name = "agent_status_history"
    state_shape: ClassVar[dict[str, shapes.Shape]] = {
        "agents": shapes.Map(shapes.APP, shapes.Map(shapes.MAIL, shapes.UnixTime()))
    }
    record_per = "status change of an agent (free, busy on a call, rest, ...)"
    parent = "agent"
    actions = ("DescribeStaffInfoList", "DescribeStaffStatusHistory")
    primary_keys = ("SdkAppId", "StaffUserId", "Timestamp", "Status")
    selected_by_default = False
    unit = "agent"

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        bookmarks: dict[str, dict[str, int]] = self.stream_state.setdefault("agents", {})
        now = int(clock())
        end = now - SETTLE
        oldest = cdr_windows.oldest(now, settings.start_date)
        progress = Progress(0, self.logger, limit=settings.requests_per_second, unit="agent windows")
        client = self._client(settings, progress)
        failures = Failures(self.unit)  # windows not read: read again at the next sync
        refused = Failures(self.unit)  # status changes the schema refuses: never asked for again
        unlisted = Failures("SdkAppId")  # apps whose agent list could not be read
        denied = False  # an app's agent list the key may not read: the stream names the permission
        stale: list[str] = []  # agents whose bookmark is older than the API can reach
        agents_seen = emitted = 0

        def jobs() -> Iterator[Window]:
            nonlocal agents_seen, denied
            for sdk_app_id in settings.sdk_app_ids:
                try:
                    agents = self._read_whole(client, AGENTS, sdk_app_id).items
                except (APIError, TransportError) as exc:
                    # One app's failing list is that app's: the other apps' histories are still read.
                    denied = self._app_failed(settings, client, sdk_app_id, exc, unlisted) or denied
                    continue
                kept = bookmarks.setdefault(str(sdk_app_id), {})
                agents_seen += len(agents)
                for agent in agents:
                    start = kept.get(agent) if isinstance(kept.get(agent), int) else None
                    if start is not None and start < oldest and settings.start_date is None:
                        stale.append(agent)
                    start = oldest if start is None or start < oldest else start
                    chunks = windows(start, end)
                    progress.total += len(chunks)
                    for chunk in chunks:
                        yield sdk_app_id, agent, chunk

        pool: OrderedPool[Window, CursorRead] = OrderedPool(
            lambda job: read_window(client, job[0], job[1], job[2]),
            workers=settings.workers,
            window=settings.workers * 2,
        )
        # Agents whose later windows are not read this run: one failed (its bookmark stays before
        # it, read again next sync), or the agent is gone since it was listed.
        stopped: set[tuple[int, str]] = set()
        try:
            for (sdk_app_id, agent, chunk), future in pool.map(jobs()):
                progress.advance()
                if (sdk_app_id, agent) in stopped:
                    continue
                error = future.exception()
                if error is not None:
                    if not isinstance(error, TapError):
                        raise error
                    stopped.add((sdk_app_id, agent))
                    doing = f"reading its status history from {chunk[0]}"
                    self._item_failed(agent, error, failures, doing, gone_if_said=True)
                    continue
                read = future.result()
                if not read.complete:  # what it read is loaded; its bookmark stays before the window
                    stopped.add((sdk_app_id, agent))
                    failures.add(agent, "incomplete history", f"agent {agent}: window from {chunk[0]}: {read.why}")
                for event in read.items:
                    record, problems = checker.checked({"SdkAppId": sdk_app_id, "StaffUserId": agent, **event})
                    if problems:  # refused alone: the changes beside it are loaded, the bookmark moves on
                        self._refused(agent, event, problems, refused)
                        continue
                    checker.note_undocumented(record)
                    yield record
                    emitted += 1
                if (sdk_app_id, agent) not in stopped:
                    bookmarks[str(sdk_app_id)][agent] = chunk[1]
                self._checkpoint_every(emitted)
        finally:
            release(client, pool)
        if stale:
            self.logger.warning(
                "%d agent(s) were last read before %s, beyond DescribeStaffStatusHistory's 180 days: their "
                "changes in between cannot be read: %s",
                len(stale),
                time.strftime("%Y-%m-%d", time.gmtime(oldest)),
                ", ".join(stale[:10]),
            )
        self.logger.info("Done: %d status change(s) emitted; %s", emitted, progress.line())
        summaries = [
            *([unlisted.summary(len(settings.sdk_app_ids), "agent list(s) were not read")] if unlisted else []),
            *([failures.summary(agents_seen, "agent(s) status histories were not all read")] if failures else []),
            *([refused.summary(emitted + refused.count, REFUSED)] if refused else []),
        ]
        if summaries:
            raise (PermissionDeniedError if denied else SyncFailedError)("; ".join(summaries))

    def _app_failed(
        self,
        settings: Settings,
        client: CCCClient,
        sdk_app_id: int,
        error: APIError | TransportError,
        unlisted: Failures,
    ) -> bool:
        """The app's agent list failed: what stops the run is raised; otherwise the app is named at
        the end (its agents' bookmarks stay where they are). Whether the key may not read it."""
        told = list_failed(settings, client, f"listing the agents of SdkAppId {sdk_app_id}", error)
        if not isinstance(told, SyncFailedError):
            raise told from None
        cause = error.code if isinstance(error, APIError) else transport_cause(error)
        unlisted.add(str(sdk_app_id), cause, str(told))
        self.logger.error("%s", told)
        return isinstance(told, PermissionDeniedError)

    def _refused(self, agent: str, event: dict[str, Any], problems: list[Violation], refused: Failures) -> None:
        detail = f"agent {agent} at {event.get('Timestamp')}: {', '.join(map(str, problems))}"
        refused.add(agent, "invalid fields", detail)
        self.logger.warning(
            "Status change of %s refused by the schema, not loaded: %s; a past status change does not change: "
            "reading it again cannot help, so the agent's bookmark moves on past it",
            agent,
            detail,
        )
