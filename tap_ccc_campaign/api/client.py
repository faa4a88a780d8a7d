"""The CCC API client: one signed, paced, retried call per request."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from tap_ccc_campaign.api.errors import APIError, TransportError, is_retryable
from tap_ccc_campaign.api.pacing import Interrupted, Pacer, Pacers, Slot
from tap_ccc_campaign.api.signer import Credentials, TC3Auth
from tap_ccc_campaign.api.transport import describe_failure, read_body

API_VERSION = "2020-02-10"
SERVICE = "ccc"
DESCRIBE_CAMPAIGN = "DescribePredictiveDialingCampaign"
LIST_CAMPAIGNS = "DescribePredictiveDialingCampaigns"
LIST_PAGE_SIZE = 100  # the most DescribePredictiveDialingCampaigns returns per page
LIST_SESSIONS = "DescribePredictiveDialingSessions"
SESSIONS_PAGE_SIZE = 1000  # the most it returns per page
DESCRIBE_CALLS = "DescribeTelCdr"
CALLS_PAGE_SIZE = 100  # the most it returns per page; also the most SessionIds sent at once


# Throttled answers a call may get, at least (max_attempts when higher): RequestLimitExceeded is the
# pacer's signal to slow down, not a fault of the call, and several in a row are normal while the
# pacer finds the share of the budget another client of the account leaves (ten decreases take 20/s
# to under 5/s). Without an attempt bound, a setting under which no time passes between attempts
# (retry_backoff_seconds 0, a fast pacer) would let a throttled call retry for ever.
MIN_THROTTLED_ATTEMPTS = 10


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter").

    A call's retries are bounded twice, whatever the settings: in time, ``max_total_wait`` seconds
    of waiting between attempts (backoff and the wait at the pacer both count), and in attempts:
    ``max_attempts`` failing for transient faults, ``throttled_attempts`` throttled
    (RequestLimitExceeded answers, counted apart: see MIN_THROTTLED_ATTEMPTS).
    """

    max_attempts: int = 5
    base_seconds: float = 1.0
    cap_seconds: float = 30.0
    max_total_wait: float = 120.0

    @property
    def throttled_attempts(self) -> int:
        return max(self.max_attempts, MIN_THROTTLED_ATTEMPTS)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class CallResult:
    data: dict[str, Any]
    request_id: str | None
    attempts: int


AttemptHook = Callable[[str, int | None, float, BaseException | None], None]


def parse_response(status: int, content: bytes) -> tuple[dict[str, Any], str | None]:
    """The fields of a Tencent answer and its RequestId, or a typed error."""
    if status != 200:
        raise TransportError(f"HTTP {status} from the API", http_status=status)
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise TransportError("the API answered with a body that is not JSON", http_status=status) from None
    response = body.get("Response") if isinstance(body, dict) else None
    if not isinstance(response, dict):
        raise TransportError("the API answered without a Response object", http_status=status)
    request_id = response.get("RequestId")
    request_id = request_id if isinstance(request_id, str) else None
    if "Error" in response:
        error = response["Error"]
        code = error.get("Code") if isinstance(error, dict) else None
        message = error.get("Message") if isinstance(error, dict) else None
        raise APIError(
            code if isinstance(code, str) else "UnknownError",
            message if isinstance(message, str) else "(no message)",
            request_id,
        )
    return {k: v for k, v in response.items() if k != "RequestId"}, request_id


def _is_throttling(exc: BaseException) -> bool:
    return isinstance(exc, APIError) and exc.code.startswith("RequestLimitExceeded")


