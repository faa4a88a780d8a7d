"""predictive_dialing_calls: each session's call detail record, read with DescribeTelCdr.

Per campaign that may have new sessions (activity.py), its sessions are listed (or taken from the
sessions stream of this run) and the calls not yet loaded are asked for, at most 100 SessionIds a
call, each batch in one readable window (windows.py) and what it lacks in the next (cdr_asks.py).
A record is loaded once it is final (cdr.py); one that can still change is read again at the next
syncs (a few times at most).

Nothing is given up silently: a session whose record could not be loaded (none yet, one that
fails the schema, one before start_date) stays pending in the state, whatever its campaign does,
and is asked for again at later syncs until it is loaded, or until it is out of DescribeTelCdr's
reach (its campaign ended before the oldest readable day, or it has been pending that long): then
it is named once. The state keeps, per campaign that can still get calls, 40 bits of each loaded
session id; a finished campaign's set is dropped once it has all, and a deleted campaign's once
a complete discovery sync no longer lists it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from tap_ccc_campaign.api import cdr, windows
from tap_ccc_campaign.api.client import CALLS_PAGE_SIZE, CCCClient
from tap_ccc_campaign.api.lists import OffsetList, read_pages
from tap_ccc_campaign.api.session_list import Sessions
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError, TapError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import activity, encoding, shapes
from tap_ccc_campaign.state.fingerprints import mark as entry_mark
from tap_ccc_campaign.state.ids import IdSet
from tap_ccc_campaign.state.keys import by_id
from tap_ccc_campaign.state.marks import decode_marks, encode_marks
from tap_ccc_campaign.streams.base import CCCStream, forget_unlisted, release
from tap_ccc_campaign.streams.cdr_asks import Ask, Asks

# Syncs in a row a loaded call is read again while its record can still change (ASR text being
# made) before it is kept as it is.
MAX_TRIES = 3
# A pending session older than this (days since it was first asked for) cannot be read any more.
REACH_DAYS = windows.REACH // windows.DAY
# Before this day (unix days) a pending value was a number of tries (an older state): read as today.
_FIRST_DAY = 20_000


@dataclass
class ParentCalls:
    """The calls of one parent: a predictive campaign here, an auto-callout task in auto_callout.py."""

    sdk_app_id: int
    parent_id: int  # its CampaignId, or the TaskId of an auto-callout task
    mark: int
    listed: bool  # its sessions were listed this run
    terminal: bool
    loaded: set[int]
    pending: dict[str, int]  # not loaded yet: session id -> the day it was first asked for
    changing: dict[str, int]  # loaded, may still change: session id -> reads so far
    end: int | None  # when it stopped calling (a task's NotAfter; a campaign's EndTime once a call was not found)
    start: int | None = None  # a task's NotBefore
    # A campaign's StartTime and EndTime as read (either None if absent): a guess of which window
    # holds its calls, never a reason not to ask for them.
    read_span: tuple[int | None, int | None] | None = None
    # The windows its calls are asked in, newest first: those covering its own span where its list
    # entry tells it (a task's NotBefore and NotAfter), else every readable one.
    spans: list[tuple[int, int]] = field(default_factory=list)
    failed: bool = False
    short: bool = False  # its session list was not whole: not done with, listed again next sync
    out_of_reach: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


Batch = Ask[ParentCalls]


@dataclass
class Fetched:
    records: list[dict[str, Any]]
    missing: list[str]
    anonymous: int  # records without a SessionId: they cannot be matched to a session


# Records are asked for by SessionIds, a hundred at a time; nothing is concluded from what a
# window lacks (a session without a record stays pending), so the count ends the list.
TEL_CDR = OffsetList(
    "DescribeTelCdr",
    "TelCdrList",
    "SessionId",
    str,
    CALLS_PAGE_SIZE,
    prove_end=False,
    keyless_ok=True,
    older_list_field="TelCdrs",
)


def fetch(client: CCCClient, sdk_app_id: int, session_ids: list[str], span: tuple[int, int]) -> Fetched:
    """The records of ``session_ids`` found in the window ``span``, and the ids with none there."""
    found: dict[str, dict[str, Any]] = {}
    anonymous: set[Any] = set()
    wanted = set(session_ids)
    asked = {"SdkAppId": sdk_app_id, "StartTimeStamp": span[0], "EndTimeStamp": span[1], "SessionIds": session_ids}
    for rows in read_pages(client, TEL_CDR, asked):
        for row in rows:
            session = row.get("SessionId")
            if not isinstance(session, str) or not session:
                anonymous.add(TEL_CDR.key_of(row))
            elif session in wanted and session not in found:
                found[session] = row
    return Fetched(list(found.values()), [s for s in session_ids if s not in found], len(anonymous))


def campaign_span(
    client: CCCClient, campaign: ParentCalls, kept: object = None
) -> tuple[int | None, int | None] | None:
    """The campaign's StartTime and EndTime (fixed once it started): from ``kept`` (the campaigns
    stream's, of this run) if it has them, else read once per campaign, from any worker; None if
    the read failed."""
    with campaign.lock:
        if campaign.read_span is None:
            if not (isinstance(kept, list | tuple) and len(kept) == 2):
                try:
                    data = client.describe_campaign(campaign.sdk_app_id, campaign.parent_id).data
                except TapError:
                    return None  # unknown: its sessions stay pending, and are asked newest window first
                kept = (data.get("StartTime"), data.get("EndTime"))
            campaign.read_span = (unix_seconds(kept[0]), unix_seconds(kept[1]))
        return campaign.read_span


def unix_seconds(value: object) -> int | None:
    """A time field as the API sends it: 0, null or anything not an integer is not set."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def per_parent(state: Any, where: str, warn: Callable[[str], None]) -> dict[int, dict[int, Any]]:
    """A part kept per app and campaign (``where``: "predictive_dialing_calls: pending"), keys as ints."""
    return {a: by_id(per, f"{where}[{a}]", warn) for a, per in by_id(state, where, warn).items()}


