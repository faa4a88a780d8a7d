"""The parsed settings every stream reads (Settings), from a checked config."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tap_ccc_campaign.api.signer import Credentials
from tap_ccc_campaign.config.schema import API_RATE_LIMIT, default


@dataclass(frozen=True)
class Settings:
    credentials: Credentials
    sdk_app_ids: tuple[int, ...]
    campaign_ids: tuple[int, ...]  # empty: discover every campaign of each app
    api_url: str
    region: str | None
    language: str | None
    requests_per_second: float
    request_timeout: float
    max_attempts: int
    max_retry_seconds: float
    retry_backoff_seconds: float
    log_metrics: bool
    full_refresh: bool
    full_refresh_days: int
    start_date: datetime | None
    max_deleted_share: float
    directory_full_read_hours: float
    directory_lookback_seconds: int

    @property
    def workers(self) -> int:
        # Enough calls in flight to keep the limiter busy with answers up to ~2 s slow.
        return max(4, min(64, math.ceil(self.requests_per_second * 2)))

    @property
    def listers(self) -> int:
        # Session lists read at once: a list of 50,000 sessions is 50 pages (2.5 s at 20/s) and
        # about 5 MB held until its records are written, so a few lists ahead keep the calls busy;
        # a pool's worth would hold every running campaign's list at once.
        return max(2, self.workers // 8)

    @property
    def discovery(self) -> bool:
        return not self.campaign_ids

    @classmethod
    def from_config(cls, config: Mapping[str, Any], logger: logging.Logger) -> Settings:
        ids = [int(i) for i in config.get("campaign_ids") or ()]
        unique = tuple(dict.fromkeys(ids))
        if len(unique) != len(ids):
            dropped = sorted(i for i, n in Counter(ids).items() if n > 1)
            logger.warning(
                "campaign_ids lists %d duplicate(s), dropped: %s",
                len(ids) - len(unique),
                ", ".join(map(str, dropped[:20])) + (" …" if len(dropped) > 20 else ""),
            )
        rate = float(_given(config, "requests_per_second"))
        if rate > API_RATE_LIMIT:
            logger.warning(
                "requests_per_second is %g, above Tencent's limit of %d/s for this action: "
                "expect RequestLimitExceeded answers (they are retried).",
                rate,
                API_RATE_LIMIT,
            )
        return cls(
            credentials=Credentials(config["secret_id"], config["secret_key"], config.get("token") or None),
            sdk_app_ids=tuple(dict.fromkeys(int(a) for a in config.get("sdk_app_ids") or [config["sdk_app_id"]])),
            campaign_ids=unique,
            api_url=_given(config, "api_url"),
            region=config.get("region") or None,
            language=config.get("language") or None,
            requests_per_second=rate,
            request_timeout=float(_given(config, "request_timeout")),
            max_attempts=int(_given(config, "max_attempts")),
            max_retry_seconds=float(_given(config, "max_retry_seconds")),
            retry_backoff_seconds=float(_given(config, "retry_backoff_seconds")),
            log_metrics=bool(_given(config, "log_metrics")),
            full_refresh=bool(_given(config, "full_refresh")),
            full_refresh_days=int(_given(config, "full_refresh_days")),
            start_date=parse_start_date(config.get("start_date")),
            max_deleted_share=float(_given(config, "max_deleted_share")),
            directory_full_read_hours=float(_given(config, "directory_full_read_hours")),
            directory_lookback_seconds=int(_given(config, "directory_lookback_seconds")),
        )


def _given(config: Mapping[str, Any], key: str) -> Any:
    """A setting's value; null is not given (the schema lets every setting be null, as Meltano may
    pass one it has no value for), so it takes its declared default rather than failing a conversion."""
    value = config.get(key)
    return default(key) if value is None else value


def parse_start_date(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
