"""The emulator's campaigns: a deterministic, seeded data set, generated on demand."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from typing import Any

from ccc_emulator import calls, status
from ccc_emulator.directory import Directory
from ccc_emulator.tasks import FIRST_TASK_ID, TaskBook

DEFAULT_SDK_APP_ID = 1400000000
DEFAULT_FIRST_ID = 2569

# Names in several scripts, so every hop (JSON, signing, targets) must carry UTF-8 intact.
_NAMES = (
    "New energy SUV recommendation",
    "新能源SUV推荐",
    "Продление страховки",
    "حملة تجديد الاشتراك",
    "春のキャンペーン",
    "โปรโมชั่นฤดูร้อน",
    "회원 갱신 안내",
    "Café survey ☕ — 2026",
    "Ελληνική καμπάνια",
    "Recordatorio de cita médica",
)
_VARIABLE_KEYS = ("customer_name", "product", "城市", "due_date", "agent")
_VARIABLE_VALUES = ("Zhang San", "SUV X5", "深圳", "2026-12-01", "Анна", "", "مرحبا", "👍 ok")


# The only status changes the API allows (API-FACTS: Pause, Resume, Abort, finishing); 3 and 4 are terminal.
TRANSITIONS = {0: {1, 3}, 1: {2, 3, 4}, 2: {1, 3, 4}, 3: set(), 4: set()}
LIST_ORDERS = ("id", "reverse", "shuffled")
# What reading a campaign that does not exist answers (the real message is not documented: a
# test may set another, such as a generic "参数取值错误。").
MISSING_MESSAGE = "CampaignId {campaign_id} does not exist."


class CampaignStore:
    """One CCC app's campaigns: seeded data generated on demand, and a world that can move on.

    ``id_step`` > 1 spreads ids apart at random (gaps of 1 to id_step); ``order`` is how the
    list action orders them ("shuffled" reshuffles whenever campaigns are created or deleted,
    as an undocumented order may). Changes follow the API's rules: settings only while a
    campaign has not started, status only along ``TRANSITIONS``. ``finished`` (0 to 1) is the share
    of campaigns generated as ended (aborted or finished), as in an app with a long history.
    ``callees`` bounds each campaign's callee count (and so its call sessions); ``anchor`` (unix
    seconds, default today 00:00 UTC) is the "now" the generated times are laid around: started
    campaigns began up to ``history_days`` (400) days before it, so some calls are within the 180 days DescribeTelCdr
    can read and some are not.
    """

    def __init__(
        self,
        sdk_app_id: int = DEFAULT_SDK_APP_ID,
        count: int = 100,
        seed: int = 0,
        first_id: int = DEFAULT_FIRST_ID,
        *,
        id_step: int = 1,
        order: str = "id",
        finished: float | None = None,
        callees: int = 200,
        anchor: int | None = None,
        history_days: int = 400,
        tasks: int = 12,
    ) -> None:
        if order not in LIST_ORDERS:
            raise ValueError(f"unknown list order {order!r}; one of {', '.join(LIST_ORDERS)}")
        self.sdk_app_id = sdk_app_id
        self.missing_message = MISSING_MESSAGE
        self.seed = seed
        self.first_id = first_id
        self.order = order
        self.finished = finished
        self.callees = callees
        self.anchor = anchor if anchor is not None else int(time.time()) // 86400 * 86400
        self.history_days = max(2, history_days)
        self._grown: dict[int, list[tuple[int, int]]] = {}  # per campaign: (sessions added, when)
        self._processing: set[str] = set()  # sessions whose ASR text is still being made
        # Sessions whose call record DescribeTelCdr does not return yet (it appears later), and
        # sessions listed under a second campaign too (campaign -> extra session ids).
        self.hidden: set[str] = set()
        self.also_listed: dict[int, list[str]] = {}
        # (agent mail, Timestamp) of status changes answered with Status null, where the SDK
        # declares a str: what a real account may send for a change it cannot name.
        self.null_status: set[tuple[str, int]] = set()
        # Sessions DescribePredictiveDialingSessions counts in TotalCount but leaves out of its pages
        # (an index behind its count): they appear once taken out of this set.
        self.unlisted: set[str] = set()
        self._shuffled: tuple[tuple[int, int], list[int]] | None = None  # until the ids change
        self._step = max(1, id_step)
        gaps = random.Random(f"{seed}:ids:{sdk_app_id}")
        ids, next_id = [], first_id
        for _ in range(count):
            ids.append(next_id)
            next_id += gaps.randint(1, self._step) if self._step > 1 else 1
        self._ids = ids
        self._present = set(ids)
        self._next_id = next_id
        self._changes: dict[int, dict[str, Any]] = {}  # per campaign, fields changed since generation
        self._created: set[int] = set()
        self._directory: Directory | None = None
        self._task_count = tasks
        self._task_book: TaskBook | None = None
        self._history: dict[str, list[dict[str, Any]]] | None = None
        # Made once on first use, under a lock: a tap syncing its streams side by side asks many
        # agents' histories at once, and each request would otherwise build it again.
        self._making = threading.RLock()
        self._call_agents: tuple[tuple[str, str, str], ...] = calls.AGENTS  # who may take a call

    @classmethod
    def large(cls, scale: float = 1.0, **options: Any) -> CampaignStore:
        """A large account (``big.BigAccount``): at ``scale`` 1, 500 campaigns of which 20 run with
        50,000 sessions each, 1,000 agents, 5,000 auto-callout tasks of 50 callees; computed on demand."""
        from ccc_emulator.big import BigAccount

        return BigAccount.scaled(scale, **options)

    @property
    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> list[int]:
        return list(self._ids)

    def listed_ids(self) -> list[int]:
        """The ids in the order the list action gives them."""
        if self.order == "reverse":
            return self._ids[::-1]
        if self.order == "shuffled":
            key = (len(self._ids), self._ids[-1] if self._ids else 0)
            if self._shuffled is None:
                shuffled = list(self._ids)
                random.Random(f"{self.seed}:order:{key[0]}:{key[1]}").shuffle(shuffled)
                self._shuffled = (key, shuffled)
            return list(self._shuffled[1])
        return list(self._ids)

    def has(self, campaign_id: int) -> bool:
        return campaign_id in self._present

    @property
    def tasks(self) -> TaskBook:
        """The app's auto-callout tasks (``tasks`` of them, ids from FIRST_TASK_ID)."""
        if self._task_book is None:
            self._task_book = TaskBook(self.seed, self.sdk_app_id, self._task_count, self.anchor, self.history_days)
        return self._task_book

    def status_history(self, mail: str) -> list[dict[str, Any]]:
        """An agent's status changes, in time order, made from every call the agent took."""
        with self._making:
            if self._history is None:
                every_call = (self.call(s) for cid in self._ids for s in self.sessions(cid))
                numbers = {a["Mail"]: a["StaffNumber"] for a in self.directory.agents()}
                self._history = status.build((c for c in every_call if c), self.seed, lambda m: numbers.get(m, ""))
            history = self._history
        events = history.get(mail, [])
        return self._nulled(mail, events)

    def _nulled(self, mail: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.null_status:
            return events
        return [{**e, "Status": None} if (mail, e["Timestamp"]) in self.null_status else e for e in events]

    def status_events(self, mail: str, start: int, end: int) -> list[dict[str, Any]]:
        """An agent's status changes in [start, end] (a window under 7 days), in time and cursor order."""
        return [e for e in self.status_history(mail) if start <= e["Timestamp"] <= end]

    @property
    def directory(self) -> Directory:
        """The app's skill groups and agents (made on first use: every campaign's group is in it)."""
        with self._making:
            if self._directory is None:
                groups = [self.campaign(cid)["SkillGroupId"] for cid in self._ids]
                self._directory = Directory(self.seed, self.sdk_app_id, groups, self.anchor)
            return self._directory

    # The world moving on between two syncs.

    def create(self, count: int = 1) -> list[int]:
        """New campaigns, not started, with ids above every existing one."""
        new = []
        for _ in range(count):
            new.append(self._next_id)
            self._next_id += 1 + (random.Random(f"{self.seed}:new:{self._next_id}").randint(0, self._step - 1))
        self._ids.extend(new)
        self._present.update(new)
        self._shuffled = None
        for cid in new:
            self._created.add(cid)
            self._changes[cid] = {"Status": 0, "StatusReason": 0}
        return new

    def delete(self, campaign_id: int) -> None:
        self._require(campaign_id)
        self._ids.remove(campaign_id)
        self._present.discard(campaign_id)
        self._shuffled = None

    def restore(self, campaign_id: int) -> None:
        """Bring a deleted campaign back, as it was (an id that reappears)."""
        if not self.has(campaign_id):
            self._ids.append(campaign_id)
            self._ids.sort()
            self._present.add(campaign_id)
            self._shuffled = None

    def set_status(self, campaign_id: int, status: int, reason: int = 0) -> None:
        current = self._require(campaign_id)["Status"]
        if status not in TRANSITIONS[current]:
            raise ValueError(f"campaign {campaign_id}: status {current} cannot become {status}")
        self._changes.setdefault(campaign_id, {}).update(Status=status, StatusReason=reason)

    def edit(self, campaign_id: int, **fields: Any) -> None:
        """Change settings, as UpdatePredictiveDialingCampaign may only before the campaign starts."""
        if self._require(campaign_id)["Status"] != 0:
            raise ValueError(f"campaign {campaign_id} has started: its settings cannot change (UnsupportedOperation)")
        self._changes.setdefault(campaign_id, {}).update(fields)

    def _require(self, campaign_id: int) -> dict[str, Any]:
        found = self.campaign(campaign_id)
        if found is None:
            raise KeyError(f"campaign {campaign_id} does not exist")
        return found

    def _rng(self, campaign_id: int, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}:{campaign_id}")

    def campaign(self, campaign_id: int) -> dict[str, Any] | None:
        """Every field DescribePredictiveDialingCampaign returns today, or None if unknown."""
        if not self.has(campaign_id):
            return None
        rng = self._rng(campaign_id, "campaign")
        index = campaign_id - self.first_id
        if self.finished is None:
            status = rng.choice((0, 1, 1, 2, 3, 4, 4))
        else:
            status = rng.choice((3, 4, 4)) if rng.random() < self.finished else rng.choice((0, 1, 1, 2))
        generated = self._generate(campaign_id, rng, index, status)
        return {**generated, **self._changes.get(campaign_id, {})}

    def _generate(self, campaign_id: int, rng: random.Random, index: int, status: int) -> dict[str, Any]:
        offset = rng.randrange(86400, 86400 * self.history_days)
        start = self.anchor + offset % (86400 * 30) if status == 0 else self.anchor - offset
        variables = [
            {"Key": rng.choice(_VARIABLE_KEYS), "Value": rng.choice(_VARIABLE_VALUES)}
            for _ in range(rng.choice((0, 0, 1, 2, 3)))
        ]
        return {
            "CampaignId": campaign_id,
            "Name": f"{_NAMES[index % len(_NAMES)]} #{index + 1}",
            "CallOrder": rng.randint(0, 1),
            "SkillGroupId": rng.randrange(100, 5000),
            "IVRId": rng.randrange(1000, 9000),
            "Priority": rng.randint(1, 5),
            "ExpectedAbandonRate": rng.randint(5, 50),
            "RetryTimes": rng.randint(0, 2),
            "RetryInterval": rng.choice((60, 300, 1800, 3600, 86400)),
            "StartTime": start,
            "EndTime": start + rng.randrange(3600, 86400 * 30),
            "Variables": variables,
            "UUI": rng.choice(("", "", f"crm-{campaign_id:06d}", "来源=官网")),
            "Status": status,
            "StatusReason": rng.choice((1, 2)) if status in (3, 4) and rng.random() < 0.5 else 0,
        }

    def summary(self, campaign_id: int) -> dict[str, Any]:
        """The shorter entry DescribePredictiveDialingCampaigns lists."""
        full = self.campaign(campaign_id)
        assert full is not None
        callees, finished = self._callees(campaign_id, full["Status"])
        return {
            "CampaignId": campaign_id,
            "Name": full["Name"],
            "Status": full["Status"],
            "StatusReason": full["StatusReason"],
            "CalleeCount": callees,
            "FinishedCalleeCount": finished,
            "Priority": full["Priority"],
            "SkillGroupId": full["SkillGroupId"],
        }

    def _callees(self, campaign_id: int, status: int) -> tuple[int, int]:
        """(CalleeCount, FinishedCalleeCount): one session per finished callee."""
        grown = sum(n for n, _ in self._grown.get(campaign_id, ()))
        callees = self._rng(campaign_id, "callees").randrange(0, self.callees + 1)
        if status == 0:
            finished = 0
        elif status == 4:
            finished = callees
        else:
            finished = callees * (campaign_id % 10) // 10
        return callees + grown, finished + grown

    # Call sessions and their call records.

    def sessions(self, campaign_id: int) -> list[str]:
        """The session ids DescribePredictiveDialingSessions lists, in an order of its own (not by time)."""
        full = self.campaign(campaign_id)
        if full is None:
            return []
        count = self._callees(campaign_id, full["Status"])[1]
        ids = [calls.session_id(self.seed, campaign_id, i) for i in range(count)]
        random.Random(f"{self.seed}:session-order:{campaign_id}:{count}").shuffle(ids)
        return ids + self.also_listed.get(campaign_id, [])

    def session_page(self, campaign_id: int, offset: int, size: int) -> tuple[int, list[str]]:
        """(TotalCount, the page at ``offset``): what DescribePredictiveDialingSessions answers."""
        sessions = self.sessions(campaign_id)
        shown = [s for s in sessions if s not in self.unlisted]
        return len(sessions), shown[offset : offset + size]

    def every_call(self) -> Iterator[dict[str, Any]]:
        """Every call record of the app's campaigns, one at a time (DescribeTelCdr without SessionIds)."""
        for campaign_id in self.ids():
            for session in self.sessions(campaign_id):
                record = self.call(session)
                if record is not None:
                    yield record

    def session_time(self, campaign_id: int, index: int) -> int:
        """When the call of a campaign's ``index``-th session started."""
        full = self._require(campaign_id)
        _, base = self._callees(campaign_id, full["Status"])
        base -= sum(n for n, _ in self._grown.get(campaign_id, ()))
        if index >= base:
            for added, at in self._grown.get(campaign_id, ()):
                if index < base + added:
                    return at
                base += added
        step = max(1, min(600, (min(full["EndTime"], self.anchor) - full["StartTime"]) // max(1, base)))
        return min(full["StartTime"] + index * step, self.anchor)

    def call(self, session: str) -> dict[str, Any] | None:
        """The call detail record of a session of this app, or None if there is no such session."""
        parsed = calls.parse_session_id(session)
        if parsed is None or session in self.hidden:
            return None
        campaign_id, index = parsed
        if campaign_id >= FIRST_TASK_ID:
            return self.tasks.call(session, campaign_id, index) if self.tasks.has(campaign_id) else None
        full = self.campaign(campaign_id)
        if full is None or index >= self._callees(campaign_id, full["Status"])[1]:
            return None
        if calls.session_id(self.seed, campaign_id, index) != session:
            return None
        return calls.call_record(
            session,
            seed=self.seed,
            started=self.session_time(campaign_id, index),
            campaign=full,
            asr_processing=session in self._processing,
            agents=self._call_agents,
        )

    def grow(self, campaign_id: int, count: int, at: int | None = None) -> list[str]:
        """A running campaign makes ``count`` more calls (now, or at ``at``); the ASR of the
        calls before is done, and about one new call in ten has its ASR text still being made."""
        full = self._require(campaign_id)
        if full["Status"] != 1:
            raise ValueError(f"campaign {campaign_id} is not running: it makes no calls")
        first = self._callees(campaign_id, 1)[1]
        self._grown.setdefault(campaign_id, []).append((count, int(time.time()) if at is None else at))
        self._history = None  # the agents took new calls
        new = [calls.session_id(self.seed, campaign_id, i) for i in range(first, first + count)]
        self._processing = {s for s in new if int(s[-4:], 16) % 10 == 0}
        return new