def per_parent_state(kept: dict[int, dict[int, Any]]) -> dict[str, dict[str, Any]]:
    return {str(a): {str(c): v for c, v in sorted(per.items())} for a, per in sorted(kept.items()) if per}


class CallRecordsStream(CCCStream):
    """The call records of each parent's sessions: a parent is a predictive campaign
    (PredictiveDialingCallsStream, below) or an auto-callout task (auto_callout.py), each stream
    saying where its parents, their sessions and their ends come from (the hooks below)."""

    primary_keys = ("SdkAppId", "SessionId")
    selected_by_default = False  # select it (Meltano: select) to load the calls
    STATE_EVERY = 5000  # records between two STATE messages, at the end of a parent's batches
    parent_key = ""  # the record's column naming its parent (ParentCalls.parent_id)
    listing = ""  # what reading a parent's session ids is called in messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marks: defaultdict[int, dict[int, int]] | None = None
        self._loaded: dict[int, dict[int, str]] = {}
        self._pending: dict[int, dict[int, dict[str, int]]] = {}
        self._changing: dict[int, dict[int, dict[str, int]]] = {}
        self._ends: dict[int, dict[int, int]] = {}
        # Parents whose calls are being read: a STATE written before they finish (a stop) keeps
        # the calls already written as loaded, so a resumed run does not write them again.
        self._in_flight: dict[tuple[int, int], ParentCalls] = {}
        self._today = 0

    def _parents(self, settings: Settings, client: CCCClient) -> Iterator[tuple[int, dict[str, Any]]]:
        """(SdkAppId, list entry) of every parent to consider."""
        raise NotImplementedError

    def _may_have_new_sessions(self, entry: dict[str, Any], previous: int | None) -> bool:
        """Whether the parent can have sessions not seen when its mark was ``previous`` (None: never listed)."""
        raise NotImplementedError

    def _mark(self, entry: dict[str, Any]) -> int:
        """What the state keeps of the parent's list entry once its sessions were handled."""
        raise NotImplementedError

    def _terminal(self, entry: dict[str, Any]) -> bool:
        """Whether the parent calls no one again: its loaded set is dropped once all its calls are in."""
        raise NotImplementedError

    def _parent_sessions(self, client: CCCClient, parent: ParentCalls) -> Sessions:
        raise NotImplementedError

    def _known_span(self, entry: dict[str, Any]) -> tuple[int | None, int | None] | None:
        """(first, last): when the parent may have begun and stopped calling, as its list entry
        tells it now (either None: no bound); None when the entry does not tell."""
        raise NotImplementedError

    def _parent_span(self, client: CCCClient, parent: ParentCalls) -> tuple[int | None, int | None] | None:
        """When the parent began and stopped calling where its list entry does not tell it (read
        once): asked before asking for many of its calls (which window first?), and when a
        session has no record in any window (is it beyond reach?)."""
        raise NotImplementedError

    def _likely_span(self, parent: ParentCalls) -> tuple[int | None, int | None]:
        """When most of the parent's calls were made, as far as is known: which window to ask first.
        A predictive campaign dials all along its StartTime to EndTime."""
        return parent.read_span or (parent.start, parent.end)

    def _learn_end(self, client: CCCClient, parent: ParentCalls) -> None:
        """A session has no record in any window: the parent's end tells whether it never will."""
        span = self._parent_span(client, parent)
        if span is not None and span[1] is not None:
            with parent.lock:
                if parent.end is None:
                    parent.end = span[1]

    def _list_parent(self, client: CCCClient, parent: ParentCalls) -> Sessions:
        """The parent's sessions (none when it was not to be listed), and its span where many of
        them may be new and more than one window could hold them."""
        if not parent.listed:
            return Sessions([], True)
        found = self._parent_sessions(client, parent)
        if len(parent.spans) > 1 and len(found.ids) - len(parent.loaded) > CALLS_PAGE_SIZE:
            self._parent_span(client, parent)
        return found

    def save_progress(self) -> None:
        if self._marks is None:
            return
        loaded, pending, changing = (
            {app: dict(per) for app, per in kept.items()} for kept in (self._loaded, self._pending, self._changing)
        )
        for (app, parent_id), parent in self._in_flight.items():
            # Sessions found out of reach are named when the parent is done: until then they stay
            # pending (as old as the reach), so a run stopped before names them next time.
            unnamed = {session: self._today - REACH_DAYS - 1 for session in parent.out_of_reach}
            written = parent.loaded - {cdr.session_hash(session) for session in unnamed}
            if written:
                loaded.setdefault(app, {})[parent_id] = encoding.encode(written)
            for kept, value in ((pending, {**parent.pending, **unnamed}), (changing, parent.changing)):
                if value:
                    kept.setdefault(app, {})[parent_id] = dict(value)
        self.stream_state["marks"] = encode_marks(self._marks)
        self.stream_state["loaded"] = per_parent_state(loaded)
        self.stream_state["pending"] = per_parent_state(pending)
        self.stream_state["changing"] = per_parent_state(changing)
        self.stream_state["ends"] = per_parent_state(self._ends)

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        warn = self.logger.warning
        self._marks = marks = decode_marks(self.stream_state, f"{self.name}: marks", warn)
        self._loaded = per_parent(self.stream_state.get("loaded"), f"{self.name}: loaded", warn)
        self._pending = per_parent(self.stream_state.get("pending"), f"{self.name}: pending", warn)
        self._changing = per_parent(self.stream_state.get("changing"), f"{self.name}: changing", warn)
        self._ends = per_parent(self.stream_state.get("ends"), f"{self.name}: ends", warn)
        self._in_flight = {}
        now = int(time.time())
        self._today = today = now // windows.DAY
        spans = windows.readable(now, settings.start_date)
        reach = now - windows.REACH  # the oldest call DescribeTelCdr can return
        since = max(reach, int(settings.start_date.timestamp())) if settings.start_date else reach
        progress = Progress(0, self.logger, limit=settings.requests_per_second, unit="batches of calls")
        client = self._client(settings, progress)
        # A few campaigns' lists ahead are enough to keep the call-record reads busy (one list page
        # of 1,000 sessions feeds ten of them); with a pool's worth, the next campaign's second
        # page would queue at the pacer behind dozens of other lists while the reads wait for it.
        listers = settings.listers
        sessions_pool: OrderedPool[ParentCalls, Sessions] = OrderedPool(
            lambda c: self._list_parent(client, c),
            workers=listers,
            window=listers,
        )

        def read(ask: Batch) -> Fetched:
            campaign = ask.parent
            fetched = fetch(client, campaign.sdk_app_id, ask.sessions, campaign.spans[ask.window])
            if fetched.missing and ask.last:
                self._learn_end(client, campaign)
            return fetched

        calls_pool: OrderedPool[Batch, Fetched] = OrderedPool(
            read, workers=settings.workers, window=settings.workers * 2
        )
        asks: Asks[ParentCalls] = Asks(CALLS_PAGE_SIZE)
        failures = Failures(self.unit)  # calls not loaded
        list_failures = Failures(self.unit)  # campaigns whose sessions could not be listed
        out_of_reach: list[ParentCalls] = []
        listed_now: defaultdict[int, set[int]] = defaultdict(set)
        seen: defaultdict[int, IdSet] = defaultdict(IdSet)  # sessions handled this run, per app
        why = Counter[str]()  # calls not loaded this run, by reason
        twice: list[tuple[str, int]] = []  # (session, the campaign it was listed under again)
        short: list[int] = []  # campaigns whose session list was not whole
        emitted = asked_in_all = campaigns_seen = 0

        def campaigns() -> Iterator[ParentCalls]:
            for sdk_app_id, entry in self._parents(settings, client):
                parent_id = entry[self.parent_key]
                listed_now[sdk_app_id].add(parent_id)
                listed = settings.full_refresh or self._may_have_new_sessions(entry, marks[sdk_app_id].get(parent_id))
                pending = self._pending.get(sdk_app_id, {}).get(parent_id, {})
                changing = self._changing.get(sdk_app_id, {}).get(parent_id, {})
                if not listed and not pending and not changing:
                    continue
                loaded = self._loaded.get(sdk_app_id, {}).get(parent_id)
                # The entry of now comes first: a task restarted since the state was written has a
                # later NotAfter (its span grows), and its new calls are in it.
                known = self._known_span(entry)
                first, end = (None, self._ends.get(sdk_app_id, {}).get(parent_id)) if known is None else known
                yield ParentCalls(
                    sdk_app_id,
                    parent_id,
                    self._mark(entry),
                    listed,
                    self._terminal(entry),
                    set() if settings.full_refresh or not loaded else encoding.decode(loaded),
                    {s: (day if day >= _FIRST_DAY else today) for s, day in pending.items()},
                    dict(changing),
                    end,
                    start=first,
                    spans=windows.covering(now, settings.start_date, first, end) if known is not None else spans,
                )

        def to_ask(campaign: ParentCalls, listed: list[str]) -> list[str]:
            """The campaign's sessions to ask for now; the rest stays pending or is out of reach."""
            app_seen = seen[campaign.sdk_app_id]
            wanted = []
            for session in dict.fromkeys([*listed, *campaign.pending, *campaign.changing]):
                hashed = cdr.session_hash(session)
                if hashed in app_seen:
                    twice.append((session, campaign.parent_id))
                    campaign.pending.pop(session, None)
                    continue
                app_seen.add(hashed)
                if session in campaign.changing:  # loaded, and read again while it can change
                    if campaign.spans:
                        wanted.append(session)
                    else:  # no window to read it in: counted as a read that found nothing
                        self._read_again(campaign, session)
                    continue
                if hashed in campaign.loaded:
                    continue
                campaign.pending.setdefault(session, today)
                if self._beyond_reach(campaign, session, reach, today):
                    continue
                if not campaign.spans or (campaign.end is not None and campaign.end < since):
                    why["before start_date (kept pending)"] += 1
                    continue
                wanted.append(session)
            return wanted

        def batches() -> Iterator[Batch]:
            nonlocal asked_in_all, campaigns_seen
            for campaign, future in sessions_pool.map(campaigns()):
                error = future.exception()
                if error is not None:
                    campaign.failed = True
                    self._item_failed(campaign.parent_id, error, list_failures, self.listing, gone_if_said=True)
                    listed: list[str] = []
                else:
                    found = future.result()
                    listed = found.ids
                    if not found.complete:
                        campaign.short = True
                        short.append(campaign.parent_id)
                campaigns_seen += 1
                wanted = to_ask(campaign, listed)
                likely = windows.overlaps(campaign.spans, *self._likely_span(campaign), now)
                count, made = asks.fresh(campaign, wanted, likely)
                progress.total += count
                asked_in_all += len(wanted)
                if not count:
                    self._finish(campaign, out_of_reach)
                else:
                    self._in_flight[campaign.sdk_app_id, campaign.parent_id] = campaign
                for ask in made:
                    yield from leftovers()  # first: their campaigns finish sooner
                    yield ask
            yield from leftovers()

        def leftovers() -> Iterator[Batch]:
            """The asks of sessions an earlier ask's window lacked, in the next window, made so far."""
            for ask in asks.ready():
                progress.total += 1
                yield ask

        def answers() -> Iterator[tuple[Batch, Future[Fetched]]]:
            yield from calls_pool.map(batches())
            # Leftovers of the last campaigns, whose asks came back after the last was sent: each
            # round leaves them one window fewer to try, so this ends.
            while asks:
                yield from calls_pool.map(leftovers())

        try:
            for ask, future in answers():
                campaign = ask.parent
                progress.advance()
                error = future.exception()
                if error is not None:
                    asks.failed(ask)
                    campaign.failed = True
                    doing = f"reading {len(ask.sessions)} call record(s)"
                    self._item_failed(campaign.parent_id, error, failures, doing, count=len(ask.sessions))
                    why["read failed (kept pending)"] += len(ask.sessions)
                else:
                    fetched = future.result()
                    if fetched.anonymous:
                        why["records without a SessionId (ignored)"] += fetched.anonymous
                    for raw in fetched.records:
                        record, problems = checker.checked(
                            cdr.loadable(raw) | {"SdkAppId": campaign.sdk_app_id, self.parent_key: campaign.parent_id}
                        )
                        if problems:
                            label = str(campaign.parent_id)
                            detail = f"call {raw['SessionId']}: invalid field(s) {', '.join(map(str, problems))}"
                            failures.add(label, "invalid fields", detail)
                            why["invalid (kept pending)"] += 1
                            continue
                        checker.note_undocumented(record)
                        yield record
                        emitted += 1
                        self._noted(campaign, raw)
                    for session in asks.answered(ask, fetched.missing):
                        if session in campaign.changing:  # loaded before: kept as it was
                            self._read_again(campaign, session)
                        elif not self._beyond_reach(campaign, session, reach, today):
                            why["no record yet (kept pending)"] += 1
                if asks.done(campaign):
                    self._finish(campaign, out_of_reach)
                    self._checkpoint_every(emitted)
        finally:
            release(client, sessions_pool, calls_pool)
        if not failures and not list_failures and self._listed_whole(settings):
            for kept in (marks, self._loaded, self._pending, self._changing, self._ends):
                forget_unlisted(kept, listed_now, settings.sdk_app_ids)
        self.save_progress()
        self._tell(out_of_reach, twice, reach, settings)
        self._warn_short_lists(short)
        not_loaded = "; ".join(f"{n} {reason}" for reason, n in sorted(why.items()) if n)
        self.logger.info(
            "Done: %d call record(s) emitted%s; %s",
            emitted,
            f"; not loaded: {not_loaded}" if not_loaded else "",
            progress.line(),
        )
        summaries = [
            *([failures.summary(asked_in_all, "call(s) were not loaded (kept pending)")] if failures else []),
            *(
                [list_failures.summary(campaigns_seen, f"{self.unit} session list(s) were not read")]
                if list_failures
                else []
            ),
        ]
        if summaries:
            raise SyncFailedError("; ".join(summaries))

    @staticmethod
    def _beyond_reach(campaign: ParentCalls, session: str, reach: int, today: int) -> bool:
        """A pending session that can no longer be read: its campaign ended before the reach, or it has
        been pending longer than the reach. It is then named once and not asked for again."""
        first = campaign.pending.get(session)
        ended_before = campaign.end is not None and campaign.end < reach
        if first is None or not (ended_before or first < today - REACH_DAYS):
            return False
        campaign.pending.pop(session)
        campaign.loaded.add(cdr.session_hash(session))
        campaign.out_of_reach.append(session)
        return True

    def _noted(self, campaign: ParentCalls, record: dict[str, Any]) -> None:
        session = record["SessionId"]
        campaign.pending.pop(session, None)
        campaign.loaded.add(cdr.session_hash(session))
        if cdr.final(record):
            campaign.changing.pop(session, None)
        else:  # loaded as it is now; read again next time
            self._read_again(campaign, session)

    @staticmethod
    def _read_again(campaign: ParentCalls, session: str) -> None:
        tries = campaign.changing.get(session, 0) + 1
        if tries < MAX_TRIES:
            campaign.changing[session] = tries
        else:  # kept as last loaded
            campaign.changing.pop(session, None)

    def _finish(self, campaign: ParentCalls, out_of_reach: list[ParentCalls]) -> None:
        """Every batch of the campaign is done: keep what the next sync needs to know."""
        app, cid = campaign.sdk_app_id, campaign.parent_id
        self._in_flight.pop((app, cid), None)
        if campaign.out_of_reach:
            out_of_reach.append(campaign)
        for kept, value in ((self._pending, campaign.pending), (self._changing, campaign.changing)):
            kept.setdefault(app, {}).pop(cid, None)
            if value:
                kept[app][cid] = value
        self._ends.setdefault(app, {}).pop(cid, None)
        if campaign.end is not None and campaign.pending:
            self._ends[app][cid] = campaign.end
        loaded = self._loaded.setdefault(app, {})
        done = not campaign.failed and not campaign.short
        if campaign.terminal and not campaign.pending and not campaign.changing and done:
            loaded.pop(cid, None)  # it will never call again: nothing to tell apart any more
        elif campaign.loaded:
            loaded[cid] = encoding.encode(campaign.loaded)
        if campaign.listed and done:
            assert self._marks is not None
            self._marks[app][cid] = campaign.mark

    def _tell(self, campaigns: list[ParentCalls], twice: list[tuple[str, int]], reach: int, settings: Settings) -> None:
        sessions = [(c.parent_id, s) for c in campaigns for s in c.out_of_reach]
        if sessions:
            shown = ", ".join(f"{s} ({self.unit} {cid})" for cid, s in sessions[:10])
            self.logger.warning(
                "%d session(s) have no call record DescribeTelCdr can still read (their calls were before %s, "
                "beyond its 180 days): not loaded, and not asked for again: %s%s",
                len(sessions),
                time.strftime("%Y-%m-%d", time.gmtime(reach)),
                shown,
                " …" if len(sessions) > 10 else "",
            )
        self._warn_listed_twice(twice)
        if settings.start_date is not None and settings.start_date.timestamp() > time.time():
            self.logger.warning(
                "start_date (%s) is in the future: no call record is read; the sessions found are kept pending",
                settings.start_date.isoformat(),
            )


