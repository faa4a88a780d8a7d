"""auto_callout_tasks, auto_callout_callees and auto_callout_calls: CCC's other outbound
campaigns, IVR robot calls.

Tasks have no "changed since" filter and no delete action. A task is final once finished (State 2)
or ended (4), and then calls no one, unless it is restarted (or the list showed a stale state). So
each sync lists every task (ceil(N/100) calls) and reads the detail (DescribeAutoCalloutTask, one
call) of every task but those the list shows final with the very list entry they were loaded
final with (``mark``, kept per task in the state's ``done``): a task listed running loses that
mark, and a final one whose entry moved is read again. A task read again whose rows are what an
earlier sync emitted (a checksum per task in the state, ``seen``) emits nothing; of a task's
callees, only those whose row changed are emitted again (a checksum per callee of each open task,
``callees``). A task deleted
since the list (its detail says it does not exist) is skipped with a warning. The list and each
detail read are kept for the other auto-callout streams of the run (spool.py): one read each.
The calls are read by the machinery the predictive campaigns' share (calls.CallRecordsStream),
the task as their parent: its sessions are those its detail lists, its span NotBefore to NotAfter
(as listed now), and its calls are asked only in the windows covering that span (windows.covering).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Generator, Iterator, Mapping
from typing import Any

from tap_ccc_campaign.api.client import CCCClient
from tap_ccc_campaign.api.errors import APIError, TransportError
from tap_ccc_campaign.api.paged_list import TASKS, read_list
from tap_ccc_campaign.api.session_list import Sessions
from tap_ccc_campaign.api.task_detail import read_task, sessions_of
from tap_ccc_campaign.config.settings import Settings
from tap_ccc_campaign.errors import SyncFailedError, TapError
from tap_ccc_campaign.run.failures import Failures
from tap_ccc_campaign.run.pool import OrderedPool
from tap_ccc_campaign.run.progress_log import Progress
from tap_ccc_campaign.state import encoding, shapes
from tap_ccc_campaign.state.keys import by_id
from tap_ccc_campaign.streams.base import CCCStream, list_failed, release
from tap_ccc_campaign.streams.calls import CallRecordsStream, ParentCalls, per_parent, per_parent_state, unix_seconds

FINAL = (2, 4)  # finished, ended: the task calls no one, until restarted
# Set in every mark of a task's list entry: a mark of before (CalleeCount << 3 | State, in the
# calls' state) never reaches it, and an id set's 0 (the old "done") is none.
MARKED = 1 << 32


def final(state: Any) -> bool:
    return state in FINAL


def mark(entry: Mapping[str, Any]) -> int:
    """24 bits of a checksum of the task's whole list entry, its State in the 3 low bits, ``MARKED``
    set: a task restarted and final again between two syncs shows in its NotAfter or CalleeCount
    (one in 16 million slips through)."""
    state = entry.get("State")
    text = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    checksum = zlib.crc32(text.encode("utf-8")) & 0xFFFFFF
    return MARKED | (checksum << 3) | (state if isinstance(state, int) and 0 <= state < 7 else 7)


def legacy_mark(entry: Mapping[str, Any]) -> int:
    """The calls' mark of a task before ``mark``: its CalleeCount and State only."""
    state, count = entry.get("State"), entry.get("CalleeCount")
    callees = count if isinstance(count, int) and count >= 0 else 0
    return (callees << 3) | (state if isinstance(state, int) and 0 <= state < 7 else 7)


def loaded_as_listed(entry: Mapping[str, Any], previous: int | None) -> bool:
    """Whether a task listed final was loaded final with this very list entry (``previous``: the
    mark kept then; a legacy one is compared as it was made)."""
    if previous is None or not final(entry.get("State")):
        return False
    return (mark(entry) if previous & MARKED else legacy_mark(entry)) == previous


