"""Fault injection, deterministic by seed, so tests can prove a client's retries.

A transient fault hits an attempt with the configured probability, decided by
hashing (seed, action, key, attempt), and never more than ``max_consecutive``
attempts in a row for one key: a client that retries enough always succeeds.
Persistent faults hit every attempt for a chosen campaign, an action, or an action of one app.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

TRANSIENT_KINDS = (
    "dberror",  # InternalError.DBError on HTTP 200
    "ratelimit",  # RequestLimitExceeded on HTTP 200
    "http502",
    "http503",
    "http504",
    "drop",  # the connection is closed without an answer
    "slow",  # the answer starts after slow_seconds (longer than a client's timeout)
    "stall",  # headers and half the body, then a pause of slow_seconds
    "notjson",  # an HTML page on HTTP 200
    "noresponse",  # JSON without the Response object
)
# Well-formed answers with bad data: a field of another type (a campaign's Priority, a call's agent
# Role as a string); a success that holds no field at all; call records without their SessionId; a
# campaign whose StartTime and EndTime say nothing true of its calls (EndTime a day after 1970,
# before StartTime).
DATA_KINDS = ("wrongtype", "empty", "nosessionid", "badtimes")
# What else a real account answers: InvalidParameterValue about something other than the campaign
# (a parameter out of range; an app being migrated; the campaign's skill group, gone while the
# campaign is there), the answer for a deleted campaign about one that is there (a replica behind),
# a list page that repeats the one before, a list that is empty while the campaigns are there, a
# key whose CAM policy refuses the action, and a list whose TotalCount counts one item more than
# its pages ever show (a count ahead of its index).
ANSWER_KINDS = ("badparam", "migrating", "othermissing", "saysgone", "repeatpage", "emptylist", "denied", "overcount")
KINDS = TRANSIENT_KINDS + DATA_KINDS + ANSWER_KINDS


@dataclass(frozen=True)
class FaultPlan:
    rates: Mapping[str, float] = field(default_factory=dict)
    seed: int = 0
    max_consecutive: int = 2
    persistent: Mapping[int, str] = field(default_factory=dict)  # CampaignId -> kind, every attempt
    actions: Mapping[str, str] = field(default_factory=dict)  # action -> kind, every attempt of it
    # (SdkAppId, action) -> kind, every attempt of that action for that app only (the other apps answer)
    app_actions: Mapping[tuple[int, str], str] = field(default_factory=dict)
    action_attempts: int | None = None  # the actions' faults hit only the first N attempts of each request
    extra_field: bool = False  # answers carry a field the tap's schema does not know
    slow_seconds: float = 5.0
    # Every list action answers at most this many items a page, whatever PageSize asks (where no
    # maximum is documented a real account may): the page asked is placed by the PageSize sent
    # and cut to the cap, so the rest of it is served only to a client that pages by what it got;
    # with ``page_cap_clamps``, PageSize is lowered to the cap before the page is placed.
    page_cap: int | None = None
    page_cap_clamps: bool = False
    # DescribeStaffStatusHistory's cursor goes back: a page asked after this many pages of the
    # window answers the window's first page again.
    cursor_cycle_after: int | None = None

    def __post_init__(self) -> None:
        asked = set(self.rates) | set(self.persistent.values()) | set(self.actions.values())
        unknown = (asked | set(self.app_actions.values())) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(sorted(unknown))}; known: {', '.join(KINDS)}")
        if sum(self.rates.values()) > 1:
            raise ValueError("fault rates add up to more than 1")
        if self.page_cap is not None and self.page_cap < 1:
            raise ValueError("page_cap must be 1 or more")
        if self.cursor_cycle_after is not None and self.cursor_cycle_after < 1:
            raise ValueError("cursor_cycle_after must be 1 or more")

    def pick(
        self, action: str, key: object, attempt: int, campaign_id: int | None, sdk_app_id: int | None = None
    ) -> str | None:
        """The fault for this attempt (1-based) at this key, or None."""
        if action in self.actions and (self.action_attempts is None or attempt <= self.action_attempts):
            return self.actions[action]
        if (sdk_app_id, action) in self.app_actions:
            return self.app_actions[(sdk_app_id, action)]
        if campaign_id is not None and campaign_id in self.persistent:
            return self.persistent[campaign_id]
        if attempt > self.max_consecutive or not self.rates:
            return None
        draw = random.Random(f"{self.seed}:{action}:{key}:{attempt}").random()
        cumulative = 0.0
        for kind in sorted(self.rates):
            cumulative += self.rates[kind]
            if draw < cumulative:
                return kind
        return None
