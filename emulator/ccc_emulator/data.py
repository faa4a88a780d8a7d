"""The emulator's campaigns: a deterministic, seeded data set, generated on demand."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class CampaignStore:
    sdk_app_id: int = DEFAULT_SDK_APP_ID
    count: int = 100
    seed: int = 0
    first_id: int = DEFAULT_FIRST_ID

    def ids(self) -> range:
        return range(self.first_id, self.first_id + self.count)

    def has(self, campaign_id: int) -> bool:
        return campaign_id in self.ids()

    def _rng(self, campaign_id: int, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{purpose}:{campaign_id}")

    def campaign(self, campaign_id: int) -> dict[str, Any] | None:
        """Every field DescribePredictiveDialingCampaign returns today, or None if unknown."""
        if not self.has(campaign_id):
            return None
        rng = self._rng(campaign_id, "campaign")
        index = campaign_id - self.first_id
        status = rng.choice((0, 1, 1, 2, 3, 4, 4))
        start = 1708483433 + rng.randrange(0, 86400 * 600)
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
        callees = self._rng(campaign_id, "callees").randrange(0, 5000)
        finished = callees if full["Status"] == 4 else callees * (campaign_id % 10) // 10
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

    def sessions(self, campaign_id: int) -> list[str]:
        rng = self._rng(campaign_id, "sessions")
        return [
            f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-{rng.getrandbits(16):04x}-"
            f"{rng.getrandbits(16):04x}-{rng.getrandbits(48):012x}"
            for _ in range(rng.randrange(0, 2500))
        ]
