"""A large account, computed on demand: what a BPO's CCC app holds, never all in memory at once.

``BigAccount`` (or ``CampaignStore.large(scale)``) answers every action as ``CampaignStore`` does,
with the same invariants, but nothing that grows with the sessions is stored:

- a campaign's k-th listed session is a pure function of (seed, campaign, k): an affine
  permutation of the session indexes ``(a*k + b) mod n`` (``a`` prime to ``n``, both drawn from
  the campaign's seeded RNG), so a page of sessions is a slice computed without the list;
- a call record is derived from its session id (which names its campaign and index), as in the
  small store;
- an agent's status history in a window is generated day by day, each day from its own seeded
  RNG (seed, agent, day): a working day has one to three calls (busy, after-call work, free), a
  login before them and a logout after, so a window under 7 days holds under 100 changes;
- an auto-callout task and its callees are generated from the task's own seeded RNG when asked;
  only a task that was changed (``set_state``, ``reopen``, ``call_again``) is held.

What is held: the campaign ids and their generated settings (one small dict per campaign), the
directory (skill groups and agents), and the changes made to the world. At scale 1: 500 campaigns,
20 of them running with 50,000 sessions each (their calls all within DescribeTelCdr's 180 days),
1,000 agents with 181 days of status history, 5,000 tasks of 50 callees each.

Unlike the small store, an agent's status history is not made from the calls the agent took (that
would need every call): the busy changes name sessions of the running campaigns, and the call
records name agents of the directory, each drawn on its own.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import Any

from ccc_emulator import calls
from ccc_emulator.data import DEFAULT_FIRST_ID, DEFAULT_SDK_APP_ID, CampaignStore
from ccc_emulator.directory import Directory
from ccc_emulator.tasks import FIRST_TASK_ID, TaskBook

DAY = 86400
# The size of the large account (scale 1).
CAMPAIGNS, RUNNING, SESSIONS, AGENTS, TASKS, TASK_CALLEES = 500, 20, 1_000_000, 1000, 5000, 50
STATUS_DAYS = 181  # days of status history before the anchor
TASK_DAYS = 170  # tasks ran within this many days: their calls are within DescribeTelCdr's reach
_HELD = 64  # generated tasks (with their callees) kept at once: those of the pages being answered


class BigAccount(CampaignStore):
    """One large app. ``running`` of the ``count`` campaigns run with ``sessions`` sessions each;
    the others are drawn as in the small store (not started, paused, aborted or finished, up to
    ``callees`` callees). ``agents`` agents, ``tasks`` auto-callout tasks of ``task_callees``."""

    def __init__(
        self,
        sdk_app_id: int = DEFAULT_SDK_APP_ID,
        count: int = CAMPAIGNS,
        seed: int = 0,
        first_id: int = DEFAULT_FIRST_ID,
        *,
        running: int = RUNNING,
        sessions: int = SESSIONS // RUNNING,
        agents: int = AGENTS,
        tasks: int = TASKS,
        task_callees: int = TASK_CALLEES,
        callees: int = 200,
        anchor: int | None = None,
        history_days: int = 400,
        id_step: int = 1,
        order: str = "id",
    ) -> None:
        super().__init__(
            sdk_app_id,
            count,
            seed,
            first_id,
            id_step=id_step,
            order=order,
            callees=callees,
            anchor=anchor,
            history_days=history_days,
            tasks=tasks,
        )
        running = max(0, min(running, count))
        self.running_ids = (
            frozenset(self._ids[i * count // running] for i in range(running)) if running else frozenset()
        )
        self.sessions_per_running = sessions
        self.agent_count = max(agents, 1)
        self.task_callees = task_callees
        self._generated: dict[int, dict[str, Any]] = {}  # each campaign's settings: one dict per campaign
        self._numbers: dict[str, str] = {}  # agent mail -> StaffNumber
        self._orders: dict[tuple[int, int], tuple[int, int]] = {}

    @classmethod
    def scaled(cls, scale: float = 1.0, **options: Any) -> BigAccount:
        """The issue's account times ``scale`` (0.05: 25 campaigns, 1 running with 50,000 sessions,
        50 agents, 250 tasks); ``options`` set any count directly."""
        running = options.pop("running", max(1, round(RUNNING * scale)))
        sizes = {
            "count": max(1, round(CAMPAIGNS * scale)),
            "running": running,
            "sessions": max(1, round(SESSIONS * scale / max(1, running))),
            "agents": max(1, round(AGENTS * scale)),
            "tasks": max(1, round(TASKS * scale)),
        }
        return cls(**{**sizes, **options})

    # Campaigns

    def campaign(self, campaign_id: int) -> dict[str, Any] | None:
        if not self.has(campaign_id):
            return None
        generated = self._generated.get(campaign_id)
        if generated is None:
            rng = self._rng(campaign_id, "campaign")
            status = rng.choice((0, 2, 3, 4, 4))
            if campaign_id in self.running_ids:
                status = 1
            generated = self._generate(campaign_id, rng, campaign_id - self.first_id, status)
            if status == 1:  # began within DescribeTelCdr's reach, still running
                span = self._rng(campaign_id, "running")
                start = self.anchor - span.randrange(30 * DAY, TASK_DAYS * DAY)
                generated.update(StartTime=start, EndTime=self.anchor + span.randrange(7 * DAY, 60 * DAY))
                generated.update(StatusReason=0)
            self._generated[campaign_id] = generated
        return {**generated, **self._changes.get(campaign_id, {})}

    def _callees(self, campaign_id: int, status: int) -> tuple[int, int]:
        if campaign_id not in self.running_ids:
            return super()._callees(campaign_id, status)
        grown = sum(n for n, _ in self._grown.get(campaign_id, ()))
        made = self.sessions_per_running
        return made + made // 4 + grown, made + grown

    # Sessions: the k-th listed one computed, never the list

    def _listed_count(self, campaign_id: int) -> tuple[int, int]:
        """(sessions made when generated, sessions added by ``grow``) of an existing campaign."""
        full = self.campaign(campaign_id)
        assert full is not None
        grown = sum(n for n, _ in self._grown.get(campaign_id, ()))
        return self._callees(campaign_id, full["Status"])[1] - grown, grown

    def _order(self, campaign_id: int, n: int) -> tuple[int, int]:
        """(a, b) of the permutation k -> (a*k + b) mod n: the order the sessions are listed in."""
        key = (campaign_id, n)
        if key not in self._orders:
            rng = random.Random(f"{self.seed}:session-order:{campaign_id}:{n}")
            a = rng.randrange(1, n) if n > 1 else 1
            while math.gcd(a, n) != 1:
                a += 1
            self._orders[key] = (a, rng.randrange(n) if n > 1 else 0)
        return self._orders[key]

    def session_at(self, campaign_id: int, k: int) -> str:
        """The campaign's k-th listed session (k below its count)."""
        made, _ = self._listed_count(campaign_id)
        if k >= made:  # grown later: listed after, in the order made
            return calls.session_id(self.seed, campaign_id, k)
        a, b = self._order(campaign_id, made)
        return calls.session_id(self.seed, campaign_id, (a * k + b) % made)

    def _listed(self, campaign_id: int) -> Iterator[str]:
        made, grown = self._listed_count(campaign_id)
        for k in range(made + grown):
            yield self.session_at(campaign_id, k)
        yield from self.also_listed.get(campaign_id, [])

    def sessions(self, campaign_id: int) -> list[str]:
        return list(self._listed(campaign_id)) if self.has(campaign_id) else []

    def session_page(self, campaign_id: int, offset: int, size: int) -> tuple[int, list[str]]:
        if not self.has(campaign_id):
            return 0, []
        made, grown = self._listed_count(campaign_id)
        extra = self.also_listed.get(campaign_id, [])
        total = made + grown + len(extra)
        if self.unlisted:  # the page is placed among the sessions shown: skip the others on the way
            shown = (s for s in self._listed(campaign_id) if s not in self.unlisted)
            return total, list(islice(shown, offset, offset + size))
        page = range(offset, min(offset + size, total))
        return total, [self.session_at(campaign_id, k) if k < made + grown else extra[k - made - grown] for k in page]

    def every_call(self) -> Iterator[dict[str, Any]]:
        for campaign_id in self.ids():
            for session in self._listed(campaign_id):
                record = self.call(session)
                if record is not None:
                    yield record

    def call(self, session: str) -> dict[str, Any] | None:
        self.directory  # noqa: B018 (the agents who take the calls are the directory's)
        return super().call(session)

    # Agents and their status history, a day at a time

    @property
    def directory(self) -> Directory:
        with self._making:
            if self._directory is None:
                groups = [self.campaign(cid)["SkillGroupId"] for cid in self._ids]
                extra = max(0, self.agent_count - 10)  # beyond the small store's ten
                directory = Directory(self.seed, self.sdk_app_id, groups, self.anchor, extra_agents=extra)
                people = directory.people()
                self._call_agents = people
                self._numbers = {mail: number for _, mail, number in people}
                self._directory = directory  # last: another thread may read it without the lock
            return self._directory

    def status_history(self, mail: str) -> list[dict[str, Any]]:
        """All the agent's status changes (181 days): for one agent at a time."""
        last = self.anchor // DAY
        return self.status_events(mail, (last - STATUS_DAYS) * DAY, last * DAY)

    def status_events(self, mail: str, start: int, end: int) -> list[dict[str, Any]]:
        if not self.directory.has_agent(mail):
            return []
        first_day, last_day = (
            max(start // DAY, self.anchor // DAY - STATUS_DAYS),
            min(end // DAY, self.anchor // DAY - 1),
        )
        events = [
            e for day in range(first_day, last_day + 1) for e in self._day(mail, day) if start <= e["Timestamp"] <= end
        ]
        return self._nulled(mail, events)

    def _day(self, mail: str, day: int) -> list[dict[str, Any]]:
        """An agent's status changes of one day: five working days a week, one to three calls each."""
        if (day + zlib.crc32(mail.encode())) % 7 >= 5:
            return []
        rng = random.Random(f"{self.seed}:agent-day:{mail}:{day}")
        running = sorted(self.running_ids)
        moment = day * DAY + 7 * 3600 + rng.randrange(3 * 3600)
        changes = [(moment - 600, "free", "", "")]
        for n in range(rng.randint(1, 3)):
            session = (
                calls.session_id(self.seed, rng.choice(running), rng.randrange(self.sessions_per_running))
                if running
                else ""
            )
            ended = moment + rng.randint(30, 900)
            free = ended + rng.randint(5, 60)
            changes += [(moment, "busy", session, ""), (ended, "afterCallWork", session, ""), (free, "free", "", "")]
            moment = free + rng.randint(600, 3 * 3600)
            if n == 0 and rng.random() < 0.3:
                changes += [(free + 60, "rest", "", "lunch"), (free + 1860, "free", "", "")]
                moment += 1860
        changes.append((changes[-1][0] + 600, "offline", "", ""))
        number = self._numbers.get(mail, "")
        return [
            {
                "Cursor": f"{day:06d}{seq:04d}",  # ordered as the changes are, across days
                "Timestamp": ts,
                "Status": status,
                "SessionId": session,
                "Reason": reason,
                "StaffEmail": mail,
                "StaffNo": number,
            }
            for seq, (ts, status, session, reason) in enumerate(changes)
        ]

    # Auto-callout tasks

    @property
    def tasks(self) -> TaskBook:
        if self._task_book is None:
            self._task_book = LazyTaskBook(
                self.seed, self.sdk_app_id, self._task_count, self.anchor, TASK_DAYS, self.task_callees
            )
        return self._task_book


class LazyTaskBook(TaskBook):
    """``count`` tasks of ``callees`` callees each, every one made from its own seeded RNG when asked;
    a changed task is held (and made no more), a deleted one remembered by its id."""

    def __init__(self, seed: int, sdk_app_id: int, count: int, anchor: int, history_days: int, callees: int) -> None:
        self.seed, self.sdk_app_id, self.anchor = seed, sdk_app_id, anchor
        self.count, self.callees, self.history_days = count, callees, history_days
        self._tasks: dict[int, dict[str, Any]] = {}  # changed tasks only
        self._callees: dict[int, list[dict[str, Any]]] = {}
        self._doomed: set[int] = set()
        self._gone: set[int] = set()
        self._called_at: dict[str, int] = {}  # attempts made by call_again: when
        self._made = lru_cache(maxsize=_HELD)(self._make)

    def _make(self, task_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng = random.Random(f"{self.seed}:task:{self.sdk_app_id}:{task_id}")
        task = self._make_task(task_id, rng, self.history_days)
        return task, self._make_callees(task_id, task["State"], rng, self.callees)

    def _task(self, task_id: int) -> dict[str, Any]:
        return self._tasks[task_id] if task_id in self._tasks else self._made(task_id)[0]

    def _callee_list(self, task_id: int) -> list[dict[str, Any]]:
        return self._callees[task_id] if task_id in self._callees else self._made(task_id)[1]

    def _own(self, task_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if task_id not in self._tasks:
            task, callees = self._made(task_id)
            self._tasks[task_id] = dict(task)
            self._callees[task_id] = [dict(c, Sessions=list(c["Sessions"])) for c in callees]
        return self._tasks[task_id], self._callees[task_id]

    def _drop(self, task_id: int) -> None:
        self._gone.add(task_id)
        self._tasks.pop(task_id, None)
        self._callees.pop(task_id, None)

    def ids(self) -> list[int]:
        return [t for t in range(FIRST_TASK_ID, FIRST_TASK_ID + self.count) if t not in self._gone]

    def has(self, task_id: int) -> bool:
        return (
            isinstance(task_id, int)
            and FIRST_TASK_ID <= task_id < FIRST_TASK_ID + self.count
            and task_id not in self._gone
        )

    def held(self) -> int:
        """Tasks held in memory now: the changed ones and the generated ones cached."""
        return len(self._tasks) + self._made.cache_info().currsize