class TaskSource(CCCStream):
    """Reading tasks: the list and each detail once per run, shared through the spool."""

    unit = "task"

    def _task_entries(self, settings: Settings, client: CCCClient, sdk_app_id: int) -> list[dict[str, Any]]:
        key = ("tasks", sdk_app_id)

        def fill() -> None:
            try:
                read = read_list(client, TASKS, sdk_app_id)
            except (APIError, TransportError) as exc:
                raise list_failed(
                    settings, client, f"listing the auto-callout tasks of SdkAppId {sdk_app_id}", exc
                ) from None
            self._spool.keep(("tasks complete", sdk_app_id), read.complete)
            self._spool.keep(key, list(read.items.values()))
            if not read.complete:
                self.logger.warning(
                    "SdkAppId %d: no pass over the auto-callout task list was complete (%d found): tasks it "
                    "left out are read at the next sync",
                    sdk_app_id,
                    len(read.items),
                )

        self._spool.once(key, fill)
        return self._spool.get(key)

    def _task_detail(self, client: CCCClient, sdk_app_id: int, task_id: int) -> dict[str, Any]:
        key = ("task", sdk_app_id, task_id)
        self._spool.once(key, lambda: self._spool.keep(key, read_task(client, sdk_app_id, task_id)))
        return self._spool.get(key)

    def _listed_whole(self, settings: Settings) -> bool:
        return self._all_complete(settings, "tasks complete")


