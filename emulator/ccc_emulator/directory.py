"""One app's skill groups and agents (staff), generated from the seed, and changes to them over time.

Every skill group a campaign names exists here (plus a few no campaign uses); the agents who take
the calls (``calls.AGENTS``) are here, with more who took none. Each item carries its
``LastModifyTimestamp``: the ``ModifiedTime`` filters of DescribeSkillGroupInfoList and
DescribeStaffInfoList return those modified at or after it, in the order of creation. Deleted items
vanish from the lists, as they do in CCC: no list says so.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from ccc_emulator.calls import AGENTS

_ROUTE_POLICIES = ("Random", "Average", "Round")
_EXTRA_AGENTS = (
    ("Chen Jing", "chenjing"),
    ("Maria Garcia", "maria.garcia"),
    ("张伟", "zhangwei"),
    ("Tom Baker", "tom.baker"),
    ("Sara Ng", "sara.ng"),
    ("刘洋", "liuyang"),
    ("Ivan Sokolov", "ivan.sokolov"),
)


class Directory:
    def __init__(
        self, seed: int, sdk_app_id: int, skill_group_ids: Iterable[int], anchor: int, *, extra_agents: int = 0
    ) -> None:
        """``extra_agents`` more agents (``agent0001@example.com``, ...), for a large account."""
        self._rng = random.Random(f"{seed}:directory:{sdk_app_id}")
        self._anchor = anchor
        used = sorted(set(skill_group_ids))
        spare = [9000 + i for i in range(3)]  # groups no campaign uses
        self._groups: dict[int, dict[str, Any]] = {gid: self._group(gid) for gid in [*used, *spare]}
        people = [(name, mail, number) for name, mail, number in AGENTS]
        people += [(name, f"{login}@example.com", str(1004 + i)) for i, (name, login) in enumerate(_EXTRA_AGENTS)]
        first = 1004 + len(_EXTRA_AGENTS)
        people += [(f"Agent {i + 1:04d}", f"agent{i + 1:04d}@example.com", str(first + i)) for i in range(extra_agents)]
        self._agents: dict[str, dict[str, Any]] = {}
        for name, mail, number in people:
            self._agents[mail] = self._agent(name, mail, number)
        # RoleIdList: the SDK declares an int, its description a list of role ids; both are sent.
        for i, mail in enumerate(self._agents):
            if i % 2:
                self._agents[mail]["RoleIdList"] = 3
        self._next_number = first + extra_agents

    def _when(self) -> int:
        return self._anchor - self._rng.randrange(86400, 86400 * 300)

    def _group(self, group_id: int) -> dict[str, Any]:
        rng = self._rng
        return {
            "SkillGroupId": group_id,
            "SkillGroupName": f"Outbound {group_id}",
            "Type": "TEL",  # deprecated: IM, TEL or ALL
            "RoutePolicy": rng.choice(_ROUTE_POLICIES),
            "UsingLastSeat": rng.randint(0, 1),
            "MaxConcurrency": rng.randint(1, 5),
            "LastModifyTimestamp": self._when(),
            "SkillGroupType": 0,
            "Alias": rng.choice(("", f"8{group_id % 1000:03d}")),
            "RingAll": rng.random() < 0.2,
        }

    def _agent(self, name: str, mail: str, number: str) -> dict[str, Any]:
        rng = self._rng
        groups = rng.sample(sorted(self._groups), k=min(len(self._groups), rng.randint(1, 3)))
        # Every agent who takes calls belongs to every campaign's group, as a dialer's agents do.
        if any(mail == agent[1] for agent in AGENTS):
            groups = sorted(self._groups)
        return {
            "Name": name,
            "Mail": mail,
            "Phone": f"+86139{rng.randrange(10**8):08d}",
            "Nick": name.split()[0],
            "StaffNumber": number,
            "RoleId": 3,
            "RoleIdList": [3],
            "RoleList": [3],
            "SkillGroupList": [
                {
                    "SkillGroupId": gid,
                    "SkillGroupName": self._groups[gid]["SkillGroupName"],
                    "Priority": rng.randint(1, 5),
                    "Type": "",
                }
                for gid in groups
            ],
            "LastModifyTimestamp": self._when(),
            "ExtensionNumber": number,
            "ForwardingConfig": {
                "Enabled": False,
                "Condition": 0,
                "Target": {"Type": 1, "StaffUserId": "", "SkillGroupId": 0, "Extension": ""},
            },
        }

    # Reading

    def skill_groups(self, modified_since: int | None = None) -> list[dict[str, Any]]:
        return [
            g for g in self._groups.values() if modified_since is None or g["LastModifyTimestamp"] >= modified_since
        ]

    def agents(self, modified_since: int | None = None) -> list[dict[str, Any]]:
        return [
            a for a in self._agents.values() if modified_since is None or a["LastModifyTimestamp"] >= modified_since
        ]

    def agent_mails(self) -> list[str]:
        return list(self._agents)

    def has_agent(self, mail: str) -> bool:
        return mail in self._agents

    def people(self) -> tuple[tuple[str, str, str], ...]:
        """(Name, Mail, StaffNumber) of every agent, in the order of creation."""
        return tuple((a["Name"], a["Mail"], a["StaffNumber"]) for a in self._agents.values())

    # Changes

    def touch_group(self, group_id: int, at: int, **fields: Any) -> None:
        self._groups[group_id] = {**self._groups[group_id], **fields, "LastModifyTimestamp": at}

    def add_group(self, group_id: int, at: int) -> None:
        self._groups[group_id] = {**self._group(group_id), "LastModifyTimestamp": at}

    def delete_group(self, group_id: int) -> None:
        del self._groups[group_id]

    def touch_agent(self, mail: str, at: int, **fields: Any) -> None:
        self._agents[mail] = {**self._agents[mail], **fields, "LastModifyTimestamp": at}

    def add_agent(self, name: str, at: int) -> str:
        login = name.lower().replace(" ", ".")
        mail = f"{login}@example.com"
        self._agents[mail] = {**self._agent(name, mail, str(self._next_number)), "LastModifyTimestamp": at}
        self._next_number += 1
        return mail

    def delete_agent(self, mail: str) -> None:
        del self._agents[mail]