class PredictiveDialingCallsStream(CallRecordsStream):
    name = "predictive_dialing_calls"
    state_shape = shapes.calls_state(shapes.CAMPAIGN)
    record_per = "call (its detail record)"
    parent = "campaign"
    actions = (
        "DescribePredictiveDialingCampaigns",
        "DescribePredictiveDialingSessions",
        "DescribeTelCdr",
        "DescribePredictiveDialingCampaign",
    )
    parent_key = "CampaignId"
    listing = "listing the sessions"

    def _parents(self, settings: Settings, client: CCCClient) -> Iterator[tuple[int, dict[str, Any]]]:
        return self._configured(settings, client)

    def _may_have_new_sessions(self, entry: dict[str, Any], previous: int | None) -> bool:
        return activity.may_have_new_sessions(entry, previous)

    def _mark(self, entry: dict[str, Any]) -> int:
        return entry_mark(entry)

    def _terminal(self, entry: dict[str, Any]) -> bool:
        return activity.terminal(entry)

    def _parent_sessions(self, client: CCCClient, parent: ParentCalls) -> Sessions:
        return self._sessions_of(client, parent.sdk_app_id, parent.parent_id)

    def _known_span(self, entry: dict[str, Any]) -> tuple[int | None, int | None] | None:
        # A campaign's StartTime and EndTime are not in its list entry (they are read when a session
        # has no record, or before asking for many calls, _parent_span): its calls are asked in
        # every readable window, and its span only says which first.
        return None

    def _parent_span(self, client: CCCClient, parent: ParentCalls) -> tuple[int | None, int | None] | None:
        key = ("campaign span", parent.sdk_app_id, parent.parent_id)
        return campaign_span(client, parent, self._spool.get(key) if key in self._spool else None)