def _checksum(value: Any) -> int:
    return zlib.crc32(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def _to_emit(rows: list[dict[str, Any]], sums: list[int], kept: list[int] | None, seen: int | None) -> list[int]:
    """The indexes of the rows to emit: those whose checksum differs from the one kept at their
    place (``kept``: the row checksums of the last sync, in order); without them, every row unless
    the task's checksum (``seen``) says none changed."""
    if kept is not None:
        return [i for i, value in enumerate(sums) if i >= len(kept) or kept[i] != value]
    return [] if seen == _checksum(rows) else list(range(len(rows)))


class _TaskDetailStream(TaskSource):
    """Rows made from each task's detail; a task loaded in a final state is not read again."""

    selected_by_default = False
    actions = ("DescribeAutoCalloutTasks", "DescribeAutoCalloutTask")
    state_shape = shapes.TASKS_STATE
    # Whether a checksum of each row of an open task is kept (``callees`` in the state), so that only
    # the rows that changed are emitted again; else a task's rows are emitted again all together.
    row_checksums = False

    def _rows(self, sdk_app_id: int, entry: dict[str, Any], detail: dict[str, Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _sync(self) -> Generator[dict[str, Any], None, None]:
        settings = Settings.from_config(self.config, self.logger)
        checker = self._record_checker()
        # Per app, as encoded strings: apps this run does not read are written back as they were.
        done_state = by_id(self.stream_state.get("done"), f"{self.name}: done", self.logger.warning)
        seen_state = by_id(self.stream_state.get("seen"), f"{self.name}: seen", self.logger.warning)
        # Per app and open task, the checksums of its rows (only where row_checksums).
        rows_state = per_parent(self.stream_state.get("callees"), f"{self.name}: callees", self.logger.warning)
        if settings.full_refresh:
            rows_state = {app: per for app, per in rows_state.items() if app not in settings.sdk_app_ids}
        listed: dict[int, set[int]] = {app: set() for app in settings.sdk_app_ids}
        progress = Progress(0, self.logger, limit=settings.requests_per_second, unit="tasks")
        client = self._client(settings, progress)
        failures = Failures(self.unit)
        emitted = skipped = unchanged = tasks = 0
        # Per app: each task loaded final, with the mark of its list entry then (0: loaded final by
        # a version that kept ids alone); each task read non-final, with the checksum of its rows.
        done: dict[int, dict[int, int]] = {}
        seen: dict[int, dict[int, int]] = {}
        for sdk_app_id in settings.sdk_app_ids:
            encoded = done_state.get(sdk_app_id)
            done[sdk_app_id] = (
                {} if settings.full_refresh or not isinstance(encoded, str) else encoding.decode_map(encoded)
            )
            encoded = seen_state.get(sdk_app_id)
            seen[sdk_app_id] = (
                {} if settings.full_refresh or not isinstance(encoded, str) else encoding.decode_map(encoded)
            )

        def to_read() -> Iterator[tuple[int, dict[str, Any]]]:
            nonlocal skipped
            for sdk_app_id in settings.sdk_app_ids:
                for entry in self._task_entries(settings, client, sdk_app_id):
                    task_id = entry["TaskId"]
                    listed[sdk_app_id].add(task_id)
                    previous = done[sdk_app_id].get(task_id)
                    if previous == 0 and final(entry.get("State")):
                        # What that version did, once: its entry then is unknown; from now on, this one.
                        done[sdk_app_id][task_id] = mark(entry)
                        skipped += 1
                        continue
                    if loaded_as_listed(entry, previous):
                        skipped += 1
                        continue
                    # Listed running, or final with an entry that moved: "done" again only once read final.
                    done[sdk_app_id].pop(task_id, None)
                    progress.total += 1
                    yield sdk_app_id, entry

        # Detail reads in flight together (one call each, on the action's own 20/s), in list order.
        pool: OrderedPool[tuple[int, dict[str, Any]], dict[str, Any]] = OrderedPool(
            lambda item: self._task_detail(client, item[0], item[1]["TaskId"]),
            workers=settings.workers,
            window=settings.workers * 2,
        )
        try:
            for (sdk_app_id, entry), future in pool.map(to_read()):
                progress.advance()
                task_id = entry["TaskId"]
                error = future.exception()
                if error is not None:
                    if not isinstance(error, TapError):
                        raise error
                    self._item_failed(task_id, error, failures, "reading its detail", gone_if_said=True)
                    continue
                detail = future.result()
                tasks += 1
                rows = self._rows(sdk_app_id, entry, detail)
                checksum = _checksum(rows)
                sums = [_checksum(row) for row in rows] if self.row_checksums else []
                kept_rows = rows_state.get(sdk_app_id, {}).pop(task_id, None)
                try:
                    kept = encoding.decode_checksums(kept_rows) if isinstance(kept_rows, str) else None
                except ValueError:
                    kept = None
                if self.row_checksums:
                    changed = _to_emit(rows, sums, kept, seen[sdk_app_id].get(task_id))
                else:
                    changed = [] if seen[sdk_app_id].get(task_id) == checksum else list(range(len(rows)))
                if not changed:  # emitted so by an earlier sync: nothing to load
                    unchanged += 1
                good = True
                for i in changed:
                    record, problems = checker.checked(rows[i])
                    if problems:
                        label = f"task {task_id}"
                        failures.add(label, "invalid fields", f"{label}: {', '.join(map(str, problems))}")
                        good = False
                        if sums:  # kept as not loaded: tried again at the next sync
                            sums[i] = (sums[i] + 1) & 0xFFFFFFFF
                        continue
                    checker.note_undocumented(record)
                    yield record
                    emitted += 1
                if good and final(detail.get("State")):
                    done[sdk_app_id][task_id] = mark(entry)
                    seen[sdk_app_id].pop(task_id, None)
                    continue  # calls no one again: its rows' checksums go, as its own does
                if good:
                    seen[sdk_app_id][task_id] = checksum
                if self.row_checksums:
                    rows_state.setdefault(sdk_app_id, {})[task_id] = encoding.encode_checksums(sums)
            if self._listed_whole(settings):  # a task no longer listed is gone: its checksums go too
                for sdk_app_id in settings.sdk_app_ids:
                    per = rows_state.get(sdk_app_id, {})
                    rows_state[sdk_app_id] = {t: v for t, v in per.items() if t in listed[sdk_app_id]}
        finally:
            release(client, pool)
            for sdk_app_id in settings.sdk_app_ids:
                done_state[sdk_app_id] = encoding.encode_map(done[sdk_app_id])
                seen_state[sdk_app_id] = encoding.encode_map(seen[sdk_app_id])
            self.stream_state["done"] = {str(app): value for app, value in sorted(done_state.items())}
            self.stream_state["seen"] = {str(app): value for app, value in sorted(seen_state.items())}
            if self.row_checksums:
                self.stream_state["callees"] = per_parent_state(rows_state)
        self.logger.info(
            "Done: %d %s row(s) of %d task(s); %d task(s) unchanged since they were loaded, not emitted again; "
            "%d final task(s) loaded before not read again; %s",
            emitted,
            self.name,
            tasks,
            unchanged,
            skipped,
            progress.line(),
        )
        if failures:
            raise SyncFailedError(failures.summary(tasks + failures.count, "auto-callout task(s) were not loaded"))


class AutoCalloutTasksStream(_TaskDetailStream):
    name = "auto_callout_tasks"
    record_per = "auto-callout (IVR robot) task"
    primary_keys = ("SdkAppId", "TaskId")

    def _rows(self, sdk_app_id: int, entry: dict[str, Any], detail: dict[str, Any]) -> list[dict[str, Any]]:
        settings = {name: value for name, value in detail.items() if name != "Callees"}
        return [{"SdkAppId": sdk_app_id, **entry, **settings}]


class AutoCalloutCalleesStream(_TaskDetailStream):
    name = "auto_callout_callees"
    record_per = "callee of a task (its state, a session id per attempt)"
    parent = "task"
    primary_keys = ("SdkAppId", "TaskId", "Callee")
    state_shape = shapes.CALLEES_STATE
    row_checksums = True

    def _rows(self, sdk_app_id: int, entry: dict[str, Any], detail: dict[str, Any]) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for callee in detail["Callees"]:
            number = callee["Callee"]
            callee = {**callee, "Sessions": list(callee.get("Sessions") or [])}
            if number in rows:  # listed twice: one row, its attempts together
                rows[number]["Sessions"] = list(dict.fromkeys(rows[number]["Sessions"] + callee["Sessions"]))
                continue
            rows[number] = {"SdkAppId": sdk_app_id, "TaskId": entry["TaskId"], **callee}
        return list(rows.values())


class AutoCalloutCallsStream(TaskSource, CallRecordsStream):
    name = "auto_callout_calls"
    state_shape = shapes.calls_state(shapes.TASK)
    record_per = "call of a task (its detail record, with `TaskId`)"
    parent = "task"
    actions = ("DescribeAutoCalloutTasks", "DescribeAutoCalloutTask", "DescribeTelCdr")
    primary_keys = ("SdkAppId", "SessionId")
    parent_key = "TaskId"
    listing = "reading its callees"

    def _parents(self, settings: Settings, client: CCCClient) -> Iterator[tuple[int, dict[str, Any]]]:
        for sdk_app_id in settings.sdk_app_ids:
            for entry in self._task_entries(settings, client, sdk_app_id):
                yield sdk_app_id, entry

    def _may_have_new_sessions(self, entry: dict[str, Any], previous: int | None) -> bool:
        if entry.get("State") == 0:
            return False  # created, not started: it has called no one
        return not loaded_as_listed(entry, previous)

    def _mark(self, entry: dict[str, Any]) -> int:
        return mark(entry)

    def _terminal(self, entry: dict[str, Any]) -> bool:
        return final(entry.get("State"))

    def _parent_sessions(self, client: CCCClient, task: ParentCalls) -> Sessions:
        return Sessions(sessions_of(self._task_detail(client, task.sdk_app_id, task.parent_id)), True)

    def _known_span(self, entry: dict[str, Any]) -> tuple[int | None, int | None]:
        """NotBefore and NotAfter, as listed now: the task calls no one before the one or after the
        other (a restart that moves NotAfter grows the span; a null NotAfter leaves it open)."""
        return unix_seconds(entry.get("NotBefore")), unix_seconds(entry.get("NotAfter"))

    def _likely_span(self, task: ParentCalls) -> tuple[int | None, int | None]:
        # A task dials its list from NotBefore on, a call after another: its calls come in its first
        # hours or days, whatever its NotAfter (often none, or far ahead).
        return (task.start, task.start) if task.start is not None else (None, task.end)

    def _parent_span(self, client: CCCClient, task: ParentCalls) -> tuple[int | None, int | None]:
        return task.start, task.end  # NotBefore and NotAfter, from the list: no call to make