class CCCClient:
    def __init__(
        self,
        *,
        api_url: str,
        credentials: Credentials,
        pacers: Pacers,
        region: str | None = None,
        language: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        pool_size: int = 10,
        on_attempt: AttemptHook | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/") + "/"
        self.pacers = pacers
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.on_attempt = on_attempt
        # Set once any HTTP answer arrives: from then on, the endpoint is known to be reachable.
        self.answered = threading.Event()
        self._rng = rng or random.Random()
        self._stopped = threading.Event()
        self._auth = TC3Auth(credentials, SERVICE)
        self._headers = {"X-TC-Version": API_VERSION}
        if region:
            self._headers["X-TC-Region"] = region
        if language:
            self._headers["X-TC-Language"] = language
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # What Session.request would take from the environment (HTTPS_PROXY, NO_PROXY,
        # REQUESTS_CA_BUNDLE, ...): send() alone does not look, and the URL never changes.
        settings = self.session.merge_environment_settings(self.api_url, {}, None, None, None)
        self._proxies, self._verify, self._cert = settings["proxies"], settings["verify"], settings["cert"]

    def describe_campaign(self, sdk_app_id: int, campaign_id: int) -> CallResult:
        return self.call(DESCRIBE_CAMPAIGN, {"SdkAppId": sdk_app_id, "CampaignId": campaign_id})

    def call(self, action: str, params: dict[str, Any]) -> CallResult:
        """Send one action, retrying transient faults; every attempt is paced and signed anew."""
        body = json.dumps(params, ensure_ascii=False).encode("utf-8")
        pacer = self.pacers.for_action(action)
        retry = self.retry
        waited = 0.0  # between attempts: backoff, and the wait at the pacer of every retry
        attempts = failures = throttles = 0
        last: TransportError | APIError | None = None
        while True:
            if last is None:
                slot = pacer.acquire(self._stopped)  # a first attempt's wait in the queue is not a retry's
            else:
                queued_at = pacer.clock()
                in_time = pacer.acquire_within(retry.max_total_wait - waited, self._stopped)
                waited += pacer.clock() - queued_at
                if in_time is None:
                    raise last  # the pacer would let it go too late: the time for retries is up
                slot = in_time
            attempts += 1
            try:
                data, request_id = self._attempt(action, body, pacer, slot)
                return CallResult(data, request_id, attempts)
            except (TransportError, APIError) as exc:
                exc.attempts = attempts
                throttled = _is_throttling(exc)
                throttles += throttled
                failures += not throttled
                pause = retry.backoff(1 if throttled else failures, self._rng)
                if (
                    not is_retryable(exc)
                    or failures >= retry.max_attempts
                    or throttles >= retry.throttled_attempts
                    or waited + pause > retry.max_total_wait
                ):
                    raise
                waited += pause
                if self._stopped.wait(pause):
                    raise Interrupted from exc
                last = exc

    def _attempt(self, action: str, body: bytes, pacer: Pacer, slot: Slot) -> tuple[dict[str, Any], str | None]:
        started = time.monotonic()
        status: int | None = None
        try:
            status, content = self._send(action, body, slot)
            result = parse_response(status, content)
        except (TransportError, APIError) as exc:
            if _is_throttling(exc):
                pacer.throttled(slot)
            self._report(action, status, started, exc)
            raise
        finally:
            pacer.release(slot)
        pacer.succeeded()
        self._report(action, status, started, None)
        return result

    def _send(self, action: str, body: bytes, slot: Slot) -> tuple[int, bytes]:
        deadline = time.monotonic() + self.timeout
        try:
            request = self.session.prepare_request(
                requests.Request(
                    "POST",
                    self.api_url,
                    data=body,
                    headers={**self._headers, "X-TC-Action": action},
                    auth=self._auth,
                )
            )
            slot.sent()  # counted from here: the request is about to leave
            with self.session.send(
                request,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
                proxies=self._proxies,
                verify=self._verify,
                cert=self._cert,
            ) as response:
                self.answered.set()
                content = read_body(response, deadline)
                return response.status_code, content
        except TransportError:
            raise
        except Exception as exc:  # noqa: BLE001 - its text may hold headers: only a summary leaves
            raise describe_failure(exc, self.timeout) from None

    def _report(self, action: str, status: int | None, started: float, exc: BaseException | None) -> None:
        if self.on_attempt:
            self.on_attempt(action, status, time.monotonic() - started, exc)

    def stop(self) -> None:
        """Make this client's waiting and future attempts raise Interrupted (the pacers are shared
        with the other streams' clients, which go on)."""
        self._stopped.set()
        self.pacers.wake()

    def close(self) -> None:
        self.session.close()
