"""The tap's settings as a JSON schema (what --about, Meltano and the checks read), with its constants."""

from __future__ import annotations

from singer_sdk import typing as th

DEFAULT_API_URL = "https://ccc.intl.tencentcloudapi.com"
API_RATE_LIMIT = 20
# Tencent's ids are signed 64-bit integers; anything larger cannot be an id.
MAX_ID = 2**63 - 1
# Slowest pace accepted: one call every 100 s (a smaller rate would wait for hours in silence).
MIN_RATE = 0.01
REGION_VARIABLE = "TENCENTCLOUD_REGION"
NUMBER_SETTINGS = (
    "requests_per_second",
    "request_timeout",
    "max_retry_seconds",
    "retry_backoff_seconds",
    "max_deleted_share",
)

SCHEMA = th.PropertiesList(
    th.Property(
        "secret_id",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretId. Give it with secret_key, or give neither: the pair then "
        "comes from TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY (with TENCENTCLOUD_TOKEN), else from "
        "~/.tencentcloud/credentials, else /etc/tencentcloud/credentials ([default]), as Tencent's SDK "
        "finds it; both halves always come from one place. Surrounding whitespace is trimmed.",
    ),
    th.Property(
        "secret_key",
        th.StringType(min_length=1),
        secret=True,
        description="Tencent Cloud SecretKey, from the same place as secret_id (see there). Never logged.",
    ),
    th.Property(
        "token",
        th.StringType,
        secret=True,
        description="STS session token for temporary credentials, sent as X-TC-Token; "
        "taken from the same place as the SecretId/SecretKey pair.",
    ),
    th.Property(
        "sdk_app_id",
        th.IntegerType(minimum=1, maximum=MAX_ID),
        description="CCC application id (SdkAppId), shown in the CCC console. Give this or sdk_app_ids.",
    ),
    th.Property(
        "sdk_app_ids",
        th.ArrayType(th.IntegerType(minimum=1, maximum=MAX_ID)),
        description="Several CCC application ids to read in one run, instead of sdk_app_id. The apps "
        "of one account share its per-action budget: requests_per_second is for all of them together.",
    ),
    th.Property(
        "campaign_ids",
        th.ArrayType(th.IntegerType(minimum=1, maximum=MAX_ID)),
        description="Predictive-dialing campaign (task) ids to extract, one record each, emitted in "
        "this order; duplicates are dropped with a warning. With several apps, the ids apply to each "
        "app. Absent, null or empty: every campaign of every app is found with "
        "DescribePredictiveDialingCampaigns (discovery) and read.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        default=DEFAULT_API_URL,
        description="API endpoint: the international site by default; "
        "https://ccc.tencentcloudapi.com for the China site, a regional host such as "
        "https://ccc.ap-guangzhou.tencentcloudapi.com, or http://127.0.0.1:PORT for the "
        "local emulator.",
    ),
    th.Property(
        "region",
        th.StringType,
        description="Optional region sent as X-TC-Region (e.g. ap-singapore). "
        "Falls back to TENCENTCLOUD_REGION. The predictive-dialing actions do not need one.",
    ),
    th.Property(
        "language",
        th.StringType(allowed_values=["en-US", "zh-CN"]),
        description="Language of error messages, sent as X-TC-Language: en-US or zh-CN.",
    ),
    th.Property(
        "requests_per_second",
        th.NumberType(minimum=MIN_RATE),  # type: ignore[arg-type]  # singer-sdk types it int; JSON Schema allows any number
        default=API_RATE_LIMIT,
        description="Most calls sent in any one-second window, retries included; a fractional rate "
        "is kept on average with calls evenly spaced (1.5: one call every 0.67 s). Tencent allows "
        "20/s per account and "
        "action. The tap slows down by itself when the API answers RequestLimitExceeded (another "
        "client is using the budget) and climbs back to this ceiling; above 20 is allowed with a "
        "warning. At least 0.01.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType(exclusive_minimum=0),
        default=30,
        description="Seconds one call may take in all: connecting, waiting and reading the whole "
        "answer (a server that trickles its answer is cut off at this deadline).",
    ),
    th.Property(
        "max_attempts",
        th.IntegerType(minimum=1),
        default=5,
        description="Attempts per API call for transient faults (InternalError, HTTP 5xx, "
        "timeouts, dropped connections), the first included. Throttling answers "
        "(RequestLimitExceeded) are counted apart: a call may get this many of them, and at least "
        "10 (the pacer slows down on each), always within max_retry_seconds.",
    ),
    th.Property(
        "max_retry_seconds",
        th.NumberType(minimum=0),
        default=120,
        description="Most seconds one API call may spend waiting between its attempts: the backoff and "
        "each retry's wait at the pacer, throttling included. 0: retry only what may be sent at once.",
    ),
    th.Property(
        "full_refresh",
        th.BooleanType,
        default=False,
        description="Read every campaign's settings again, even those that cannot have changed. By "
        "default a discovery sync reads a campaign only when it is new, not yet started (its settings "
        "are still editable), or its list entry (Name, Status, StatusReason, Priority, SkillGroupId) "
        "differs from what the last complete sync saw; the others keep the row already loaded.",
    ),
    th.Property(
        "full_refresh_days",
        th.IntegerType(minimum=0),
        default=7,
        description="A discovery sync reads everything again when the last full one is older than this "
        "many days (0: every sync is full).",
    ),
    th.Property(
        "max_deleted_share",
        th.NumberType(minimum=0, maximum=1),
        default=0.5,
        description="The most campaigns, skill groups or agents one sync may mark deleted, as a share of "
        "those known before it (0 to 1), per stream and app. Above it, none is marked: the run names "
        "them and exits non-zero, since an account that suddenly answers 'does not exist' for many "
        "items is more likely misconfigured or being migrated than emptied. Set 1 for a run after "
        "deleting many on purpose.",
    ),
    th.Property(
        "directory_full_read_hours",
        th.NumberType(minimum=0),
        default=24,
        description="skill_groups and agents: how often their lists are read whole (hours; 0: every "
        "sync). In between, a sync asks only for the items modified since the newest LastModifyTimestamp "
        "it has loaded (less directory_lookback_seconds, and never past this machine's clock). The lists "
        "never say what was deleted: a whole read is what finds it, and only a complete one marks "
        "anything deleted.",
    ),
    th.Property(
        "directory_lookback_seconds",
        th.IntegerType(minimum=0),
        default=300,
        description="skill_groups and agents: how far before the newest LastModifyTimestamp seen a "
        "sync asks again (ModifiedTime), for changes CCC stamped a little before they became visible. "
        "What was read again unchanged is not emitted again.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description="How far back predictive_dialing_calls, auto_callout_calls and agent_status_history "
        "read (RFC 3339, e.g. 2026-06-01T00:00:00Z). Default: as far as the API allows (180 days back; "
        "the tap stays two days inside that). Calls before it are not loaded but kept pending in the "
        "state: move it back and they load.",
    ),
    th.Property(
        "log_metrics",
        th.BooleanType,
        default=False,
        description="Log singer-sdk's METRIC lines: one per API call (the http_request_duration "
        "timer, with the action, HTTP status and Tencent error code) and each stream's record count "
        "and sync duration. Off by default: a progress line every 15 s and one closing line per "
        "stream say how a sync goes.",
    ),
    th.Property(
        "retry_backoff_seconds",
        th.NumberType(minimum=0),
        default=1,
        description="Base of the exponential backoff: the wait before attempt n+1 is "
        "random in [0, base * 2^(n-1)], capped at 30 s (full jitter).",
    ),
).to_dict()
