"""One app's auto-callout tasks (IVR robot calls): their settings, callees and call sessions.

A task calls each callee up to a few times; each attempt is a call session whose record
DescribeTelCdr returns (robot calls: no agent). Task ids start at ``FIRST_TASK_ID``, apart from
campaign ids, so a session id names its task as it names a campaign (``calls.session_id``).
States follow the API: 0 created, 1 running, 2 finished, 3 ending (expired, calls still going),
4 ended (expired), 5 paused; a callee is 0 initial, 1 answered, 2 not answered, 3 calling, 4
waiting to retry. The API has no delete action, yet a task can vanish (deleted in the console):
``delete_once_listed`` deletes one between a list answer and the detail reads after it.
"""

from __future__ import annotations

import random
import time
from typing import Any

from ccc_emulator import calls

FIRST_TASK_ID = 50_000_000
FINAL = (2, 4)
_NAMES = ("Payment reminder", "Delivery notice", "Survey", "Appointment confirmation", "续费提醒")


class TaskBook:
    def __init__(self, seed: int, sdk_app_id: int, count: int, anchor: int, history_days: int) -> None:
        self.seed = seed
        self.sdk_app_id = sdk_app_id
        self.anchor = anchor
        self._tasks: dict[int, dict[str, Any]] = {}
        self._callees: dict[int, list[dict[str, Any]]] = {}
        self._doomed: set[int] = set()  # deleted once a list answer has shown them
        self._called_at: dict[str, int] = {}  # attempts made by call_again: when
        rng = random.Random(f"{seed}:tasks:{sdk_app_id}")
        for i in range(count):
            task_id = FIRST_TASK_ID + i
            self._tasks[task_id] = self._make_task(task_id, rng, history_days)
            self._callees[task_id] = self._make_callees(task_id, self._tasks[task_id]["State"], rng)

    def _make_task(self, task_id: int, rng: random.Random, history_days: int) -> dict[str, Any]:
        """A task's settings, drawn from ``rng``: it ran (or will run) within ``history_days`` of the anchor."""
        anchor, i = self.anchor, task_id - FIRST_TASK_ID
        state = rng.choice((0, 1, 2, 2, 2, 3, 4, 4, 5))
        before = rng.randrange(86400, 86400 * history_days)
        not_before = anchor + 86400 * rng.randint(1, 10) if state == 0 else anchor - before
        expired = state in (3, 4)
        not_after = (
            anchor - rng.randrange(3600, max(7200, before // 2))
            if expired
            else (None if rng.random() < 0.3 else max(anchor, not_before) + 86400 * rng.randint(1, 20))
        )
        return {
            "TaskId": task_id,
            "Name": f"{_NAMES[i % len(_NAMES)]} #{i + 1}",
            "Description": rng.choice(("", "notify customers", "回访")),
            "NotBefore": not_before,
            "NotAfter": not_after,
            "Callers": ["+862180001234"],
            "IvrId": rng.randrange(1000, 9000),
            "State": state,
            "MaxRingTimeoutSecond": rng.choice((30, 45, 60)),
        }

    def _make_callees(
        self, task_id: int, state: int, rng: random.Random, count: int | None = None
    ) -> list[dict[str, Any]]:
        """``count`` callees (None: 3 to 30, drawn from ``rng``) with their states and attempts."""
        callees, attempt = [], 0
        for _ in range(rng.randint(3, 30) if count is None else count):
            if state == 0:
                callee_state, tries = 0, 0
            else:
                callee_state = rng.choice((1, 1, 1, 2, 2) if state in FINAL else (0, 1, 1, 2, 3, 4))
                tries = {0: 0, 1: rng.randint(1, 2), 2: 3, 3: 1, 4: rng.randint(1, 2)}[callee_state]
            sessions = [calls.session_id(self.seed, task_id, attempt + k) for k in range(tries)]
            attempt += tries
            callees.append({"Callee": f"+86137{rng.randrange(10**8):08d}", "State": callee_state, "Sessions": sessions})
        return callees

    # Where a task and its callees are found: held here; a large book (big.LazyTaskBook) makes
    # them on demand and holds only those it changed.

    def _task(self, task_id: int) -> dict[str, Any]:
        return self._tasks[task_id]

    def _callee_list(self, task_id: int) -> list[dict[str, Any]]:
        return self._callees.get(task_id, [])

    def _own(self, task_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The task and its callees, to be changed in place."""
        return self._tasks[task_id], self._callees[task_id]

    def _drop(self, task_id: int) -> None:
        del self._tasks[task_id]
        del self._callees[task_id]

    def ids(self) -> list[int]:
        return list(self._tasks)

    def has(self, task_id: int) -> bool:
        return task_id in self._tasks

    def summary(self, task_id: int) -> dict[str, Any]:
        """The AutoCalloutTaskInfo DescribeAutoCalloutTasks lists."""
        task = self._task(task_id)
        return {
            "Name": task["Name"],
            "CalleeCount": len(self._callee_list(task_id)),
            "Callers": task["Callers"],
            "NotBefore": task["NotBefore"],
            "NotAfter": task["NotAfter"],
            "IvrId": task["IvrId"],
            "State": task["State"],
            "TaskId": task_id,
            "MaxRingTimeoutSecond": task["MaxRingTimeoutSecond"],
        }

    def detail(self, task_id: int) -> dict[str, Any]:
        """What DescribeAutoCalloutTask answers."""
        task = self._task(task_id)
        return {
            "Name": task["Name"],
            "Description": task["Description"],
            "NotBefore": task["NotBefore"],
            "NotAfter": task["NotAfter"],
            "Callers": task["Callers"],
            "Callees": [dict(c, Sessions=list(c["Sessions"])) for c in self._callee_list(task_id)],
            "IvrId": task["IvrId"],
            "State": task["State"],
            "MaxRingTimeoutSecond": task["MaxRingTimeoutSecond"],
        }

    def sessions(self, task_id: int) -> list[str]:
        return [s for c in self._callee_list(task_id) for s in c["Sessions"]] if self.has(task_id) else []

    def call(self, session: str, task_id: int, index: int) -> dict[str, Any] | None:
        """The record of a task's ``index``-th attempt: a robot call, answered when it is its callee's
        last attempt and the callee is answered."""
        if not self.has(task_id):
            return None
        for callee in self._callee_list(task_id):
            if session in callee["Sessions"]:
                answered = callee["State"] == 1 and callee["Sessions"][-1] == session
                task = self._task(task_id)
                started = self._called_at.get(session, min(task["NotBefore"] + 90 * index, self.anchor))
                return calls.robot_call_record(
                    session, seed=self.seed, started=started, callee=callee["Callee"], answered=answered
                )
        return None

    # Changes over time

    def set_state(self, task_id: int, state: int) -> None:
        self._own(task_id)[0]["State"] = state

    def reopen(self, task_id: int) -> None:
        """A finished or ended task runs again, as one restarted in the console: State 1, NotAfter
        moved ten days past now (its list entry changes), and each callee not answered waits to
        retry (its detail changes; ``call_again`` then calls them)."""
        task, callees = self._own(task_id)
        task["State"] = 1
        task["NotAfter"] = self.anchor + 10 * 86400
        for callee in callees:
            if callee["State"] == 2:
                callee["State"] = 4

    def delete_once_listed(self, task_id: int) -> None:
        """Delete the task right after the next task list answer that shows it: that list still has
        it, every DescribeAutoCalloutTask after answers that it does not exist."""
        self._doomed.add(task_id)

    def listed(self, task_ids: list[int]) -> None:
        """A list answer showed ``task_ids``: the doomed among them are deleted now."""
        for task_id in self._doomed.intersection(task_ids):
            self._doomed.discard(task_id)
            self._drop(task_id)

    def move(self, task_id: int, not_before: int, not_after: int | None) -> None:
        """The task laid at other times, as if created so: its calls move with its NotBefore."""
        self._own(task_id)[0].update(NotBefore=not_before, NotAfter=not_after)

    def call_again(self, task_id: int, at: int | None = None) -> list[str]:
        """A running task calls each callee waiting to retry (or calling) once more, now (or at
        ``at``): answered."""
        new = []
        attempt = len(self.sessions(task_id))
        for callee in self._own(task_id)[1]:
            if callee["State"] in (0, 3, 4):
                session = calls.session_id(self.seed, task_id, attempt)
                attempt += 1
                callee["Sessions"].append(session)
                callee["State"] = 1
                self._called_at[session] = int(time.time()) if at is None else at
                new.append(session)
        return new
