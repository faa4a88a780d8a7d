"""A campaign's call sessions and each call's detail record (TelCdrInfo), generated from the seed.

A session id looks like any CCC session id (a UUID) but carries its campaign and index in its
first 16 hex digits, so the emulator finds a session's call without an index of every session.
The call of session ``i`` starts ``i`` steps after the campaign started; the sessions a running
campaign gains later (``CampaignStore.grow``) start when they were added.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

# What CCC documents for EndStatus (an open list: codes beyond these appear, e.g. 17 and 234).
END_STATUS = {
    1: "ok",
    202: "notAnswer",
    203: "userReject",
    204: "powerOff",
    205: "numberNotExist",
    206: "busy",
    208: "operatorError",
    222: "voiceMailReached",
    17: "",
    234: "",
}
_NOT_ANSWERED = (202, 202, 202, 203, 204, 205, 206, 208, 222, 17, 234)
AGENTS = (
    ("Li Lei", "lilei@example.com", "1001"),
    ("王芳", "wangfang@example.com", "1002"),
    ("Anna Petrova", "anna@example.com", "1003"),
)


def session_id(seed: int, campaign_id: int, index: int) -> str:
    tail = hashlib.blake2b(f"{seed}:{campaign_id}:{index}".encode(), digest_size=8).hexdigest()
    return f"{campaign_id:08x}-{index >> 16:04x}-{index & 0xFFFF:04x}-{tail[:4]}-{tail[4:16]}"


def parse_session_id(value: str) -> tuple[int, int] | None:
    """(CampaignId, index) of an id made by ``session_id``; None for any other string."""
    parts = value.split("-") if isinstance(value, str) else []
    if len(parts) != 5 or [len(p) for p in parts] != [8, 4, 4, 4, 12]:
        return None
    try:
        return int(parts[0], 16), (int(parts[1], 16) << 16) | int(parts[2], 16)
    except ValueError:
        return None


def call_record(
    session: str,
    *,
    seed: int,
    started: int,
    campaign: dict[str, Any],
    asr_processing: bool,
    agents: tuple[tuple[str, str, str], ...] = AGENTS,
) -> dict[str, Any]:
    """Every TelCdrInfo field CCC returns today, for the call of ``session`` started at ``started``,
    taken (when answered) by one of ``agents``: (name, mail, staff number)."""
    rng = random.Random(f"{seed}:call:{session}")
    answered = rng.random() < 0.6
    abandoned = answered and rng.random() < 0.1  # the callee answered, no agent was free: the system hung up
    ring = started + rng.randint(1, 8)
    accept = ring + rng.randint(2, 20) if answered else 0
    talk = rng.randint(15, 600) if answered and not abandoned else (rng.randint(1, 4) if abandoned else 0)
    ended = (accept + talk) if answered else ring + rng.randint(10, 40)
    end_status = 1 if answered else rng.choice(_NOT_ANSWERED)
    agent = rng.choice(agents) if answered and not abandoned else None
    skill_group_id = campaign["SkillGroupId"]
    record_id = f"rec-{session[-12:]}" if agent else ""
    seat = (
        {
            "Name": agent[0],
            "Mail": agent[1],
            "StaffNumber": agent[2],
            "Phone": f"+86139{rng.randrange(10**8):08d}",
            "Nick": agent[0].split()[0],
            "UserId": agent[1],
            "SkillGroupNameList": [f"Outbound {skill_group_id}"],
            "Role": 3,  # an agent (SeatUserInfo.Role is an int: 1 admin, 2 quality inspector, 3 agent)
            "ExtensionNumber": agent[2],
        }
        if agent
        else None
    )
    participants = (
        [
            {
                "Mail": agent[1],
                "Phone": seat["Phone"] if seat else "",
                "RingTimestamp": accept,
                "AcceptTimestamp": accept,
                "EndedTimestamp": ended,
                "RecordId": record_id,
                "Type": "staffSeat",
                "TransferFrom": "",
                "TransferFromType": "",
                "TransferTo": "",
                "TransferToType": "",
                "SkillGroupId": skill_group_id,
                "EndStatusString": "ok",
                "RecordURL": _signed_link("record", session, ended),
                "Sequence": 0,
                "StartTimestamp": accept,
                "SkillGroupName": f"Outbound {skill_group_id}",
                "CustomRecordURL": "",
            }
        ]
        if agent
        else []
    )
    keys = (
        [
            {
                "Key": "1",
                "Label": "满意",
                "Timestamp": ended * 1000,
                "NodeLabel": "survey",
                "OriginalContent": "",
                "TTSPrompt": "",
            }
        ]
        if agent and rng.random() < 0.3
        else []
    )
    asr = "Processing" if asr_processing else ("Complete" if agent and rng.random() < 0.7 else "NotExists")
    return {
        "Caller": "+862180001234",
        "Callee": f"+86138{rng.randrange(10**8):08d}",
        "Time": started,
        "Direction": 1,
        "CallType": 5,
        "Duration": talk,
        "RecordURL": _signed_link("record", session, ended) if agent else "",
        "RecordId": record_id,
        "SeatUser": seat,
        "EndStatus": end_status,
        "SkillGroup": f"Outbound {skill_group_id}",
        "CallerLocation": "上海",
        "IVRDuration": 0,
        "RingTimestamp": ring,
        "AcceptTimestamp": accept,
        "EndedTimestamp": ended,
        "IVRKeyPressed": [],
        "IVRKeyPressedEx": [],
        "HungUpSide": "system" if abandoned else (rng.choice(("seat", "user")) if answered else "system"),
        "ServeParticipants": participants,
        "SkillGroupId": skill_group_id,
        "EndStatusString": END_STATUS.get(end_status, ""),
        "StartTimestamp": started,
        "QueuedTimestamp": accept if answered else 0,
        "PostIVRKeyPressed": [],
        "PostIVRKeyPressedEx": keys,
        "QueuedSkillGroupId": skill_group_id if answered else 0,
        "SessionId": session,
        "ProtectedCaller": "",
        "ProtectedCallee": "",
        "Uui": campaign.get("UUI", ""),
        "UUI": campaign.get("UUI", ""),
        "AsrUrl": _signed_link("asr", session, ended) if asr == "Complete" else "",
        "AsrStatus": asr,
        "CustomRecordURL": "",
        "Remark": "",
        "QueuedSkillGroupName": f"Outbound {skill_group_id}" if answered else "",
        "VoicemailRecordURL": [],
        "VoicemailAsrURL": [],
        "AIAgentId": 0,
        "AIAgentName": "",
        "SysHangupReason": 3 if abandoned else 0,
        "SysHangupReasonString": "noSeatAvailable" if abandoned else "",
        "EndStatusV2": end_status,
    }


def _signed_link(kind: str, session: str, ended: int) -> str:
    # Shaped like CCC's expiring links: valid for a day after the call.
    return f"https://ccc-{kind}.example.com/{session}.mp3?sign=emulated&t={ended + 86400}"


def robot_call_record(session: str, *, seed: int, started: int, callee: str, answered: bool) -> dict[str, Any]:
    """The TelCdrInfo of an auto-callout (IVR robot) call: outbound, no agent, no skill group; an
    answered one holds the key the callee pressed."""
    record = call_record(session, seed=seed, started=started, campaign={"SkillGroupId": 0}, asr_processing=False)
    rng = random.Random(f"{seed}:robot:{session}")
    ring = started + rng.randint(1, 8)
    accept = ring + rng.randint(2, 15) if answered else 0
    talk = rng.randint(10, 120) if answered else 0
    ended = accept + talk if answered else ring + rng.randint(10, 40)
    status = 1 if answered else rng.choice(_NOT_ANSWERED)
    key = rng.choice(("1", "2"))
    pressed = (
        [
            {
                "Key": key,
                "Label": {"1": "确认", "2": "稍后"}[key],
                "Timestamp": (accept + talk // 2) * 1000,
                "NodeLabel": "confirm",
                "OriginalContent": "",
                "TTSPrompt": "",
            }
        ]
        if answered
        else []
    )
    record.update(
        Callee=callee,
        CallType=1,
        Duration=talk,
        RecordURL="",
        RecordId="",
        SeatUser=None,
        EndStatus=status,
        EndStatusV2=status,
        EndStatusString=END_STATUS.get(status, ""),
        SkillGroup="",
        SkillGroupId=0,
        RingTimestamp=ring,
        AcceptTimestamp=accept,
        EndedTimestamp=ended,
        IVRDuration=talk,
        IVRKeyPressed=[key] if answered else [],
        IVRKeyPressedEx=pressed,
        HungUpSide="user" if answered else "system",
        ServeParticipants=[],
        QueuedTimestamp=0,
        QueuedSkillGroupId=0,
        QueuedSkillGroupName="",
        PostIVRKeyPressedEx=[],
        AsrUrl="",
        AsrStatus="NotExists",
        Uui="",
        UUI="",
        SysHangupReason=0,
        SysHangupReasonString="",
    )
    return record
